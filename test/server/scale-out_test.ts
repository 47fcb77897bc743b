import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import { buildApp } from '../../server/app.js';
import { openDatabase } from '../../server/db/open-database.js';
import type { Database } from '../../server/db/schema.js';
import { randomSecret } from '../../server/secrets.js';
import { SyncStore } from '../../server/sync/sync-store.js';
import {
  CHANGES_WAIT_MS,
  type Mutation,
  type MutationResult,
  type PullResponse,
  type ServerDraft,
} from '../../src/sync/protocol.js';
import { newDraftMutation } from '../support/new-draft-mutation.js';
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
      const { db, listen } = await openDatabase({ databaseUrl: url });
      const store = new SyncStore(db, secret);
      const app = await buildApp({ distDir: dist.dir, sync: { store, listen } });
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

  /** The instances' connections listening for each other's changes, as an administrator sees them in pg_stat_activity. */
  const LISTENERS = sql<{ n: number | string }>`select count(*) as n from pg_stat_activity
    where application_name = 'efk: listening for changes' and query like 'LISTEN%'`;

  async function bothListening(db: Kysely<Database>): Promise<void> {
    let n = 0;
    for (let tries = 0; tries < 200; tries += 1) {
      n = Number((await LISTENERS.execute(db)).rows[0]!.n);
      if (n === instances.length) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.fail(`${n} of ${instances.length} instances listening for each other’s changes after 10 s`);
  }

  /** `wait`, or a failure saying `what` once half a wait has passed (the wait's end would answer it anyway). */
  async function beforeItsEnd<T>(wait: Promise<T>, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        wait,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(what)), CHANGES_WAIT_MS / 2);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A new team with a reader on instance 1 and a writer on instance 2, both instances listening,
   * and the reader's request waiting on instance 1 for the team's next change.
   */
  async function waitingOnOne(
    name: string,
  ): Promise<{ reader: { token: string }; writer: { token: string }; waiting: Promise<{ rev: number }> }> {
    const [one, two] = instances as [Instance, Instance];
    const team = await one.store.createTeam(name);
    const reader = await call<{ token: string }>(one.origin, '/api/join', null, { code: team.code, deviceName: 'R' });
    const writer = await call<{ token: string }>(two.origin, '/api/join', null, { code: team.code, deviceName: 'W' });
    await bothListening(one.db);
    const since = await one.store.teamRev(team.id);
    const waiting = call<{ rev: number }>(one.origin, `/api/changes?since=${since}`, reader.token);
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { reader, writer, waiting };
  }

  it('wakes a device waiting on instance 1 for its team’s next change when a teammate pushes it to instance 2', async () => {
    const two = instances[1]!;
    const { writer, waiting } = await waitingOnOne('Listening team');
    const pushed = await call<{ results: MutationResult[] }>(two.origin, '/api/push', writer.token, {
      mutations: [newDraftMutation(1, { title: 'Pushed to the other instance' })],
    });
    const { rev } = await beforeItsEnd(waiting, 'instance 1 did not hear the push to instance 2');
    assert.equal(rev, pushed.results[0]!.rev);
  });

  it('listens again after its connection is cut, and wakes a device whose team changed meanwhile', async () => {
    const [one, two] = instances as [Instance, Instance];
    const { reader, writer, waiting } = await waitingOnOne('Cut team');
    // As a PostgreSQL restart or a proxy would: the listening connections end, with the push told to no one.
    const { rows } = await sql<{ pid: number }>`select pg_terminate_backend(pid) as pid from pg_stat_activity
      where application_name = 'efk: listening for changes'`.execute(one.db);
    assert.equal(rows.length, 2);
    const pushed = await call<{ results: MutationResult[] }>(two.origin, '/api/push', writer.token, {
      mutations: [newDraftMutation(1, { title: 'Pushed while no one listened' })],
    });
    const { rev } = await beforeItsEnd(waiting, 'instance 1 never looked again after listening anew');
    assert.equal(rev, pushed.results[0]!.rev);
    await bothListening(one.db);
    // And it hears the next push as before.
    const next = call<{ rev: number }>(one.origin, `/api/changes?since=${rev}`, reader.token);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const again = await call<{ results: MutationResult[] }>(two.origin, '/api/push', writer.token, {
      mutations: [newDraftMutation(2, { title: 'Pushed once listened again' })],
    });
    assert.equal(
      (await beforeItsEnd(next, 'instance 1 did not hear the push once listening again')).rev,
      again.results[0]!.rev,
    );
  });
});
