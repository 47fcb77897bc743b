// Runs in Chromium on the sync server's origin: 1,000 drafts queued offline, then drained.
import { DraftStore } from '../../src/data/draft-store.js';
import { runSync } from '../../src/sync/run-sync.js';
import { SYNC_META } from '../../src/sync/sync-engine.js';

let store: DraftStore | undefined;

/**
 * Queues 1,000 drafts, each written and then edited once.
 * @param shared in the app's own database, where an open page of the app hears of the drain
 */
export async function prepare(token: string, shared: boolean): Promise<void> {
  store = await DraftStore.open(shared ? {} : { name: `drain-${crypto.randomUUID()}` });
  await store.setMeta(SYNC_META.token, token);
  for (let i = 0; i < 1_000; i += 1) {
    const d = await store.create(
      { id: 'engagement-strategy', version: 1 },
      { title: `Queued draft ${i}`, community: 'Riverside' },
    );
    await store.update(d.id, { achieve: 'An answer of a realistic length. '.repeat(8) });
  }
}

export async function drain(): Promise<{ drainMs: number; pushed: number }> {
  if (!store) throw new Error('prepare first');
  const t = performance.now();
  const result = await runSync(store);
  const drainMs = performance.now() - t;
  const left = (await store.outbox()).length;
  store.close();
  if (typeof result === 'string' || left !== 0) throw new Error(`drain incomplete: ${String(result)}, ${left} left`);
  return { drainMs, pushed: result.pushed };
}
