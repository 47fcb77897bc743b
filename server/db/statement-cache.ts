import type { Database as SQLiteDatabase, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * The SQLite connection as Kysely sees it, with each distinct SQL text prepared once. Kysely's
 * driver prepares every query afresh, and profiling the push route showed SQLite's statement
 * compiler taking a third of the database time. Statements are only ever run with `all`/`run`
 * to completion, so sharing one is safe; SQLite re-prepares a cached statement itself after a
 * schema change. The least recently used text is dropped once `size` are held (`IN (?, ?, …)`
 * lists make new texts).
 */
export function withStatementCache(sqlite: SQLiteDatabase, size = 256): SqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => sqlite.close(),
    prepare: (sql) => {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
}
