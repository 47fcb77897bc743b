import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DatabaseOpenError } from '../../../server/db/database-open-error.js';
import { openDatabase } from '../../../server/db/open-database.js';
import { tempDirWith } from '../../support/temp-dir.js';

describe('opening the SQLite file', () => {
  let dir: Awaited<ReturnType<typeof tempDirWith>>;
  before(async () => {
    dir = await tempDirWith();
  });
  after(() => dir.cleanup());

  it('says in words when the file is not a database (a damaged copy, the wrong file restored), and what to do', async () => {
    const file = path.join(dir.dir, 'efk.sqlite');
    await writeFile(file, 'These are meeting notes, not a database.\n'.repeat(200));
    await assert.rejects(openDatabase({ sqliteFile: file }), (error: unknown) => {
      assert.ok(error instanceof DatabaseOpenError, String(error));
      assert.equal(
        error.message,
        `${file} is not a database the kit can read (file is not a database). Restore a backup (npm run restore -- <backup>), or move the file away to start with an empty one.`,
      );
      return true;
    });
  });

  it('says which file could not be opened when its folder cannot be made', async () => {
    const notAFolder = path.join(dir.dir, 'a-file');
    await writeFile(notAFolder, '');
    await assert.rejects(
      openDatabase({ sqliteFile: path.join(notAFolder, 'efk.sqlite') }),
      (error: unknown) =>
        error instanceof DatabaseOpenError && error.message.startsWith(`Could not open ${notAFolder}/efk.sqlite: `),
    );
  });
});
