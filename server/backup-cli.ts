// `npm run backup [-- file]` and `npm run restore -- file`, for the embedded SQLite database.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { AdminLog } from './admin-log.js';
import { backupsPlace } from './db/backups-place.js';
import { openDatabase } from './db/open-database.js';
import { timeStamp } from './db/scheduled-backup.js';
import { backupSqlite, restoreSqlite } from './db/sqlite-backup.js';
import { backupsDirOf, ConfigError, readServerConfig, sqliteFileOf } from './server-config.js';

async function main([command, file]: string[]): Promise<void> {
  const config = readServerConfig();
  if (config.databaseUrl) {
    throw new ConfigError(
      'DATABASE_URL is set: back up PostgreSQL with pg_dump and restore with pg_restore (see the README).',
    );
  }
  const live = sqliteFileOf(config);
  if (command === 'backup') {
    // Into a BACKUP_DIR only when it is there: see backupsPlace.
    const target = path.resolve(
      file ?? path.join((await backupsPlace(config)).dir, `efk-${timeStamp(Date.now())}.sqlite`),
    );
    const { pages } = await backupSqlite(live, target);
    console.log(`Backed up ${live} to ${target} (${pages} pages). Safe to run while the server runs.`);
    return;
  }
  if (command === 'restore') {
    if (!file) {
      // The moment this is asked is seldom a calm one: what there is to restore from, newest first.
      const dir = backupsDirOf(config);
      const found = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.sqlite'));
      const backups = await Promise.all(
        found.map(async (f) => ({ file: path.join(dir, f), ...(await stat(path.join(dir, f))) })),
      );
      backups.sort((a, b) => b.mtimeMs - a.mtimeMs);
      const list = backups
        .map((b) => `  ${b.file}  (made ${new Date(b.mtimeMs).toISOString()}, ${(b.size / 1e6).toFixed(1)} MB)`)
        .join('\n');
      throw new ConfigError(
        `Name the backup to restore: npm run restore -- <file>\n${list ? `Backups in ${dir}, newest first:\n${list}` : `No backups in ${dir}.`}`,
      );
    }
    const { kept } = await restoreSqlite(path.resolve(file), live);
    // In the administrators' record of the database restored (the backup's own record ends before).
    const opened = await openDatabase({ sqliteFile: live }).catch(() => null);
    if (opened) {
      await new AdminLog(opened.db).noteOrSay({
        action: 'restore',
        subject: 'the database',
        detail: `restored from ${path.resolve(file)}${kept ? `; the database it replaced kept as ${kept}` : ''}`,
      });
      await opened.db.destroy();
    } else console.error("Not written to the administrators' record: the restored database could not be opened.");
    console.log(
      `Restored ${file} to ${live}.${kept ? ` The database it replaced is kept as ${kept}.` : ''} Start the server again.`,
    );
    return;
  }
  throw new ConfigError('Usage: npm run backup [-- file] | npm run restore -- file');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
