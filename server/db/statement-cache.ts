import type { Database as SQLiteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { SqlSizedCache } from './sql-sized-cache.js';

/**
 * The SQLite connection as Kysely sees it, with each distinct SQL text prepared once. Kysely's
 * driver prepares every query afresh, and profiling the push route showed SQLite's statement
 * compiler taking a third of the database time. Statements are only ever run with `all`/`run`
 * to completion, so sharing one is safe; SQLite re-prepares a cached statement itself after a
 * schema change. The least recently used texts are dropped once more than `maxChars` of SQL is
 * held: a prepared statement's memory grows with its text (a thousand rows' insert, some 30,000
 * characters, holds about 0.7 MB here), and a count alone let a few hundred of those pile up.
 */
export function withStatementCache(sqlite: SQLiteDatabase, maxChars = 1_000_000): SqliteDatabase {
  const cache = new SqlSizedCache<Statement>(maxChars);
  return {
    close: () => sqlite.close(),
    prepare: (sql) => {
      // SQLite ends a transaction itself on some errors (a full disk, memory run out). Kysely's
      // ROLLBACK after such an error then fails with "no transaction is active", and that, not the
      // cause, is what the request answered. With no transaction open it has nothing to undo.
      if (sql === 'rollback' && !sqlite.inTransaction) return NOTHING_TO_ROLL_BACK;
      let statement = cache.get(sql);
      if (!statement) {
        statement = sqlite.prepare(sql);
        cache.set(sql, statement, sql);
      }
      return statement;
    },
  };
}

/** A ROLLBACK once SQLite has already rolled back: it runs, and changes nothing. */
const NOTHING_TO_ROLL_BACK: SqliteStatement = {
  reader: false,
  all: () => [],
  run: () => ({ changes: 0, lastInsertRowid: 0 }),
  iterate: () => [][Symbol.iterator](),
};
