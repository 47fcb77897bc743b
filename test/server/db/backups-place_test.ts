import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { backupsPlace, checkBackupsPlace } from '../../../server/db/backups-place.js';
import { backUpIfDue } from '../../../server/db/scheduled-backup.js';
import { ConfigError, readServerConfig } from '../../../server/server-config.js';
import { tempDirWith } from '../../support/temp-dir.js';

describe('backupsPlace', () => {
  it('puts the backups in DATA_DIR/backups by default, and says they share the database’s disk', async () => {
    const data = await tempDirWith();
    after(() => data.cleanup());
    const config = readServerConfig({ DATA_DIR: data.dir });
    assert.deepEqual(await backupsPlace(config), { dir: path.join(data.dir, 'backups'), sameDisk: true });
  });

  it('puts them in BACKUP_DIR, and knows another disk when it is on one', async () => {
    const data = await tempDirWith();
    after(() => data.cleanup());
    // A memory file system: a device of its own, as a backup disk mounted on the server would be.
    const other = await mkdtemp('/dev/shm/efk-backups-');
    after(() => rm(other, { recursive: true, force: true }));
    assert.notEqual((await stat(other)).dev, (await stat(data.dir)).dev, 'the test needs two devices');
    const config = readServerConfig({ DATA_DIR: data.dir, BACKUP_DIR: other });
    assert.deepEqual(await backupsPlace(config), { dir: other, sameDisk: false });
    // A folder of the same disk is told as one.
    const beside = await tempDirWith();
    after(() => beside.cleanup());
    assert.deepEqual(await backupsPlace({ ...config, backupDir: beside.dir }), { dir: beside.dir, sameDisk: true });
  });

  it('refuses a BACKUP_DIR that is not there, and does not make it: a backup disk not mounted is said', async () => {
    const data = await tempDirWith({ 'a-file': 'not a folder' });
    after(() => data.cleanup());
    const missing = path.join(data.dir, 'mnt', 'backup-disk');
    for (const dir of [missing, path.join(data.dir, 'a-file')]) {
      const config = readServerConfig({ DATA_DIR: data.dir, BACKUP_DIR: dir });
      await assert.rejects(
        backupsPlace(config),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message.startsWith(`BACKUP_DIR ${dir} is not a folder. The server does not make it`),
      );
    }
    await assert.rejects(stat(missing), { code: 'ENOENT' });
  });

  it('before each backup, finds a BACKUP_DIR gone, or back on the database’s disk (its own unmounted), and makes no backup', async () => {
    const data = await tempDirWith({ 'efk.sqlite': '' });
    after(() => data.cleanup());
    const disk = await mkdtemp('/dev/shm/efk-backups-');
    after(() => rm(disk, { recursive: true, force: true }));
    const config = readServerConfig({ DATA_DIR: data.dir, BACKUP_DIR: disk });
    const atStart = await backupsPlace(config);
    await checkBackupsPlace(config, atStart);

    // The disk unmounted: its mount point is a folder of the machine's own disk.
    const mountPoint = await tempDirWith();
    after(() => mountPoint.cleanup());
    const unmounted = { ...config, backupDir: mountPoint.dir };
    const backUp = () =>
      backUpIfDue({
        live: path.join(data.dir, 'efk.sqlite'),
        dir: mountPoint.dir,
        everyMs: 1,
        keep: 7,
        check: () => checkBackupsPlace(unmounted, atStart),
      });
    await assert.rejects(backUp(), /is now on the database's own disk, not the disk it was on at start/);
    assert.deepEqual(await readdir(mountPoint.dir), [], 'no backup on the wrong disk');
    await rm(mountPoint.dir, { recursive: true });
    await assert.rejects(backUp(), new RegExp(`BACKUP_DIR ${mountPoint.dir} is not a folder`));
    await assert.rejects(stat(mountPoint.dir), { code: 'ENOENT' }, 'not made by the backup');
  });
});
