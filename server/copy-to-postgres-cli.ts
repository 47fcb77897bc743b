// `npm run copy-to-postgres`: a server that began on the embedded SQLite database moves to PostgreSQL.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { copyDatabase } from './db/copy-database.js';
import { openDatabase } from './db/open-database.js';
import { checkBackup } from './db/sqlite-backup.js';
import { ConfigError, readServerConfig, sqliteFileOf } from './server-config.js';

function count(n: number, thing: string): string {
  return `${n.toLocaleString('en')} ${thing}${n === 1 ? '' : 's'}`;
}

async function main(): Promise<void> {
  const config = readServerConfig();
  if (!config.databaseUrl)
    throw new ConfigError(
      'Set DATABASE_URL to the new, empty PostgreSQL database to copy into: DATABASE_URL=postgres://… npm run copy-to-postgres',
    );
  const file = sqliteFileOf(config);
  if (!(await stat(file).catch(() => null)))
    throw new ConfigError(`There is no SQLite database to copy at ${file} (set DATA_DIR to the folder that holds it).`);
  // A damaged file stops here, before anything is written anywhere.
  checkBackup(file);
  const source = await openDatabase({ sqliteFile: file });
  try {
    const target = await openDatabase({ databaseUrl: config.databaseUrl });
    try {
      const copied = await copyDatabase(source.db, target.db);
      console.log(
        `Copied ${file} to PostgreSQL: ${count(copied.teams, 'team')}, ${count(copied.devices, 'device')}, ` +
          `${count(copied.drafts, 'draft')} (${count(copied.draft_fields, 'answer')}), ` +
          `${count(copied.applied_mutations, 'record')} of applied changes, ` +
          `${count(copied.admin_actions, 'record')} of administrators' actions.`,
      );
      console.log(
        'Start the server with DATABASE_URL set: devices carry on with the tokens they have. Join links stay the same ' +
          `while the server secret does (EFK_SECRET, or ${path.join(config.dataDir, 'server-secret')}). ` +
          `${file} is left as it was.`,
      );
    } finally {
      await target.db.destroy();
    }
  } finally {
    await source.db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
