import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { CompiledOnce } from '../../../server/db/compiled-once.js';
import { openDatabase } from '../../../server/db/open-database.js';
import type { Database } from '../../../server/db/schema.js';
import { tempDirWith } from '../../support/temp-dir.js';

describe('CompiledOnce', () => {
  let db: Kysely<Database>;
  let cleanup: () => Promise<void>;

  before(async () => {
    const data = await tempDirWith();
    cleanup = data.cleanup;
    ({ db } = await openDatabase({ sqliteFile: path.join(data.dir, 'efk.sqlite') }));
    await db
      .insertInto('teams')
      .values(
        ['a', 'b', 'c', 'd'].map((id, i) => ({
          id,
          name: `Team ${id}`,
          join_code_hash: `h${id}`,
          join_version: 1,
          history: `h-${id}`,
          history_from: 0,
          rev: i + 1,
          created_at: 0,
        })),
      )
      .execute();
  });
  after(async () => {
    await db.destroy();
    await cleanup();
  });

  /** Team names by id list, through `compiled`, counting how often the query was built. */
  function namesOf(compiled: CompiledOnce, ids: string[], built: { count: number }) {
    const query = compiled.query(`names:${ids.length}`, ids, () => {
      built.count += 1;
      return db.selectFrom('teams').select('name').where('id', 'in', ids).orderBy('id');
    });
    return db.executeQuery(query).then((r) => r.rows.map((row) => row.name));
  }

  it('builds a shape once and runs it with each call’s own parameters', async () => {
    const compiled = new CompiledOnce();
    const built = { count: 0 };
    assert.deepEqual(await namesOf(compiled, ['a', 'c'], built), ['Team a', 'Team c']);
    assert.deepEqual(await namesOf(compiled, ['b', 'd'], built), ['Team b', 'Team d']);
    assert.deepEqual(await namesOf(compiled, ['d', 'a'], built), ['Team a', 'Team d']);
    assert.equal(built.count, 1, 'the second and third calls reused the first compile');
    assert.deepEqual(await namesOf(compiled, ['b', 'c', 'd'], built), ['Team b', 'Team c', 'Team d']);
    assert.equal(built.count, 2, 'a longer list is a shape of its own');
  });

  it('refuses parameters given in another order than the query takes them, and keeps nothing of it', async () => {
    const compiled = new CompiledOnce();
    const build = () => db.updateTable('teams').set({ rev: 10 }).where('id', '=', 'a');
    assert.throws(
      () => compiled.query('rev', ['a', 10], build),
      /Query shape "rev": its parameters are not in the order given/,
    );
    // The same shape given rightly is built afresh and runs.
    await db.executeQuery(compiled.query('rev', [10, 'a'], build));
    const team = await db.selectFrom('teams').select('rev').where('id', '=', 'a').executeTakeFirstOrThrow();
    assert.equal(team.rev, 10);
  });

  it('refuses an undefined parameter, which would change the SQL Kysely makes', async () => {
    const compiled = new CompiledOnce();
    const build = (note: string | undefined) => () =>
      db.updateTable('teams').set({ rev: 11, name: note }).where('id', '=', 'b');
    await db.executeQuery(compiled.query('rename', [11, 'Team b', 'b'], build('Team b')));
    assert.throws(
      () => compiled.query('rename', [11, undefined, 'b'], build(undefined)),
      /Query shape "rename": a parameter is undefined/,
    );
    const team = await db.selectFrom('teams').select(['rev', 'name']).where('id', '=', 'b').executeTakeFirstOrThrow();
    assert.deepEqual(team, { rev: 11, name: 'Team b' });
  });

  it('holds at most its budget of SQL, letting the least recently used shapes go first', async () => {
    const probe = new CompiledOnce();
    const length = (ids: string[]) =>
      probe.query(`probe:${ids.length}`, ids, () =>
        db.selectFrom('teams').select('name').where('id', 'in', ids).orderBy('id'),
      ).sql.length;
    // Room for the one-, two- and three-item shapes' SQL, not for a fourth.
    const compiled = new CompiledOnce(length(['a']) + length(['a', 'b']) + length(['a', 'b', 'c']));
    const built = { count: 0 };
    await namesOf(compiled, ['a'], built); // names:1
    await namesOf(compiled, ['a', 'b'], built); // names:2
    await namesOf(compiled, ['a', 'b', 'c'], built); // names:3
    await namesOf(compiled, ['c'], built); // names:1 used again: now the newest
    assert.equal(built.count, 3);
    await namesOf(compiled, ['a', 'b', 'c', 'd'], built); // names:4 drops names:2, then names:3
    assert.equal(built.count, 4);
    assert.deepEqual(await namesOf(compiled, ['d'], built), ['Team d']);
    assert.equal(built.count, 4, 'names:1 was kept');
    assert.deepEqual(await namesOf(compiled, ['c', 'd'], built), ['Team c', 'Team d']);
    assert.equal(built.count, 5, 'names:2 was dropped and built again');
  });
});
