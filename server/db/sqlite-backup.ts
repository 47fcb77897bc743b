import { stat } from 'node:fs/promises';
import SQLite from 'better-sqlite3';
import { ensurePrivateFile } from './private-file.js';

/**
 * Copies a live SQLite database with SQLite's online backup API: a consistent snapshot, safe
 * while the server keeps writing (WAL lets it go on during the copy).
 */
export async function backupSqlite(source: string, destination: string): Promise<{ pages: number }> {
  const db = new SQLite(source, { fileMustExist: true });
  ensurePrivateFile(destination);
  try {
    db.pragma('busy_timeout = 5000');
    // After the first step, the rest in one step: copied a little at a time, a busy server's writes
    // between steps restart the copy, over and over (a test writing flat out never finished).
    const { totalPages } = await db.backup(destination, { progress: ({ totalPages: pages }) => pages + 1 });
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
