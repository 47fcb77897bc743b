/**
 * A least-recently-used cache whose bound is the SQL it holds, in characters: what a cached query
 * or prepared statement costs in memory grows with its text (a thousand rows' insert is some
 * 30,000 characters), so a count of entries says little.
 */
export class SqlSizedCache<V> {
  private readonly _entries = new Map<string, { readonly value: V; readonly chars: number }>();
  private _chars = 0;

  constructor(private readonly maxChars: number) {}

  /** The value for `key`, now the most recently used. */
  get(key: string): V | undefined {
    const entry = this._entries.get(key);
    if (!entry) return undefined;
    this._entries.delete(key);
    this._entries.set(key, entry);
    return entry.value;
  }

  /** Holds `value` for `key` as `sql`'s size, dropping the least recently used beyond the bound. */
  set(key: string, value: V, sql: string): void {
    const old = this._entries.get(key);
    if (old) this._chars -= old.chars;
    this._entries.delete(key);
    this._entries.set(key, { value, chars: sql.length });
    this._chars += sql.length;
    for (const [oldest, entry] of this._entries) {
      if (this._chars <= this.maxChars || oldest === key) break;
      this._entries.delete(oldest);
      this._chars -= entry.chars;
    }
  }
}
