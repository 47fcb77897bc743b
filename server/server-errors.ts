import type { FastifyError, FastifyInstance } from 'fastify';
import { STORAGE_FULL } from '../src/sync/protocol.js';
import { errorCode, isUnreachable } from './db/database-open-error.js';

/** What a device hears when the server's database has no room left; its changes stay queued. */
export const STORAGE_FULL_MESSAGE =
  'The team’s server has run out of disk space. Your changes stay on this device and will be sent when the server has room.';

/** How long a device is asked to wait before trying again, in seconds. */
const STORAGE_FULL_RETRY_S = 60;

/**
 * Whether `error` says the database's disk is full: SQLite's SQLITE_FULL (a full disk, or the
 * database at its size limit), PostgreSQL's disk_full (53100), or the operating system's ENOSPC.
 */
export function isStorageFull(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC';
}

/** What a device hears when the server cannot use its database; its changes stay queued. */
export const DATABASE_UNAVAILABLE_MESSAGE =
  'The team’s server cannot use its database just now. Your changes stay on this device and will be sent when it can.';

/** How long a device is asked to wait when the database cannot be reached, in seconds. */
const DATABASE_UNAVAILABLE_RETRY_S = 15;

/**
 * Whether `error` says the database cannot be used just now: a connection refused or cut
 * (PostgreSQL restarting, failing over, shutting down: 57P01–57P03, class 08), the pool's wait for
 * one over, or SQLite's file locked by another process's write for longer than a write waits.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (isUnreachable(error)) return true;
  const code = errorCode(error);
  return typeof code === 'string' && (/^57P0[123]$/.test(code) || /^08/.test(code) || code === 'SQLITE_BUSY');
}

/**
 * How the server answers a request that failed. Fastify's own answers to bad requests (4xx) go
 * out as they were. A full disk is a 503 that says so, with a time to try again, and a log line
 * that tells whoever runs the server what to do; any other failure is a 500 that gives away
 * nothing of the server's insides (its database's messages), logged whole with the request's id.
 */
export function answerServerErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isStorageFull(error)) {
      request.log.error(
        { err: error },
        'the database has no room left: free disk space or raise its limit; until then writes are refused (503) and devices keep their changes',
      );
      return reply
        .code(503)
        .header('retry-after', String(STORAGE_FULL_RETRY_S))
        .send({ statusCode: 503, error: STORAGE_FULL, message: STORAGE_FULL_MESSAGE });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: error }, 'the database cannot be used: requests are answered 503 until it can');
      return reply
        .code(503)
        .header('retry-after', String(DATABASE_UNAVAILABLE_RETRY_S))
        .send({ statusCode: 503, error: 'database_unavailable', message: DATABASE_UNAVAILABLE_MESSAGE });
    }
    const status = error.statusCode ?? 500;
    // As fastify answers them (a thrown plain object, as the rate limiter's, keeps its own status).
    if (status < 500) return reply.code(status).send(error);
    request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({
      statusCode: status,
      error: 'server_error',
      message: 'The team’s server could not complete this request. Try again; if it goes on, tell whoever runs it.',
    });
  });
}
