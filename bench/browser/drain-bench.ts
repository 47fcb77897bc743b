// Runs in Chromium on the sync server's origin: a queue built offline, then drained.
import { DraftStore } from '../../src/data/draft-store.js';
import { runSync, SYNC_LOCK } from '../../src/sync/run-sync.js';
import { SyncEngine } from '../../src/sync/sync-engine.js';
import { SYNC_META } from '../../src/sync/sync-meta.js';
import { FetchTransport } from '../../src/sync/sync-transport.js';
import type { DrainQueue } from '../drain-queue.js';

let store: DraftStore | undefined;
/** Set while this page holds the sync lock (see holdSyncLock): ends the hold with the drain. */
let release: ((work: () => Promise<unknown>) => void) | undefined;

/**
 * Queues the drafts of `queue`.
 * @param shared in the app's own database, where an open page of the app hears of the drain
 */
export async function prepare(token: string, shared: boolean, queue: DrainQueue): Promise<void> {
  store = await DraftStore.open(shared ? {} : { name: `drain-${crypto.randomUUID()}` });
  await store.setMeta(SYNC_META.token, token);
  const ws = { id: 'engagement-strategy', version: 1 };
  if (queue === 'drafts') {
    for (let i = 0; i < 1_000; i += 1) {
      const d = await store.create(ws, { title: `Queued draft ${i}`, community: 'Riverside' });
      await store.update(d.id, { achieve: 'An answer of a realistic length. '.repeat(8) });
    }
    return;
  }
  for (let i = 0; i < 50; i += 1) {
    const d = await store.create(ws, { title: `Consultation ${i}`, community: 'Riverside' });
    const answers = { achieve: '', audience: '' };
    for (let k = 1; k < 50; k += 1) {
      const key = k % 3 === 0 ? 'audience' : 'achieve';
      answers[key] += `Sentence ${k} of what the room said. `;
      await store.update(d.id, { [key]: answers[key] });
      // Typed a pause apart, as autosaves are: each is folded into the outbox a second later.
      await store.foldEdits();
    }
  }
}

/**
 * Takes the device's sync lock and keeps it until the drain, which then runs inside it: an app tab
 * opened meanwhile finds a sync under way (as when the service worker or another tab is sending)
 * rather than sending the queue itself.
 */
export async function holdSyncLock(): Promise<void> {
  await new Promise<void>((held) => {
    void navigator.locks.request(SYNC_LOCK, async () => {
      const work = await new Promise<() => Promise<unknown>>((start) => {
        release = start;
        held();
      });
      await work();
    });
  });
}

/**
 * Drains the queue. Also says how large the drafts' content is as JSON (each draft's id,
 * worksheet and field values): the least any sync of them could send, uncompressed.
 */
export async function drain(): Promise<{ drainMs: number; pushed: number; contentBytes: number }> {
  if (!store) throw new Error('prepare first');
  const draining = store;
  const t = performance.now();
  const result = release
    ? await new Promise<Awaited<ReturnType<SyncEngine['sync']>>>((resolve, reject) => {
        release!(async () => {
          const token = (await draining.meta(SYNC_META.token))!;
          await new SyncEngine(draining, new FetchTransport(token)).sync().then(resolve, reject);
        });
      })
    : await runSync(store);
  const drainMs = performance.now() - t;
  release = undefined;
  const left = (await store.outbox()).length;
  const drafts = await store.list();
  store.close();
  if (typeof result === 'string' || left !== 0) throw new Error(`drain incomplete: ${String(result)}, ${left} left`);
  const contentBytes = drafts.reduce(
    (n, d) =>
      n +
      new TextEncoder().encode(
        JSON.stringify({
          id: d.id,
          worksheetId: d.worksheetId,
          fields: Object.fromEntries(Object.entries(d.fields).map(([k, f]) => [k, f.value])),
        }),
      ).length,
    0,
  );
  return { drainMs, pushed: result.pushed, contentBytes };
}

/**
 * A second device of the team, joined after the drain: its first sync, which pulls every draft.
 * @param token the joining device's own token
 */
export async function join(token: string): Promise<{ joinMs: number; pulled: number }> {
  const joining = await DraftStore.open({ name: `join-${crypto.randomUUID()}` });
  await joining.setMeta(SYNC_META.token, token);
  const t = performance.now();
  const result = await runSync(joining);
  const joinMs = performance.now() - t;
  const held = (await joining.list()).length;
  joining.close();
  if (typeof result === 'string' || result.pulled !== held)
    throw new Error(`join incomplete: ${JSON.stringify(result)}, ${held} held`);
  return { joinMs, pulled: result.pulled };
}
