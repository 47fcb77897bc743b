import { stat } from 'node:fs/promises';
import SQLite from 'better-sqlite3';
import { ensurePrivateFile } from './private-file.js';

/**
 * Copies a live SQLite database with SQLite's online backup API: a consistent snapshot, safe
 * while the server keeps writing (WAL lets it go on during the copy).
 *
 * @param stepPages copy this many pages at a time, the event loop free between steps: for a
 *   backup inside the server, which a copy in one step holds up (half a second for 280 MB).
 *   Without it (the CLI, a process of its own), the copy goes in one step after the first.
 */
export async function backupSqlite(
  source: string,
  destination: string,
  { stepPages }: { readonly stepPages?: number } = {},
): Promise<{ pages: number }> {
  const db = new SQLite(source, { fileMustExist: true });
  ensurePrivateFile(destination);
  let steps = 0;
  try {
    db.pragma('busy_timeout = 5000');
    // A write between steps restarts the copy, over and over on a server writing flat out (a test
    // doing so never finished in steps): after three times the steps a whole copy takes, or from
    // the start without `stepPages`, the rest goes in one step.
    const { totalPages } = await db.backup(destination, {
      progress: ({ totalPages: pages }) => {
        steps += 1;
        return stepPages && steps <= 3 * Math.ceil(pages / stepPages) ? stepPages : pages + 1;
      },
    });
    return { pages: totalPages };
  } finally {
    db.close();
  }
}

/** Checks that a file is a sound database of this kit before anything is replaced with it. */
export function checkBackup(file: string): void {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') throw new Error(`${file} is damaged: ${String(integrity)}`);
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map(
        (t) => t.name,
      ),
    );
    for (const table of ['teams', 'devices', 'drafts', 'draft_fields', 'applied_mutations']) {
      if (!tables.has(table)) throw new Error(`${file} is not an Engagement Field Kit database (no ${table} table)`);
    }
  } finally {
    db.close();
  }
}

/**
 * Names each team's history anew in a restored database (see PushResponse.history): devices that
 * synced after the backup hold revisions this database never gave, and must learn to send again
 * what it lost. A backup from before histories were named gets them when the server migrates it,
 * at random too.
 */
function newHistories(file: string): void {
  const db = new SQLite(file, { fileMustExist: true });
  try {
    const columns = db.prepare("SELECT name FROM pragma_table_info('teams')").all() as { name: string }[];
    if (columns.some((c) => c.name === 'history'))
      db.prepare('UPDATE teams SET history = lower(hex(randomblob(16))), history_from = rev').run();
  } finally {
    db.close();
  }
}

/**
 * Restores `backup` over `target`, after checking it, and keeps the database it replaces beside
 * it (`….before-restore-<time>`), so a restore never loses anything either, and names its teams'
 * histories anew. Stop the server first.
 */
export async function restoreSqlite(backup: string, target: string): Promise<{ kept: string | null }> {
  checkBackup(backup);
  let kept: string | null = null;
  if (await stat(target).catch(() => null)) {
    kept = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await backupSqlite(target, kept);
  }
  const source = new SQLite(backup, { readonly: true, fileMustExist: true });
  try {
    ensurePrivateFile(target);
    await source.backup(target);
  } finally {
    source.close();
  }
  newHistories(target);
  return { kept };
}
