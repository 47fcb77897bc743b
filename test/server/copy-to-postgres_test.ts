import assert from 'node:assert/strict';
import { AdminLog } from '../../server/admin-log.js';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../server/app.js';
import { copyDatabase } from '../../server/db/copy-database.js';
import { openDatabase } from '../../server/db/open-database.js';
import { serverSecret } from '../../server/server-secret.js';
import { SyncStore } from '../../server/sync/sync-store.js';
import type { MutationResult, PullResponse } from '../../src/sync/protocol.js';
import { ROOT } from '../support/build-app.js';
import { newDraftMutation } from '../support/new-draft-mutation.js';
import { startPostgres, type TestPostgres } from '../support/postgres.js';
import { tempDirWith } from '../support/temp-dir.js';
import { writeLoad } from '../support/write-load.js';

/** The kit's server on the database at `url` (or the SQLite file in `dataDir`), as `npm start` would open it. */
async function kitServer(dataDir: string, url?: string) {
  const { db } = await openDatabase(url ? { databaseUrl: url } : { sqliteFile: path.join(dataDir, 'efk.sqlite') });
  const store = new SyncStore(db, await serverSecret(dataDir, undefined));
  const app = await buildApp({ distDir: 'dist', sync: { store, publicUrl: 'http://kit.test' } });
  const call = async <T>(token: string, method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      payload: payload as never,
    });
    return { status: res.statusCode, body: res.json<T>() };
  };
  return {
    store,
    db,
    app,
    pull: (token: string) => call<PullResponse>(token, 'GET', '/api/pull?since=0'),
    push: (token: string, mutations: unknown[]) =>
      call<{ results: MutationResult[] }>(token, 'POST', '/api/push', { mutations }),
    close: async () => {
      await app.close();
      await db.destroy();
    },
  };
}

describe('npm run copy-to-postgres', () => {
  let postgres: TestPostgres;
  const cleanups: (() => Promise<void>)[] = [];
  before(async () => {
    postgres = await startPostgres();
  });
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
    await postgres.stop();
  });

  function copy(dataDir: string, url: string): { code: number; out: string } {
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/copy-to-postgres-cli.ts')], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: url, EFK_SECRET: '' },
      encoding: 'utf8',
    });
    return { code: r.status ?? 1, out: `${r.stdout}${r.stderr}` };
  }

  it('moves a server from SQLite to PostgreSQL: its devices carry on with their tokens, revisions and join links', async () => {
    const data = await tempDirWith();
    cleanups.push(data.cleanup);
    const sqlite = await kitServer(data.dir);
    const team = await sqlite.store.createTeam('Riverside team');
    const join = async (name: string) =>
      (
        await sqlite.app.inject({ method: 'POST', url: '/api/join', payload: { code: team.code, deviceName: name } })
      ).json<{ token: string }>().token;
    const [a, b] = [await join('Phone A'), await join('Phone B')];
    const first = newDraftMutation(1, { title: 'Riverside hall', achieve: 'Hear from renters' });
    assert.equal((await sqlite.push(a, [first, newDraftMutation(2, { title: 'Hillside' })])).status, 200);
    const edit = {
      ...newDraftMutation(1, { achieve: 'Hear from renters and owners' }, first.draftId),
      fields: { achieve: { value: 'Hear from renters and owners', baseRev: 0, changedAt: 5 } },
    };
    assert.equal((await sqlite.push(b, [edit])).status, 200, 'B’s edit meets A’s as a conflict');
    const before = (await sqlite.pull(a)).body;
    const code = await sqlite.store.joinCodeOf(team.id);
    const record = { action: 'rotate', subject: `team Riverside team (${team.id})`, detail: 'a new join link' };
    await new AdminLog(sqlite.db).note(record, 'sam', 1_000);
    await sqlite.close();

    const url = await postgres.createDatabase();
    const copied = copy(data.dir, url);
    assert.equal(copied.code, 0, copied.out);
    assert.match(
      copied.out,
      /1 team, 2 devices, 2 drafts \(3 answers\), 3 records of applied changes, 1 record of administrators' actions\./,
    );

    const pg = await kitServer(data.dir, url);
    try {
      const after = await pg.pull(a);
      assert.equal(after.status, 200, 'A’s token works on the copy');
      assert.deepEqual(
        await new AdminLog(pg.db).latest(5),
        [{ ...record, actor: 'sam', at: 1_000 }],
        'the record came',
      );
      assert.deepEqual(after.body, before, 'the same drafts, revisions, conflict and history');
      assert.ok(
        after.body.drafts.some((d) => Object.values(d.fields).some((f) => f.conflict)),
        'the conflict came',
      );
      assert.equal(await pg.store.joinCodeOf(team.id), code, 'the same join link');
      // A repeat of a change applied on SQLite gets its answer from the record, applied nothing again.
      const repeat = await pg.push(a, [first]);
      assert.equal(repeat.body.results[0]!.rev, 1);
      const next = await pg.push(b, [newDraftMutation(2, { title: 'After the move' })]);
      assert.equal(next.body.results[0]!.rev, before.cursor + 1, 'revisions go on from where they were');

      // Run again (or into a database the server has started on): refused, and nothing written.
      const again = copy(data.dir, url);
      assert.equal(again.code, 1);
      assert.match(again.out, /already holds 1 team: copy only into a new, empty one/);
      assert.equal((await pg.pull(a)).body.drafts.length, 3);
    } finally {
      await pg.close();
    }
  });

  it('copies a consistent snapshot even while a server goes on writing to the SQLite file', async () => {
    const data = await tempDirWith();
    cleanups.push(data.cleanup);
    const sqlite = await kitServer(data.dir);
    const team = await sqlite.store.createTeam('Busy team');
    const { token } = (
      await sqlite.app.inject({ method: 'POST', url: '/api/join', payload: { code: team.code, deviceName: 'W' } })
    ).json<{ token: string }>();
    const load = writeLoad(sqlite.app, token);
    await new Promise((r) => setTimeout(r, 100));
    const url = await postgres.createDatabase();
    const target = await openDatabase({ databaseUrl: url });
    try {
      const copied = await copyDatabase(sqlite.db, target.db);
      const seq = await load.stop();
      assert.ok(copied.drafts > 0 && copied.drafts < seq, 'writes went on before, during and after the copy');
      // Consistent: every applied change has its draft, and the team's revision counts them all.
      const { rev } = await target.db.selectFrom('teams').select('rev').executeTakeFirstOrThrow();
      assert.equal(copied.applied_mutations, copied.drafts);
      assert.equal(Number(rev), copied.drafts);
      assert.equal(copied.draft_fields, copied.drafts);
    } finally {
      await load.stop();
      await target.db.destroy();
      await sqlite.close();
    }
  });

  it('refuses with a clear message when DATABASE_URL is not set, or there is no SQLite database to copy', async () => {
    const data = await tempDirWith();
    cleanups.push(data.cleanup);
    const unset = copy(data.dir, '');
    assert.equal(unset.code, 1);
    assert.match(unset.out, /Set DATABASE_URL to the new, empty PostgreSQL database/);
    const none = copy(data.dir, await postgres.createDatabase());
    assert.equal(none.code, 1);
    assert.match(none.out, /There is no SQLite database to copy at/);
  });
});
