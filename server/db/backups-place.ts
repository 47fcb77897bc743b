import { stat } from 'node:fs/promises';
import { backupsDirOf, ConfigError, type ServerConfig } from '../server-config.js';

/** Where the embedded database's backups go, and whether a fault of the database's disk takes them too. */
export interface BackupsPlace {
  readonly dir: string;
  /** On the disk that holds the database (DATA_DIR): one disk's fault loses both. */
  readonly sameDisk: boolean;
}

/**
 * The backups' folder, checked. A BACKUP_DIR the administrator named must be there already: the
 * server never makes it, so a backup disk that is not mounted (or a name mistyped) is said at
 * start rather than its backups quietly filling the machine's own disk in a folder of that name.
 * Compares devices once DATA_DIR exists (the database opened).
 */
export async function backupsPlace(config: Pick<ServerConfig, 'dataDir' | 'backupDir'>): Promise<BackupsPlace> {
  const dir = backupsDirOf(config);
  const found = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
    throw error;
  });
  if (config.backupDir !== undefined && !found?.isDirectory())
    throw new ConfigError(
      `BACKUP_DIR ${dir} is not a folder. The server does not make it, so that a backup disk not mounted is noticed rather than filled on this machine's own disk: mount the disk or make the folder, then start again.`,
    );
  const data = await stat(config.dataDir).catch(() => null);
  // DATA_DIR/backups not made yet lies on DATA_DIR's disk.
  return { dir, sameDisk: !found || !data || found.dev === data.dev };
}

/**
 * Checks, before a backup, that the backups' folder is still where the start found it: a
 * BACKUP_DIR still there, and, if it was on a disk of its own, still on one. A backup disk
 * unmounted while the server runs leaves its mount point, an empty folder on the machine's own
 * disk; backups written there would seem to be made, and go with that disk.
 */
export async function checkBackupsPlace(
  config: Pick<ServerConfig, 'dataDir' | 'backupDir'>,
  atStart: BackupsPlace,
): Promise<void> {
  const now = await backupsPlace(config);
  if (!atStart.sameDisk && now.sameDisk)
    throw new Error(
      `BACKUP_DIR ${now.dir} is now on the database's own disk, not the disk it was on at start (unmounted?): no backup made there`,
    );
}
