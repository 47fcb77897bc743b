import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { backupSqlite } from './sqlite-backup.js';

/** Pages a step of the server's own backup copies (8 MB: some 10 ms of the event loop). */
const STEP_PAGES = 2_000;

/** The server's own backups start so; `npm run backup`'s (efk-<time>.sqlite) are never pruned by it. */
export const SCHEDULED_PREFIX = 'efk-auto-';

/** A moment as a backup's name holds it: sorts as time does, and is a file name everywhere (no colons). */
export function timeStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-');
}

export interface ScheduledBackupOptions {
  /** The live database. */
  readonly live: string;
  /** The folder the backups go in (DATA_DIR/backups). */
  readonly dir: string;
  /** How old the newest of the server's backups may be before another is made. */
  readonly everyMs: number;
  /** How many of the server's backups to keep; older ones go once a new one is made. */
  readonly keep: number;
  /** Rejects when `dir` is not fit to back up into now (see checkBackupsPlace): nothing is made. */
  readonly check?: () => Promise<void>;
  readonly now?: number;
}

export interface ScheduledBackup {
  readonly file: string;
  readonly pages: number;
  /** The older backups removed to keep `keep`. */
  readonly removed: readonly string[];
}

/** What a look at the backups did: the backup it made, if one was due, and when the newest was made. */
export interface BackupRun {
  readonly made: ScheduledBackup | null;
  /** In ms since the epoch; null when there is none. */
  readonly newestAt: number | null;
}

/**
 * Backs up the live SQLite database when the newest of the server's own backups is `everyMs` old
 * or more (or there is none), then keeps the newest `keep` of them. Due-ness is read from the
 * files, not a timer: a server restarted over and over makes no more backups than one left
 * running, and so never pushes the older good ones out. A backup is written under a temporary
 * name and renamed once whole, so a failed one (a full disk) leaves nothing that looks like a
 * backup to restore from.
 */
export async function backUpIfDue({
  live,
  dir,
  everyMs,
  keep,
  check,
  now = Date.now(),
}: ScheduledBackupOptions): Promise<BackupRun> {
  await check?.();
  const { ours, partial: stale } = await scheduledBackups(dir);
  // Left by a server stopped mid-backup (one server runs these, one at a time).
  for (const name of stale) await rm(path.join(dir, name), { force: true });
  const newest = ours[0];
  const newestAt = newest ? (await stat(path.join(dir, newest))).mtimeMs : null;
  if (newestAt !== null && now - newestAt < everyMs) return { made: null, newestAt };

  const name = `${SCHEDULED_PREFIX}${timeStamp(now)}.sqlite`;
  const file = path.join(dir, name);
  const partial = `${file}.partial`;
  let pages: number;
  try {
    ({ pages } = await backupSqlite(live, partial, { stepPages: STEP_PAGES }));
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  const removed: string[] = [];
  for (const old of [name, ...ours.filter((f) => f !== name)].slice(keep)) {
    await rm(path.join(dir, old), { force: true });
    removed.push(path.join(dir, old));
  }
  return { made: { file, pages, removed }, newestAt: now };
}

/** The server's own backups in `dir`, newest first (their names hold the time they were made), and any left unfinished. */
async function scheduledBackups(dir: string): Promise<{ ours: string[]; partial: string[] }> {
  const names = (
    await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    })
  ).filter((n) => n.startsWith(SCHEDULED_PREFIX));
  return {
    ours: names
      .filter((n) => n.endsWith('.sqlite'))
      .sort()
      .reverse(),
    partial: names.filter((n) => n.endsWith('.sqlite.partial')),
  };
}
