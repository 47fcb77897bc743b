import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openDatabase, type OpenedDatabase } from '../../../server/db/open-database.js';
import { SyncStore } from '../../../server/sync/sync-store.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';

describe('PostgreSQL connections lost (a restart, a failover, a proxy closing them)', () => {
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
});
