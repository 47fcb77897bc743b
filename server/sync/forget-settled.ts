import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { runEvery } from './run-every.js';

/**
 * How long a record of an applied change is kept after its device said it is settled: longer
 * than any request can take to arrive (the server gives up on one after 30 seconds), with room for
 * instances whose clocks disagree. A request sent before the device settled the change, held up
 * on its way, still finds its record and is answered from it rather than applied again.
 */
export const FORGET_GRACE_MS = 24 * 60 * 60 * 1000;
/** How often the server forgets what it may. */
export const FORGET_EVERY_MS = 60 * 60 * 1000;
/** Records removed a statement: each is short, so pushes run in between. */
const CHUNK = 1_000;

export interface ForgetOptions {
  /** The time the grace period counts back from (tests move it). */
  readonly now?: number;
  readonly graceMs?: number;
}

/**
 * Removes the records of applied changes that no request can bring again, and returns how many:
 * a device's changes below the seq it last said is settled (see PushRequest.settled), and every
 * change of a device revoked before the grace period, applied before the grace period. Without
 * this, the record that makes a repeated change harmless grows by one row per change forever.
 */
export async function forgetSettled(
  db: Kysely<Database>,
  { now = Date.now(), graceMs = FORGET_GRACE_MS }: ForgetOptions = {},
): Promise<number> {
  const before = now - graceMs;
  const devices = await db.selectFrom('devices').select(['id', 'settled_below', 'revoked_at']).execute();
  let forgotten = 0;
  for (const device of devices) {
    // A revoked device's token is refused, so none of its changes can arrive again.
    const revoked = device.revoked_at !== null && Number(device.revoked_at) < before;
    const below = revoked ? Number.MAX_SAFE_INTEGER : Number(device.settled_below);
    // Seqs start at 1: a device that has not said a mark yet has nothing to forget, and costs no query.
    if (below <= 1) continue;
    let after = 0;
    while (after < below) {
      // Stepped by the records themselves, not by seq ranges: a device's seqs may have gaps.
      const rows = await db
        .selectFrom('applied_mutations')
        .select('seq')
        .where('device_id', '=', device.id)
        .where('seq', '>', after)
        .where('seq', '<', below)
        .where('applied_at', '<', before)
        .orderBy('seq')
        .limit(CHUNK)
        .execute();
      if (rows.length === 0) break;
      const last = Number(rows[rows.length - 1]!.seq);
      const removed = await db
        .deleteFrom('applied_mutations')
        .where('device_id', '=', device.id)
        .where('seq', '>', after)
        .where('seq', '<=', last)
        .where('applied_at', '<', before)
        .executeTakeFirst();
      forgotten += Number(removed.numDeletedRows);
      if (rows.length < CHUNK) break;
      after = last;
      // SQLite runs on this thread: let waiting requests go between chunks.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return forgotten;
}

/** Runs {@link forgetSettled} now and every `everyMs`: see {@link runEvery}. */
export function forgetSettledEvery(
  db: Kysely<Database>,
  {
    everyMs = FORGET_EVERY_MS,
    graceMs = FORGET_GRACE_MS,
    onRun,
    onError,
  }: {
    readonly everyMs?: number;
    readonly graceMs?: number;
    readonly onRun: (forgotten: number) => void;
    readonly onError: (error: unknown) => void;
  },
): { stop(): Promise<void> } {
  return runEvery(() => forgetSettled(db, { graceMs }), { everyMs, onRun, onError });
}
