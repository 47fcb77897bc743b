import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../../server/app.js';
import { openDatabase } from '../../server/db/open-database.js';
import type { Database } from '../../server/db/schema.js';
import { randomSecret } from '../../server/secrets.js';
import { SyncStore } from '../../server/sync/sync-store.js';
import type { Mutation, MutationResult, PullResponse, ServerDraft } from '../../src/sync/protocol.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { tempDirWith } from '../support/temp-dir.js';

interface Instance {
  readonly app: FastifyInstance;
  readonly db: Kysely<Database>;
  readonly store: SyncStore;
  readonly origin: string;
}

describe('two server instances on one PostgreSQL database', () => {
  let postgres: TestPostgres;
  const instances: Instance[] = [];
  let dist: Awaited<ReturnType<typeof tempDirWith>>;

  before(async () => {
    postgres = await startPostgres();
    dist = await tempDirWith({ 'index.html': '<!doctype html>' });
    const url = await postgres.createDatabase();
    const secret = randomSecret(); // shared, as EFK_SECRET would be
    for (let i = 0; i < 2; i += 1) {
      const { db } = await openDatabase({ databaseUrl: url });
      const store = new SyncStore(db, secret);
      const app = await buildApp({ distDir: dist.dir, sync: { store } });
      await app.listen({ host: '127.0.0.1', port: 0 });
      instances.push({ app, db, store, origin: `http://127.0.0.1:${(app.server.address() as { port: number }).port}` });
    }
  });

  after(async () => {
    for (const i of instances) {
      await i.app.close();
      await i.db.destroy();
    }
    await postgres?.stop();
    await dist?.cleanup();
  });

  async function call<T>(origin: string, path: string, token: string | null, body?: unknown): Promise<T> {
    const res = await fetch(`${origin}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? null : JSON.stringify(body),
    });
    assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
    return (await res.json()) as T;
  }

  async function pullAll(origin: string, token: string): Promise<Map<string, ServerDraft>> {
    const drafts = new Map<string, ServerDraft>();
    let since = 0;
    for (;;) {
      const page = await call<PullResponse>(origin, `/api/pull?since=${since}&limit=50`, token);
      for (const d of page.drafts) drafts.set(d.id, d);
      since = page.cursor;
      if (!page.more) return drafts;
    }
  }

  it('lets device A (instance 1) and device B (instance 2) push and pull at once, converging with every mutation applied once', async () => {
    const [one, two] = instances as [Instance, Instance];
    // The team is made through one instance; a join link printed by either works on both.
    const team = await one.store.createTeam('Scale team');
    const a = await call<{ token: string }>(one.origin, '/api/join', null, { code: team.code, deviceName: 'A' });
    const b = await call<{ token: string }>(two.origin, '/api/join', null, { code: team.code, deviceName: 'B' });

    const ids = Array.from({ length: 40 }, () => randomUUID());
    const seqs = { a: 0, b: 0 };
    const mutation = (who: 'a' | 'b', id: string, key: string, value: string): Mutation => ({
      seq: ++seqs[who],
      draftId: id,
      kind: 'upsert',
      worksheetId: 'engagement-strategy',
      worksheetVersion: 1,
      createdAt: 1,
      baseRev: 0,
      fields: { [key]: { value, baseRev: 0, changedAt: seqs[who] } },
    });
    const batches = (who: 'a' | 'b', key: string): Mutation[][] => {
      const all = ids.map((id, i) => mutation(who, id, key, `${who} wrote ${i}`));
      return Array.from({ length: 8 }, (_, k) => all.slice(k * 5, k * 5 + 5));
    };
    const aBatches = batches('a', 'achieve');
    const bBatches = batches('b', 'audience');
    const pushAll = async (origin: string, token: string, list: Mutation[][]): Promise<MutationResult[]> => {
      const results: MutationResult[] = [];
      for (const mutations of list) {
        // Every batch is sent twice, as a device does when an acknowledgement is lost.
        const [first, again] = await Promise.all([
          call<{ results: MutationResult[] }>(origin, '/api/push', token, { mutations }),
          call<{ results: MutationResult[] }>(origin, '/api/push', token, { mutations }),
        ]);
        assert.deepEqual(again.results, first.results);
        results.push(...first.results);
        await pullAll(origin, token); // and pulls while the other device writes
      }
      return results;
    };
    const [aResults, bResults] = await Promise.all([
      pushAll(one.origin, a.token, aBatches),
      pushAll(two.origin, b.token, bBatches),
    ]);
    assert.equal(aResults.length + bResults.length, 80);
    assert.ok([...aResults, ...bResults].every((r) => r.status === 'applied' || r.status === 'merged'));

    const seenByA = await pullAll(one.origin, a.token);
    const seenByB = await pullAll(two.origin, b.token);
    assert.deepEqual(
      [...seenByA.entries()].sort(),
      [...seenByB.entries()].sort(),
      'both devices hold identical drafts',
    );
    assert.equal(seenByA.size, 40);
    for (const [i, id] of ids.entries()) {
      assert.equal(seenByA.get(id)!.fields['achieve']!.value, `a wrote ${i}`);
      assert.equal(seenByA.get(id)!.fields['audience']!.value, `b wrote ${i}`);
    }
    const applied = await one.db
      .selectFrom('applied_mutations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const rev = await one.db.selectFrom('teams').select('rev').where('id', '=', team.id).executeTakeFirstOrThrow();
    assert.equal(Number(applied.n), 80, 'every mutation recorded once');
    assert.equal(Number(rev.rev), 80, 'every mutation applied once: one revision each');
  });
});
