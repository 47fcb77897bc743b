import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, createServer, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { DatabaseOpenError } from '../../../server/db/database-open-error.js';
import { openDatabase, type OpenedDatabase } from '../../../server/db/open-database.js';
import { buildApp } from '../../../server/app.js';
import { ServerMetrics } from '../../../server/metrics.js';
import { SyncStore } from '../../../server/sync/sync-store.js';
import { assertDatabaseUnavailable } from '../../support/assert-database-unavailable.js';
import { freePort } from '../../support/free-port.js';
import { startPostgres, type TestPostgres } from '../../support/postgres.js';

/** A TCP relay on a port of its own to `target`'s PostgreSQL, which can be cut and opened again. */
async function relay(
  target: URL,
): Promise<{ url: string; open(how?: 'forward' | 'swallow'): Promise<void>; cut(): Promise<void> }> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const url = new URL(target);
  url.port = String(port);
  return {
    url: url.toString(),
    // `swallow`: connections are taken and never answered, as a host lost behind a partition.
    open: (how = 'forward') =>
      new Promise((resolve) => {
        server = createServer((client) => {
          sockets.add(client);
          client.on('close', () => sockets.delete(client));
          if (how === 'swallow') return;
          const upstream = connect(Number(target.port), target.hostname);
          sockets.add(upstream);
          upstream.on('close', () => sockets.delete(upstream));
          client.pipe(upstream).pipe(client);
          client.on('error', () => upstream.destroy());
          upstream.on('error', () => client.destroy());
        }).listen(port, '127.0.0.1', () => resolve());
      }),
    cut: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
      server = undefined;
    },
  };
}

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

  /** Told on the test channel, from a connection of the test's own (not through any relay). */
  async function notify(payload: string): Promise<void> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query('select pg_notify($1, $2)', ['efk_test_channel', payload]);
    await client.end();
  }

  /** Looks every 50 ms, for up to 5 s, until `done()` holds; the caller asserts what it then sees. */
  async function eventually(done: () => boolean | Promise<boolean>): Promise<void> {
    for (let tries = 0; tries < 100 && !(await done()); tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 50));
  }

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
    // Every connection cut is told (as each hears of it) before the next query picks one.
    for (let waited = 0; lost.length < (rowCount ?? 1) && waited < 5_000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));

    assert.equal(lost.length, rowCount, 'each loss was told');
    assert.match(lost[0]!.message, /terminating connection/);
    assert.deepEqual(
      (await store.teams()).map((t) => t.name),
      ['Field team'],
      'answered on a new connection',
    );
  });

  it('says in words why the database cannot be opened, its password hidden', async () => {
    const silent = await relay(new URL(url));
    await silent.open('swallow');
    try {
      await assert.rejects(
        openDatabase({ databaseUrl: silent.url, connectTimeoutMs: 300 }),
        /^DatabaseOpenError: Could not reach the database at .*\((Connection terminated due to connection timeout|timeout exceeded when trying to connect)\)/,
      );
    } finally {
      await silent.cut();
    }
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

  it('will not start on a listening address that cannot be opened, and says it is DATABASE_LISTEN_URL', async () => {
    const port = await freePort();
    const nobody = `postgres://efk:s3cret-pass@127.0.0.1:${port}/efk`;
    await assert.rejects(openDatabase({ databaseUrl: url, listenUrl: nobody }), (error: unknown) => {
      assert.ok(error instanceof DatabaseOpenError);
      assert.match(error.message, /^Could not reach the database at postgres:\/\/efk:\*\*\*@127\.0\.0\.1:\d+\/efk /);
      assert.match(error.message, /is DATABASE_LISTEN_URL right\?$/);
      assert.doesNotMatch(error.message, /s3cret/);
      return true;
    });
  });

  it('waits at start for a PostgreSQL that comes up after the kit, rather than failing', async () => {
    // The database's address answers nothing for its first second and a half, then leads to it.
    const late = await relay(new URL(url));
    const waits: string[] = [];
    const later = setTimeout(() => void late.open(), 1_500);
    try {
      const { db } = await openDatabase({
        databaseUrl: late.url,
        waitMs: 20_000,
        onWait: (reason) => waits.push(reason),
      });
      assert.ok(waits.length >= 1 && waits.every((w) => /ECONNREFUSED/.test(w)), waits.join('; '));
      assert.deepEqual(await new SyncStore(db, 'secret').teams().then((t) => t.map((x) => x.name)), ['Field team']);
      await db.destroy();
    } finally {
      clearTimeout(later);
      await late.cut();
    }
  });

  it('answers 503, with a time to try again and words a person can act on, while the database cannot be reached', async () => {
    const path = await relay(new URL(url));
    await path.open();
    const { db } = await openDatabase({
      databaseUrl: path.url,
      onConnectionError: () => undefined,
      connectTimeoutMs: 500,
    });
    const store = new SyncStore(db, 'secret', { deviceCacheMs: 0 });
    const app = await buildApp({ distDir: 'dist', sync: { store } });
    try {
      const { code } = await store.createTeam('Relay team');
      const { token } = (await store.join(code, 'Phone'))!;
      const pull = () => app.inject({ url: '/api/pull?since=0', headers: { authorization: `Bearer ${token}` } });
      assert.equal((await pull()).statusCode, 200);

      await path.cut();
      assertDatabaseUnavailable(await pull());

      // Taken but never answered: the request fails once a connection has had its time to open.
      await path.open('swallow');
      const started = Date.now();
      assertDatabaseUnavailable(await pull());
      assert.ok(Date.now() - started < 5_000, 'failed in the connection’s time, not the request’s');
      await path.cut();

      await path.open();
      assert.equal((await pull()).statusCode, 200, 'answered again once the database is back');
    } finally {
      await app.close();
      await db.destroy();
      await path.cut();
    }
  });

  it('listens for changes again once PostgreSQL is back, pausing longer between tries while it is not', async () => {
    const path = await relay(new URL(url));
    await path.open();
    const { db, listen } = await openDatabase({ databaseUrl: path.url, connectTimeoutMs: 500 });
    const heard: string[] = [];
    const lostFor: number[] = [];
    let listened = 0;
    let onListening: () => void = () => undefined;
    const listening = (): Promise<void> => new Promise((resolve) => (onListening = resolve));
    let first = listening();
    const channel = listen!('efk_test_channel', {
      onMessage: (payload) => heard.push(payload),
      onListening: () => {
        listened += 1;
        onListening();
      },
      onLost: (_error, retryMs) => lostFor.push(retryMs),
    });
    const heardOf = async (payload: string): Promise<void> => {
      await eventually(() => heard.includes(payload));
      assert.ok(heard.includes(payload), `never heard "${payload}" (heard: ${heard.join(', ')})`);
    };
    try {
      await first;
      assert.equal(channel.listening, true);
      await notify('before');
      await heardOf('before');

      // PostgreSQL gone a while (restarting, failing over): each try fails, and the pause doubles.
      first = listening();
      await path.cut();
      while (lostFor.length < 2) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(channel.listening, false);
      assert.deepEqual(lostFor.slice(0, 2), [1_000, 2_000]);
      await notify('while gone');

      await path.open();
      await first;
      assert.equal(channel.listening, true);
      assert.equal(listened, 2, 'told it listens again, so what waits on it looks for itself');
      await notify('after');
      await heardOf('after');
      assert.ok(!heard.includes('while gone'), 'a notification sent while no one listened is not replayed');
    } finally {
      await channel.close();
      await db.destroy();
      await path.cut();
    }
    assert.equal(channel.listening, false);
  });

  it('says in its metrics whether it hears the other instances’ changes, for an alert', async () => {
    const path = await relay(new URL(url));
    await path.open();
    const { db, listen } = await openDatabase({ databaseUrl: path.url, connectTimeoutMs: 500 });
    const app = await buildApp({
      distDir: 'dist',
      sync: { store: new SyncStore(db, 'secret'), listen },
      metrics: new ServerMetrics(),
    });
    const listening = async (): Promise<string | undefined> => {
      // Answered while the database cannot be reached, too: that is when the metrics tell most.
      const res = await app.inject({ url: '/metrics' });
      assert.equal(res.statusCode, 200, res.body);
      return /^efk_changes_listening (\d)$/m.exec(res.body)?.[1];
    };
    const until = async (value: string): Promise<void> => {
      await eventually(async () => (await listening()) === value);
      assert.equal(await listening(), value);
    };
    try {
      await until('1');
      await path.cut();
      await until('0');
      await path.open();
      await until('1');
    } finally {
      await app.close();
      await db.destroy();
      await path.cut();
    }
  });

  it('listens on a connection of its own address when given one (a pooler in front that does not carry LISTEN)', async () => {
    const pooler = await relay(new URL(url));
    await pooler.open();
    const { db, listen } = await openDatabase({ databaseUrl: pooler.url, listenUrl: url, connectTimeoutMs: 500 });
    const heard: string[] = [];
    let onListening: () => void = () => undefined;
    const listened = new Promise<void>((resolve) => (onListening = resolve));
    const channel = listen!('efk_test_channel', { onMessage: (payload) => heard.push(payload), onListening });
    try {
      await listened;
      // The address the queries take goes down; the one listening does not.
      await pooler.cut();
      await notify('direct');
      await eventually(() => heard.length > 0);
      assert.deepEqual(heard, ['direct']);
      assert.equal(channel.listening, true);
    } finally {
      await channel.close();
      await db.destroy();
      await pooler.cut();
    }
  });
});
