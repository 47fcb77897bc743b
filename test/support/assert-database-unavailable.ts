import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { DATABASE_UNAVAILABLE_MESSAGE } from '../../server/server-errors.js';

/** Checks `response` is the server's answer while its database cannot be used: a 503 a device waits out. */
export function assertDatabaseUnavailable(response: LightMyRequestResponse): void {
  assert.equal(response.statusCode, 503, response.body);
  assert.equal(response.headers['retry-after'], '15');
  assert.deepEqual(response.json(), {
    statusCode: 503,
    error: 'database_unavailable',
    message: DATABASE_UNAVAILABLE_MESSAGE,
  });
}
