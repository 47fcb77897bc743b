import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';

/**
 * Makes `file` (empty) and its folder, when missing, readable and writable by this account only,
 * before SQLite opens it: SQLite makes a database with mode 0644 and its `-wal` and `-shm` files
 * with the database's mode, so a database, or a backup, it made was readable by every account on
 * the server, with what people in a community said and every device's token hash. A file or
 * folder already there keeps its mode (an administrator's choice, or a deployment's), and an
 * empty file is a new database to SQLite.
 */
export function ensurePrivateFile(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  // `a`: made if missing, never truncated.
  closeSync(openSync(file, 'a', 0o600));
}
