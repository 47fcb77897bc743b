import path from 'node:path';

/** Settings read from the environment at start; a bad value stops the server with its name. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  /** PostgreSQL URL; unset means the embedded SQLite database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** The address in join links; defaults to http://HOST:PORT. */
  readonly publicUrl: string | undefined;
  /** Derives join codes; instances sharing one database must share it. Default: a file in `dataDir`. */
  readonly secret: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

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
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a PostgreSQL URL (postgres://user:password@host:5432/database)');
  }
  const publicUrl = env['PUBLIC_URL']?.trim() || undefined;
  if (publicUrl && !/^https?:\/\/[^/]+/.test(publicUrl)) {
    throw new ConfigError(`PUBLIC_URL must be an http:// or https:// address, got "${publicUrl}"`);
  }
  const secret = env['EFK_SECRET']?.trim() || undefined;
  if (secret && secret.length < 32) throw new ConfigError('EFK_SECRET must be at least 32 characters of random text');
  return {
    host,
    port,
    logLevel,
    databaseUrl,
    dataDir: path.resolve(env['DATA_DIR']?.trim() || 'data'),
    publicUrl,
    secret,
  };
}
