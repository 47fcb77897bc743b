import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../../server/app.js';
import { openDatabase } from '../../server/db/open-database.js';
import type { Database } from '../../server/db/schema.js';
import { randomSecret } from '../../server/secrets.js';
import { SyncStore } from '../../server/sync/sync-store.js';
import { tempDirWith } from '../support/temp-dir.js';

describe('access and limits', () => {
  let dir: Awaited<ReturnType<typeof tempDirWith>>;
  let app: FastifyInstance;
  let db: Kysely<Database>;
  let code: string;

  before(async () => {
    dir = await tempDirWith({
      'dist/index.html': '<!doctype html><app-shell></app-shell>',
      'dist/assets/a-12345678.js': 'export {}',
    });
    ({ db } = await openDatabase({ sqliteFile: path.join(dir.dir, 'efk.sqlite') }));
    const store = new SyncStore(db, randomSecret());
    code = (await store.createTeam('Limited team')).code;
    app = await buildApp({
      distDir: path.join(dir.dir, 'dist'),
      sync: { store, rateLimits: { joinPerMinute: 3, apiPerMinute: 5 } },
    });
  });
  after(async () => {
    await app.close();
    await db.destroy();
    await dir.cleanup();
  });

  it('limits join attempts per address with 429 and Retry-After', async () => {
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i += 1) {
      last = await app.inject({
        method: 'POST',
        url: '/api/join',
        payload: { code: 'g'.repeat(43), deviceName: 'Guess' },
        remoteAddress: '10.0.0.9',
      });
      statuses.push(last.statusCode);
    }
    assert.deepEqual(statuses, [403, 403, 403, 429]);
    assert.ok(Number(last!.headers['retry-after']) > 0);
    assert.equal(last!.json<{ error: string }>().error, 'rate_limited');
    // Another address is not held up by the guesser.
    const other = await app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { code, deviceName: 'Honest' },
      remoteAddress: '10.0.0.10',
    });
    assert.equal(other.statusCode, 200);
  });

  it('limits API calls per device token', async () => {
    const { token } = (
      await app.inject({
        method: 'POST',
        url: '/api/join',
        payload: { code, deviceName: 'Busy' },
        remoteAddress: '10.0.0.11',
      })
    ).json<{ token: string }>();
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1)
      statuses.push((await app.inject({ url: '/api/me', headers: { authorization: `Bearer ${token}` } })).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429]);
  });

  it('sends the security headers on every kind of response', async () => {
    const responses = await Promise.all([
      app.inject({ url: '/' }),
      app.inject({ url: '/guide/social-media' }),
      app.inject({ url: '/assets/a-12345678.js' }),
      app.inject({ url: '/assets/missing-00000000.js' }),
      app.inject({ url: '/api/nothing' }),
      app.inject({ url: '/api/pull' }),
      app.inject({ method: 'POST', url: '/api/join', payload: { nope: 1 }, remoteAddress: '10.0.0.12' }),
      app.inject({
        method: 'POST',
        url: '/api/join',
        payload: '{broken',
        headers: { 'content-type': 'application/json' },
        remoteAddress: '10.0.0.13',
      }),
      app.inject({ url: '/health' }),
      app.inject({ url: '/api/openapi.json' }),
      // Broken percent-encoding: answered by the router itself, before any hook.
      app.inject({ url: '/api/drafts/%zz' }),
    ]);
    for (const res of responses) {
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /frame-ancestors 'none'/, `${res.statusCode} ${res.body.slice(0, 40)}`);
      assert.match(csp, /script-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline/);
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
      assert.equal(res.headers['referrer-policy'], 'no-referrer');
    }
    assert.deepEqual(
      responses.map((r) => r.statusCode),
      [200, 200, 200, 404, 404, 401, 400, 400, 200, 200, 400],
    );
  });

  it('sets a request timeout and a body limit', async () => {
    assert.equal(app.server.requestTimeout, 30_000);
    assert.equal(app.initialConfig.bodyLimit, 1024 * 1024);
    const tooBig = await app.inject({
      method: 'POST',
      url: '/api/join',
      payload: JSON.stringify({ code: 'x'.repeat(1024 * 1024), deviceName: randomUUID() }),
      headers: { 'content-type': 'application/json' },
      remoteAddress: '10.0.0.14',
    });
    assert.equal(tooBig.statusCode, 413);
    assert.equal(typeof tooBig.json<{ message: string }>().message, 'string');
  });
});
