import type { DraftStore } from '../data/draft-store.js';
import { isRefusal } from './sync-errors.js';
import { transport } from './load-transport.js';

/**
 * Tokens of teams this device left whose revocation has not reached the server yet (a JSON list).
 * Not a `sync-` fact: it outlives the change of team that cleared those.
 */
const LEFT_TOKENS = 'left-tokens';

/**
 * Takes the device `token` names out of its team on the server. With no connection (or a server
 * fault) the token is kept to try again when the device is next online or opened (see
 * {@link revokeLeft}), so the team's list of devices comes to say what is true; nothing else waits
 * on it.
 */
export async function leaveTeamWith(store: DraftStore, token: string): Promise<void> {
  if (await revoked(token)) return;
  const left = parseTokens(await store.meta(LEFT_TOKENS));
  if (!left.includes(token)) await store.setMeta(LEFT_TOKENS, JSON.stringify([...left, token]));
}

/** Tries again the revocations that could not reach the server. */
export async function revokeLeft(store: DraftStore): Promise<void> {
  const left = parseTokens(await store.meta(LEFT_TOKENS));
  if (left.length === 0) return;
  const done = await Promise.all(left.map(revoked));
  // Read again: another tab may have added one meanwhile.
  const now = parseTokens(await store.meta(LEFT_TOKENS)).filter((token) => !done[left.indexOf(token)]);
  await store.setMeta(LEFT_TOKENS, now.length ? JSON.stringify(now) : null);
}

/** Whether the server has taken the device out (now, or before: it no longer knows the token). */
async function revoked(token: string): Promise<boolean> {
  try {
    await (await transport(token)).leave();
    return true;
  } catch (error) {
    return isRefusal(error);
  }
}

function parseTokens(json: string | undefined): string[] {
  try {
    const list: unknown = JSON.parse(json ?? '[]');
    return Array.isArray(list) ? list.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}
