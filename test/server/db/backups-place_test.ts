import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { backupsPlace } from '../../../server/db/backups-place.js';
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
});
