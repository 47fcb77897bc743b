import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { withStatementCache } from '../../../server/db/statement-cache.js';

describe('withStatementCache', () => {
  const texts = ['select 1 as n', 'select 2 as n', 'select 3 as n', 'select 44 as n'];

  it('prepares a text once and hands back the same statement, which runs', () => {
    const cached = withStatementCache(new Database(':memory:'));
    const first = cached.prepare(texts[0]!);
    assert.equal(cached.prepare(texts[0]!), first);
    assert.deepEqual((first as unknown as Database.Statement).all(), [{ n: 1 }]);
    cached.close();
  });

  it('holds at most its budget of SQL, letting the least recently used texts go first', () => {
    const sqlite = new Database(':memory:');
    const prepared: string[] = [];
    const counting = Object.create(sqlite) as Database.Database;
    counting.prepare = ((sql: string) => {
      prepared.push(sql);
      return sqlite.prepare(sql);
    }) as Database.Database['prepare'];
    // Room for the first three texts (13 characters each), not for the fourth as well.
    const cached = withStatementCache(counting, 13 * 3);
    for (const sql of texts.slice(0, 3)) cached.prepare(sql);
    cached.prepare(texts[0]!); // used again: now the newest
    cached.prepare(texts[3]!); // 14 more characters: the two least recently used go
    assert.deepEqual(prepared, texts);
    cached.prepare(texts[0]!);
    assert.equal(prepared.length, 4, 'the text used again was kept');
    cached.prepare(texts[1]!);
    cached.prepare(texts[2]!);
    assert.deepEqual(prepared.slice(4), [texts[1], texts[2]], 'the two least recently used were prepared again');
    cached.close();
  });
});
