import { CompiledQuery, type Compilable } from 'kysely';
import { SqlSizedCache } from './sql-sized-cache.js';

/**
 * Queries whose SQL depends only on their shape (which statement, how many rows or list items),
 * built and compiled by Kysely once per shape and then run with each call's parameters. Kysely
 * builds an immutable tree for every query and compiles it to SQL every time: under the push
 * route's load that took more of the server's time (about 14%) than SQLite spent running every
 * statement of a push but the commit.
 *
 * The first compile of a shape checks that Kysely put the parameters in the order the caller
 * gives them, so a query whose SQL or parameter order depends on more than its shape fails
 * loudly in the tests rather than running with its values in the wrong places.
 */
export class CompiledOnce {
  private readonly _sql: SqlSizedCache<string>;

  /** `maxChars`: how much SQL to hold at most (the least recently used shapes go first). */
  constructor(maxChars = 2_000_000) {
    this._sql = new SqlSizedCache(maxChars);
  }

  /**
   * The query for `shape`: `build` makes it with exactly these `parameters` (it runs only on a
   * shape's first use); `shape` must name everything else its SQL depends on.
   */
  query<R>(shape: string, parameters: readonly unknown[], build: () => Compilable<R>): CompiledQuery<R> {
    // Kysely leaves a column out of the SQL where a row's value is undefined: another shape.
    if (parameters.includes(undefined)) throw new Error(`Query shape "${shape}": a parameter is undefined`);
    const sql = this._sql.get(shape);
    if (sql !== undefined) return CompiledQuery.raw(sql, [...parameters]) as CompiledQuery<R>;
    const compiled = build().compile();
    const given = compiled.parameters;
    if (given.length !== parameters.length || given.some((value, i) => value !== parameters[i]))
      throw new Error(`Query shape "${shape}": its parameters are not in the order given (${compiled.sql})`);
    this._sql.set(shape, compiled.sql, compiled.sql);
    return compiled;
  }
}
