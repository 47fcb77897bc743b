/** The database could not be opened; the message says why, in words for whoever runs the server. */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
}

/**
 * Errors that mean the database is not there yet, rather than refusing: nothing listening, a name
 * not resolving yet (a container starting), no route, or PostgreSQL still starting up (57P03).
 */
const NOT_THERE_YET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  '57P03',
]);

/** The `code` a database driver or the operating system put on `error` (SQLITE_FULL, 57P01, ECONNREFUSED), if any. */
export function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** What `error` says, in its own words. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Whether `error` says the database cannot be reached yet: worth waiting for at start. The pool
 * says so in words when a connection took too long to open or was cut as it opened.
 */
export function isUnreachable(error: unknown): boolean {
  if (NOT_THERE_YET.has(String(errorCode(error)))) return true;
  return /^timeout exceeded when trying to connect|^Connection terminated/.test(errorMessage(error));
}

/** A database URL as it may be shown in a log: its password hidden. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * Why opening the database at `url` failed with `error`, and what to do about it; `setting` names
 * where the URL came from (DATABASE_LISTEN_URL for the listening connection's own).
 */
export function databaseOpenError(error: unknown, url: string, setting = 'DATABASE_URL'): DatabaseOpenError {
  const at = shownUrl(url);
  const detail = errorMessage(error);
  const code = errorCode(error);
  if (isUnreachable(error))
    return new DatabaseOpenError(
      `Could not reach the database at ${at} (${detail}). Is PostgreSQL running there, and is ${setting} right?`,
    );
  if (code === '28P01' || code === '28000')
    return new DatabaseOpenError(
      `The database at ${at} refused the login (${detail}): check the user and password in ${setting}.`,
    );
  if (code === '3D000')
    return new DatabaseOpenError(
      `The database named in ${setting} does not exist (${detail}): create it (createdb), or correct ${at}.`,
    );
  return new DatabaseOpenError(`Could not open the database at ${at} (${setting}): ${detail}`);
}

/** Why opening the SQLite file `file` failed with `error`, and what to do about it. */
export function sqliteOpenError(error: unknown, file: string): DatabaseOpenError {
  const detail = errorMessage(error);
  const code = String(errorCode(error));
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT')
    return new DatabaseOpenError(
      `${file} is not a database the kit can read (${detail}). Restore a backup (npm run restore -- <backup>), or move the file away to start with an empty one.`,
    );
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'EACCES' || code === 'EROFS')
    return new DatabaseOpenError(
      `Could not open ${file} for writing (${detail}): check that DATA_DIR exists, is writable by this user, and is on a disk that is mounted read-write.`,
    );
  return new DatabaseOpenError(`Could not open ${file}: ${detail}`);
}
