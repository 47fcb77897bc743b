import type { FastifyError, FastifyInstance } from 'fastify';
import { STORAGE_FULL } from '../src/sync/protocol.js';

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
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC';
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
