import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { databaseOpenError, errorMessage, isUnreachable, sqliteOpenError } from './database-open-error.js';
import { migrationProvider } from './migrations.js';
import { listen, type Listen } from './listen.js';
import { ensurePrivateFile } from './private-file.js';
import { withStatementCache } from './statement-cache.js';
import type { Database } from './schema.js';

// PostgreSQL sends bigint as text; every bigint here (times, revisions) fits a JS number.
pg.types.setTypeParser(20, (value) => Number(value));

export type Engine = 'sqlite' | 'postgres';

export interface DatabaseConfig {
  /** A PostgreSQL URL; without one, the embedded SQLite file is used. */
  readonly databaseUrl?: string | undefined;
  /**
   * Where the connection listening for changes goes, when not to `databaseUrl`: PgBouncer in
   * transaction mode takes LISTEN and then never delivers the notifications.
   */
  readonly listenUrl?: string | undefined;
  /** The SQLite file (default `data/efk.sqlite`). */
  readonly sqliteFile?: string;
  /** Told the duration of every query, for metrics. */
  readonly onQuery?: (ms: number, ok: boolean) => void;
  /**
   * Told when a PostgreSQL connection is lost, idle or in use (the server restarted or failed
   * over, or a proxy closed it); the pool opens a new one when next needed. By default, a line on
   * stderr.
   */
  readonly onConnectionError?: (error: Error) => void;
  /**
   * How long to wait for a PostgreSQL that cannot be reached yet (starting beside the kit, as
   * containers do) before giving up; 0, the default, gives up at once.
   */
  readonly waitMs?: number;
  /** Told each time the first connection fails and is tried again, with why. */
  readonly onWait?: (reason: string) => void;
  /** How long a PostgreSQL connection may take to open (default CONNECT_TIMEOUT_MS). */
  readonly connectTimeoutMs?: number;
  /** How long a SQLite write waits for another process's write to end (default BUSY_TIMEOUT_MS). */
  readonly busyTimeoutMs?: number;
}

/** How long a SQLite write waits for the lock another process holds before its request fails. */
export const BUSY_TIMEOUT_MS = 5_000;

/** How long a PostgreSQL connection may take to open before its request fails. */
export const CONNECT_TIMEOUT_MS = 10_000;

export interface OpenedDatabase {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /**
   * PostgreSQL's LISTEN, on a connection of its own: how instances sharing the database hear
   * each other's changes. SQLite has none (one process serves it).
   */
  readonly listen?: Listen;
}

/** How the server connects to PostgreSQL at `url`: the pool, the listening connection and its check alike. */
function pgConnection(url: string, config: DatabaseConfig): pg.ClientConfig {
  return {
    connectionString: url,
    // A PostgreSQL that takes connections but never answers (a network partition, a host gone
    // without a reset) fails a request in this time rather than holding it until it times out,
    // and keepalives find an idle connection to such a host dead.
    connectionTimeoutMillis: config.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    keepAlive: true,
  };
}

/** Opens the server's database (PostgreSQL when a URL is given, else SQLite) and brings it up to date. */
export async function openDatabase(config: DatabaseConfig): Promise<OpenedDatabase> {
  let opened: OpenedDatabase;
  const onQuery = config.onQuery;
  const log = onQuery ? (event: LogEvent) => onQuery(event.queryDurationMillis, event.level === 'query') : undefined;
  if (config.databaseUrl) {
    const pool = new pg.Pool({ ...pgConnection(config.databaseUrl, config), max: 10 });
    const listenUrl = config.listenUrl ?? config.databaseUrl;
    const lost =
      config.onConnectionError ??
      ((error: Error) =>
        console.error(`A database connection was lost (${error.message}); a new one opens when needed.`));
    // A connection's 'error' (PostgreSQL restarting or failing over, a proxy closing it) is heard on
    // the connection itself, idle or in use: unheard, it would end the process, taking the kit's
    // server down with PostgreSQL where a new connection is all it needs. A connection lost in use
    // fails its query, and the pool drops it when it comes back.
    pool.on('connect', (client) => client.on('error', lost));
    // The pool repeats an idle connection's error, already heard above.
    pool.on('error', () => undefined);
    opened = {
      db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...(log ? { log } : {}) }),
      engine: 'postgres',
      // Named, so an administrator looking at pg_stat_activity knows the one connection that idles on purpose.
      listen: (channel, handlers) =>
        listen(
          {
            ...pgConnection(listenUrl, config),
            application_name: 'efk: listening for changes',
          },
          channel,
          handlers,
        ),
    };
  } else {
    const file = config.sqliteFile ?? path.resolve('data/efk.sqlite');
    let sqlite: SQLite.Database;
    try {
      ensurePrivateFile(file);
      sqlite = new SQLite(file);
      // WAL lets readers go on while one writer commits; a busy timeout rides out brief locks.
      sqlite.pragma('journal_mode = WAL');
      // FULL: a commit reaches the disk before the push is acknowledged, since a device deletes what
      // the server acknowledged (NORMAL could lose the last commits to a power cut). With a batch a
      // transaction it costs ~10% on one-mutation pushes and nothing measurable on batches.
      sqlite.pragma('synchronous = FULL');
      sqlite.pragma('foreign_keys = ON');
      sqlite.pragma(`busy_timeout = ${config.busyTimeoutMs ?? BUSY_TIMEOUT_MS}`);
    } catch (error) {
      throw sqliteOpenError(error, file);
    }
    opened = {
      db: new Kysely<Database>({
        dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
        ...(log ? { log } : {}),
      }),
      engine: 'sqlite',
    };
  }
  const migrator = new Migrator({ db: opened.db, provider: migrationProvider });
  const started = Date.now();
  for (;;) {
    let failed: unknown;
    try {
      const { error, results } = await migrator.migrateToLatest();
      for (const r of results ?? []) if (r.status === 'Error') throw new Error(`migration ${r.migrationName} failed`);
      failed = error;
    } catch (error) {
      failed = error;
    }
    if (failed === undefined) {
      if (config.databaseUrl && config.listenUrl) await checkListenUrl(opened, config.listenUrl, config);
      return opened;
    }
    if (!config.databaseUrl) throw failed;
    if (isUnreachable(failed) && Date.now() - started < (config.waitMs ?? 0)) {
      config.onWait?.(errorMessage(failed));
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      continue;
    }
    await opened.db.destroy().catch(() => undefined);
    throw databaseOpenError(failed, config.databaseUrl);
  }
}

/**
 * A listening connection given its own address is opened once at start: a mistake in it (a wrong
 * password, a host that is not there) stops the start, said plainly, where the server would
 * otherwise run on, hearing no other instance and logging its tries.
 */
async function checkListenUrl(opened: OpenedDatabase, listenUrl: string, config: DatabaseConfig): Promise<void> {
  const client = new pg.Client(pgConnection(listenUrl, config));
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await opened.db.destroy().catch(() => undefined);
    throw databaseOpenError(error, listenUrl, 'DATABASE_LISTEN_URL');
  } finally {
    await client.end().catch(() => undefined);
  }
}
