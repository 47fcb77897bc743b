import assert from 'node:assert/strict';
import { chmod, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from '../../../server/db/open-database.js';
import { backupSqlite, restoreSqlite } from '../../../server/db/sqlite-backup.js';
import { randomSecret } from '../../../server/secrets.js';
import { serverSecret } from '../../../server/server-secret.js';
import { SyncStore } from '../../../server/sync/sync-store.js';
import { tempDirWith } from '../../support/temp-dir.js';

const modeOf = async (file: string): Promise<string> => ((await stat(file)).mode & 0o777).toString(8);

// The database holds what people in a community said and every device's token hash, as a team's
// export does, which was already its maker's only: SQLite made it, its backups and its WAL
// readable by every account on the server.
describe('the SQLite database and its backups', () => {
  it('are readable by the server’s account only, as are the folders made for them', async () => {
    const tmp = await tempDirWith();
    after(() => tmp.cleanup());
    const data = path.join(tmp.dir, 'data');
    const live = path.join(data, 'efk.sqlite');
    const { db } = await openDatabase({ sqliteFile: live });
    const store = new SyncStore(db, await serverSecret(data, undefined));
    await store.createTeam('Riverside team'); // a write, so the WAL holds something
    const backup = path.join(data, 'backups', 'efk-now.sqlite');
    await backupSqlite(live, backup);
    const restored = path.join(tmp.dir, 'elsewhere', 'restored.sqlite');
    await restoreSqlite(backup, restored);
    const modes = Object.fromEntries(
      await Promise.all(
        [data, live, `${live}-wal`, `${live}-shm`, path.join(data, 'server-secret'), path.dirname(backup), backup]
          .concat([path.dirname(restored), restored])
          .map(async (file) => [path.relative(tmp.dir, file), await modeOf(file)] as const),
      ),
    );
    await db.destroy();
    assert.deepEqual(modes, {
      data: '700',
      'data/efk.sqlite': '600',
      'data/efk.sqlite-wal': '600',
      'data/efk.sqlite-shm': '600',
      'data/server-secret': '600',
      'data/backups': '700',
      'data/backups/efk-now.sqlite': '600',
      elsewhere: '700',
      'elsewhere/restored.sqlite': '600',
    });
  });

  it('leave the mode of a database already there as it is', async () => {
    const tmp = await tempDirWith();
    after(() => tmp.cleanup());
    const live = path.join(tmp.dir, 'efk.sqlite');
    await writeFile(live, '');
    await chmod(live, 0o640); // an administrator's choice: a backup agent in the group reads it
    const { db } = await openDatabase({ sqliteFile: live });
    await new SyncStore(db, randomSecret()).createTeam('Riverside team');
    await db.destroy();
    assert.equal(await modeOf(live), '640');
  });
});
