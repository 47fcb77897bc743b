import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, createServer, type Server } from 'node:net';
import pg from 'pg';
import { DatabaseOpenError } from '../../../server/db/database-open-error.js';
import { openDatabase, type OpenedDatabase } from '../../../server/db/open-database.js';
import { SyncStore } from '../../../server/sync/sync-store.js';
import { freePort } from '../../support/free-port.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';

describe('PostgreSQL connections lost (a restart, a failover, a proxy closing them), or not there yet', () => {
  let postgres: TestPostgres;
  let url: string;
  let opened: OpenedDatabase;
  const lost: Error[] = [];

  before(async () => {
    postgres = await startPostgres();
    url = await postgres.createDatabase();
    opened = await openDatabase({ databaseUrl: url, onConnectionError: (error) => lost.push(error) });
  });
  after(async () => {
    await opened?.db.destroy();
    await postgres?.stop();
  });

  it('are told, and the server goes on with new ones, where it used to end', async () => {
    const store = new SyncStore(opened.db, 'secret');
    await store.createTeam('Field team');
    // Several connections open and then idle in the pool, as between requests.
    await Promise.all([store.teams(), store.teams(), store.teams()]);

    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const { rowCount } = await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    await admin.end();
    assert.ok((rowCount ?? 0) >= 1, 'the pool’s connections were cut');
    for (let waited = 0; lost.length === 0 && waited < 5_000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));

    assert.ok(lost.length >= 1, 'the loss was told');
    assert.match(lost[0]!.message, /terminating connection/);
    assert.deepEqual(
      (await store.teams()).map((t) => t.name),
      ['Field team'],
      'answered on a new connection',
    );
  });

  it('says in words why the database cannot be opened, its password hidden', async () => {
    const port = await freePort();
    const nobody = `postgres://efk:s3cret-pass@127.0.0.1:${port}/efk`;
    await assert.rejects(openDatabase({ databaseUrl: nobody }), (error: unknown) => {
      assert.ok(error instanceof DatabaseOpenError);
      assert.match(
        error.message,
        /^Could not reach the database at postgres:\/\/efk:\*\*\*@127\.0\.0\.1:\d+\/efk \(.*ECONNREFUSED/,
      );
      assert.match(error.message, /Is PostgreSQL running there, and is DATABASE_URL right\?$/);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    });
    const missing = new URL(url);
    missing.pathname = '/no_such_database';
    await assert.rejects(
      openDatabase({ databaseUrl: missing.toString() }),
      /does not exist .*: create it \(createdb\)/,
    );
  });

  it('waits at start for a PostgreSQL that comes up after the kit, rather than failing', async () => {
    // The database's address answers nothing for its first second and a half, then leads to it.
    const port = await freePort();
    const target = new URL(url);
    const waits: string[] = [];
    let proxy: Server | undefined;
    const later = setTimeout(() => {
      proxy = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        client.pipe(upstream).pipe(client);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
      }).listen(port, '127.0.0.1');
    }, 1_500);
    const late = new URL(url);
    late.port = String(port);
    try {
      const { db } = await openDatabase({
        databaseUrl: late.toString(),
        waitMs: 20_000,
        onWait: (reason) => waits.push(reason),
      });
      assert.ok(waits.length >= 1 && waits.every((w) => /ECONNREFUSED/.test(w)), waits.join('; '));
      assert.deepEqual(await new SyncStore(db, 'secret').teams().then((t) => t.map((x) => x.name)), ['Field team']);
      await db.destroy();
    } finally {
      clearTimeout(later);
      proxy?.close();
    }
  });
});
