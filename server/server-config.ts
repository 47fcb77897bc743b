import path from 'node:path';
import { DELETED_KEEP_DAYS } from './sync/erase-deleted.js';

/** Settings read from the environment at start; a bad value stops the server with its name. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  /** PostgreSQL URL; unset means the embedded SQLite database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /**
   * PostgreSQL URL for the one connection that listens for the other instances' changes, when
   * DATABASE_URL goes through a pooler that does not carry LISTEN (PgBouncer in transaction mode).
   */
  readonly databaseListenUrl: string | undefined;
  readonly dataDir: string;
  /** The address in join links; defaults to http://HOST:PORT. */
  readonly publicUrl: string | undefined;
  /** The path of PUBLIC_URL, the kit served under it (`/field-kit`); empty at the root of its host. */
  readonly basePath: string;
  /** Derives join codes; instances sharing one database must share it. Default: a file in `dataDir`. */
  readonly secret: string | undefined;
  /** Certificate and key files for serving HTTPS directly. */
  readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
  /** Which proxies to believe about the client's address, scheme and host (fastify's trustProxy). */
  readonly trustProxy: boolean | number | string;
  /** Largest request body accepted, in bytes. */
  readonly bodyLimit: number;
  /** Days a deleted draft's answers are kept before the server erases them. */
  readonly deletedKeepDays: number;
  /** When set, `/metrics` answers only a request that carries it as a bearer token. */
  readonly metricsToken: string | undefined;
  /** Hours between the server's own backups of its SQLite database; 0: none. */
  readonly backupEveryHours: number;
  /** How many of those backups to keep. */
  readonly backupsKept: number;
  /** The folder backups go in when not DATA_DIR/backups (another disk); it must exist. */
  readonly backupDir: string | undefined;
}

/** The embedded SQLite database's file in `dataDir`. */
export function sqliteFileOf(config: Pick<ServerConfig, 'dataDir'>): string {
  return path.join(config.dataDir, 'efk.sqlite');
}

