import assert from 'node:assert/strict';
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from '../../../server/db/open-database.js';
import { backUpIfDue, SCHEDULED_PREFIX } from '../../../server/db/scheduled-backup.js';
import { checkBackup } from '../../../server/db/sqlite-backup.js';
import { randomSecret } from '../../../server/secrets.js';
import { SyncStore } from '../../../server/sync/sync-store.js';
import { tempDirWith } from '../../support/temp-dir.js';

const HOUR = 60 * 60 * 1000;

describe('the server’s own backups', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  /** A live database with a team in it, the folder its backups go in, and the server's own backups there. */
  async function liveDatabase(): Promise<{ live: string; dir: string; ours: () => Promise<string[]> }> {
    const data = await tempDirWith();
    cleanups.push(data.cleanup);
    const live = path.join(data.dir, 'efk.sqlite');
    const { db } = await openDatabase({ sqliteFile: live });
    await new SyncStore(db, randomSecret()).createTeam('Riverside team');
    cleanups.push(() => db.destroy());
    const dir = path.join(data.dir, 'backups');
    const ours = async (): Promise<string[]> => (await readdir(dir)).filter((f) => f.startsWith(SCHEDULED_PREFIX));
    return { live, dir, ours };
  }

  it('backs up when none is there or the newest is as old as asked, and keeps the newest few, never the hand-made ones', async () => {
    const { live, dir, ours } = await liveDatabase();
    const options = { live, dir, everyMs: 24 * HOUR, keep: 2 };

    const first = await backUpIfDue(options);
    assert.ok(first.made, 'none there: one is made');
    checkBackup(first.made.file); // sound, and a database of this kit
    const { db } = await openDatabase({ sqliteFile: first.made.file });
    const names = (await db.selectFrom('teams').select('name').execute()).map((t) => t.name);
    await db.destroy();
    assert.deepEqual(names, ['Riverside team']);
    assert.equal((await stat(first.made.file)).mode & 0o777, 0o600, 'readable by the server’s account only');

    // A restart an hour later (or ten of them) makes none: the newest is not a day old.
    for (let i = 0; i < 10; i += 1) {
      const again = await backUpIfDue({ ...options, now: Date.now() + HOUR });
      assert.equal(again.made, null);
      assert.equal(again.newestAt, (await stat(first.made.file)).mtimeMs);
    }
    assert.equal((await ours()).length, 1);

    // `npm run backup`'s own file is the administrator's to remove.
    const byHand = path.join(dir, 'efk-2026-11-01T00-00-00-000Z.sqlite');
    await writeFile(byHand, 'kept as it is');
    const made: string[] = [first.made.file];
    for (let day = 1; day <= 3; day += 1) {
      const run = await backUpIfDue({ ...options, now: Date.now() + day * 25 * HOUR });
      assert.ok(run.made, `day ${day}: due`);
      made.push(run.made.file);
    }
    assert.deepEqual(
      (await ours()).sort(),
      made
        .slice(-2)
        .map((f) => path.basename(f))
        .sort(),
      'the newest two',
    );
    assert.ok((await readdir(dir)).includes(path.basename(byHand)));
  });

  it(
    'finishes while the server writes flat out, copying a step at a time until writes would restart it for ever',
    { timeout: 60_000 },
    async () => {
      const data = await tempDirWith();
      cleanups.push(data.cleanup);
      const live = path.join(data.dir, 'efk.sqlite');
      const { db } = await openDatabase({ sqliteFile: live });
      cleanups.push(() => db.destroy());
      const store = new SyncStore(db, randomSecret());
      // Enough pages for many steps of the copy.
      for (let i = 0; i < 4000; i += 1) await store.createTeam(`Team ${i} ${'x'.repeat(2000)}`);
      let writing = true;
      let written = 0;
      const writer = (async () => {
        while (writing) {
          await store.createTeam(`Written during the backup ${written}`);
          written += 1;
          // As requests arrive: between turns of the event loop, where the copy's steps run too.
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const run = await backUpIfDue({ live, dir: path.join(data.dir, 'backups'), everyMs: HOUR, keep: 7 });
      writing = false;
      await writer;
      assert.ok(run.made);
      assert.ok(written > 0, 'the server went on writing during the copy');
      checkBackup(run.made.file);
      const copy = await openDatabase({ sqliteFile: run.made.file });
      const count = Number(
        (
          await copy.db
            .selectFrom('teams')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
      await copy.db.destroy();
      assert.ok(count >= 4000, 'a consistent snapshot holding what was there before it began');
    },
  );

  it('leaves nothing that looks like a backup when one fails, and says why', async () => {
    const { dir, ours } = await liveDatabase();
    const broken = path.join(dir, '..', 'not-a-database.sqlite');
    await writeFile(broken, 'x'.repeat(8192));
    await assert.rejects(backUpIfDue({ live: broken, dir, everyMs: HOUR, keep: 7 }), /not a database/);
    assert.deepEqual(await ours(), []);
    assert.deepEqual(await readdir(dir), [], 'no partial file left behind');
    // One a server killed mid-backup left goes at the next run.
    await writeFile(path.join(dir, `${SCHEDULED_PREFIX}2026-11-27T00-00-00-000Z.sqlite.partial`), 'cut short');
    await assert.rejects(backUpIfDue({ live: broken, dir, everyMs: HOUR, keep: 7 }), /not a database/);
    assert.deepEqual(await readdir(dir), []);
  });
});
