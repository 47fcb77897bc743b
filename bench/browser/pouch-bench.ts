// Runs in Chromium beside drain-bench.ts: the same 1,000 drafts, each written then edited once,
// kept by PouchDB in IndexedDB and replicated to pouchdb-server. Loaded after pouchdb.min.js.
import { newDraftId } from '../../src/data/new-draft-id.js';

/** The part of PouchDB this benchmark uses (its types are not a dependency of the kit). */
interface PouchDatabase {
  put(doc: Record<string, unknown>): Promise<{ rev: string }>;
  destroy(): Promise<unknown>;
}
interface PouchConstructor {
  new (name: string): PouchDatabase;
  replicate(from: PouchDatabase, to: string): Promise<{ docs_written: number; ok: boolean }>;
}

export async function run(remote: string): Promise<{ replicateMs: number; written: number }> {
  const Pouch = (globalThis as unknown as { PouchDB: PouchConstructor }).PouchDB;
  const local = new Pouch(`peer-${crypto.randomUUID()}`);
  for (let i = 0; i < 1_000; i += 1) {
    // Ids made as the kit makes its drafts' (ordered by time), so neither side gains from its ids alone.
    const id = newDraftId();
    const draft = {
      _id: id,
      worksheet: 'engagement-strategy',
      title: `Queued draft ${i}`,
      community: 'Riverside',
    };
    const { rev } = await local.put(draft);
    await local.put({ ...draft, _rev: rev, achieve: 'An answer of a realistic length. '.repeat(8) });
  }
  const t = performance.now();
  const result = await Pouch.replicate(local, remote);
  const replicateMs = performance.now() - t;
  await local.destroy();
  if (!result.ok || result.docs_written !== 1_000) throw new Error(`replication incomplete: ${JSON.stringify(result)}`);
  return { replicateMs, written: result.docs_written };
}