/** Where backups of the embedded database go: the server's own and `npm run backup`'s. */
export function backupsDirOf(config: Pick<ServerConfig, 'dataDir' | 'backupDir'>): string {
  return config.backupDir ?? path.join(config.dataDir, 'backups');
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Whether `url` names a PostgreSQL database (postgres:// or postgresql://). */
function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

export function readServerConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const host = env['HOST']?.trim() || '127.0.0.1';
  const portText = env['PORT']?.trim() || '8080';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, got "${portText}"`);
  }
  const logLevel = env['LOG_LEVEL']?.trim() || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }
  const databaseUrl = env['DATABASE_URL']?.trim() || undefined;
  if (databaseUrl && !isPostgresUrl(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database)');
  }
  const databaseListenUrl = env['DATABASE_LISTEN_URL']?.trim() || undefined;
  if (databaseListenUrl && !databaseUrl) {
    throw new ConfigError('DATABASE_LISTEN_URL is for PostgreSQL: set DATABASE_URL too, or unset it');
  }
  if (databaseListenUrl && !isPostgresUrl(databaseListenUrl)) {
    throw new ConfigError(
      'DATABASE_LISTEN_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database), straight to PostgreSQL or through a pooler in session mode',
    );
  }
  const publicUrl = env['PUBLIC_URL']?.trim() || undefined;
  if (publicUrl && !/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new ConfigError(`PUBLIC_URL must be an http:// or https:// address, got "${publicUrl}"`);
  }
  // A path (the kit behind an agency's proxy at https://apps.agency.gov.au/field-kit) is the one
  // the kit is served under; plain segments only, as it goes into the kit's pages and addresses.
  if (publicUrl && !/^https?:\/\/[^/?#]+(\/[A-Za-z0-9._~-]+)*\/?$/.test(publicUrl)) {
    throw new ConfigError(
      `PUBLIC_URL must be an address with at most a plain path (letters, digits, . _ ~ -), such as https://fieldkit.agency.gov.au or https://apps.agency.gov.au/field-kit, got "${publicUrl}"`,
    );
  }
  const basePath = publicUrl ? new URL(publicUrl).pathname.replace(/\/+$/, '') : '';
  const secret = env['EFK_SECRET']?.trim() || undefined;
  if (secret && secret.length < 32) throw new ConfigError('EFK_SECRET must be at least 32 characters of random text');
  const certFile = env['TLS_CERT_FILE']?.trim() || undefined;
  const keyFile = env['TLS_KEY_FILE']?.trim() || undefined;
  if (Boolean(certFile) !== Boolean(keyFile)) {
    throw new ConfigError('TLS_CERT_FILE and TLS_KEY_FILE go together: set both to serve HTTPS, or neither');
  }
  const proxyText = env['TRUST_PROXY']?.trim() || 'false';
  let trustProxy: boolean | number | string;
  if (proxyText === 'true' || proxyText === 'false') trustProxy = proxyText === 'true';
  else if (/^\d+$/.test(proxyText)) trustProxy = Number(proxyText);
  else if (/^[0-9a-fA-F.:/, ]+$/.test(proxyText)) trustProxy = proxyText;
  else
    throw new ConfigError(`TRUST_PROXY must be true, false, a number of hops, or proxy addresses, got "${proxyText}"`);
  const limitText = env['BODY_LIMIT_BYTES']?.trim() || '1048576';
  const bodyLimit = Number(limitText);
  // Below 1 MiB a device's push (up to 512 KB of changes, or one change of up to 900 KB) could be
  // refused every time it is sent, and the device's queue would never drain.
  if (!/^\d+$/.test(limitText) || bodyLimit < 1024 * 1024 || bodyLimit > 100 * 1024 * 1024) {
    throw new ConfigError(
      `BODY_LIMIT_BYTES must be a whole number from 1048576 (a device's push may be that large) to 104857600, got "${limitText}"`,
    );
  }
  const keepText = env['DELETED_DRAFTS_KEEP_DAYS']?.trim() || String(DELETED_KEEP_DAYS);
  const deletedKeepDays = Number(keepText);
  if (!/^\d+$/.test(keepText) || deletedKeepDays < 1 || deletedKeepDays > 36500) {
    throw new ConfigError(`DELETED_DRAFTS_KEEP_DAYS must be a whole number of days from 1 to 36500, got "${keepText}"`);
  }
  const everyText = env['BACKUP_EVERY_HOURS']?.trim() || '24';
  const backupEveryHours = Number(everyText);
  if (!/^\d+$/.test(everyText) || backupEveryHours > 8760) {
    throw new ConfigError(
      `BACKUP_EVERY_HOURS must be a whole number of hours from 0 (no backups by the server) to 8760, got "${everyText}"`,
    );
  }
  const keptText = env['BACKUPS_KEPT']?.trim() || '7';
  const backupsKept = Number(keptText);
  if (!/^\d+$/.test(keptText) || backupsKept < 1 || backupsKept > 1000) {
    throw new ConfigError(`BACKUPS_KEPT must be a whole number from 1 to 1000, got "${keptText}"`);
  }
  const backupDir = env['BACKUP_DIR']?.trim() || undefined;
  const metricsToken = env['METRICS_TOKEN']?.trim() || undefined;
  if (metricsToken && !/^[A-Za-z0-9._~+/=-]{16,}$/.test(metricsToken)) {
    throw new ConfigError(
      'METRICS_TOKEN must be at least 16 characters of random text, letters, digits and . _ ~ + / = - only (it goes in an Authorization header)',
    );
  }
  return {
    host,
    port,
    logLevel,
    databaseUrl,
    databaseListenUrl,
    dataDir: path.resolve(env['DATA_DIR']?.trim() || 'data'),
    publicUrl,
    basePath,
    secret,
    tls: certFile && keyFile ? { certFile, keyFile } : undefined,
    trustProxy,
    bodyLimit,
    deletedKeepDays,
    metricsToken,
    backupEveryHours,
    backupsKept,
    backupDir: backupDir && path.resolve(backupDir),
  };
}
