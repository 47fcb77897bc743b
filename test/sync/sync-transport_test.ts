import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  FetchTransport,
  retryAfterMs,
  SyncHttpError,
  SyncNetworkError,
  SyncUnauthorizedError,
  TOO_LARGE,
} from '../../src/sync/sync-transport.js';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-27T03:00:00Z');

  it('reads delay-seconds', () => {
    assert.equal(retryAfterMs('60', now), 60_000);
    assert.equal(retryAfterMs(' 0 ', now), 0);
  });

  it('reads an HTTP date as the time left until it, and a date gone by as no wait', () => {
    assert.equal(retryAfterMs('Fri, 27 Nov 2026 03:02:00 GMT', now), 120_000);
    assert.equal(retryAfterMs('Fri, 27 Nov 2026 02:00:00 GMT', now), 0);
  });

  it('takes no header, or one it cannot read, as no request to wait', () => {
    assert.equal(retryAfterMs(null, now), null);
    assert.equal(retryAfterMs('soon', now), null);
    assert.equal(retryAfterMs('-5', now), null);
  });
});

// An agency's filtering proxy, or a portal, answers for the server with a page of its own. Taken
// as the server refusing, such an answer was not retried on a timer, and a proxy's 401 sent the
// device to rejoin its team.
describe('FetchTransport, answered by something other than the team’s server', () => {
  let origin = '';
  const server = createServer((req, res) => {
    const [status, json] = /^\/(\d+)(-json)?/.exec(req.url ?? '')!.slice(1);
    if (json) {
      res.writeHead(Number(status), { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'refused', message: 'The team’s server says no.' }));
    } else {
      res.writeHead(Number(status), { 'content-type': 'text/html' });
      res.end('<html><body>Access to this site is blocked by your organisation.</body></html>');
    }
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** What a pull through `prefix` throws, and what the transport told of the network. */
  async function pulled(prefix: string): Promise<{ error: unknown; reached: boolean[] }> {
    const reached: boolean[] = [];
    const transport = new FetchTransport('a token', `${origin}${prefix}`, (r) => reached.push(r));
    const error = await transport.pull(0, 10).then(
      () => null,
      (e: unknown) => e,
    );
    return { error, reached };
  }

  it('takes a page that is not the server’s as no connection to it, a 401 too', async () => {
    for (const status of ['403', '401', '404']) {
      const { error, reached } = await pulled(`/${status}`);
      assert.ok(error instanceof SyncNetworkError, `${status}: ${String(error)}`);
      assert.match((error as Error).message, new RegExp(`answered instead of it \\(HTTP ${status}\\)`));
      assert.deepEqual(reached, [false], 'the connection monitor hears the server was not reached');
    }
  });

  it('takes a 413 page as a request too large, whoever sent it: not as no connection', async () => {
    // A proxy or firewall with a lower body limit than the server's: sent again as it is, the
    // request would be refused again, and the device is not offline.
    const { error, reached } = await pulled('/413');
    assert.ok(error instanceof SyncHttpError && !(error instanceof SyncNetworkError), String(error));
    assert.equal(error.status, 413);
    assert.equal(error.code, TOO_LARGE);
    assert.match(error.message, /too large/);
    assert.deepEqual(reached, [], 'the connection monitor hears nothing of the server either way');
  });

  it('still takes the server’s own refusals as its, and its 401 as a device to rejoin', async () => {
    const refused = await pulled('/403-json');
    assert.ok(refused.error instanceof SyncHttpError && !(refused.error instanceof SyncNetworkError));
    assert.equal((refused.error as SyncHttpError).status, 403);
    assert.deepEqual(refused.reached, [true]);
    assert.ok((await pulled('/401-json')).error instanceof SyncUnauthorizedError);
    const busy = await pulled('/503');
    assert.ok(busy.error instanceof SyncHttpError, 'a 5xx is retried anyway, whoever sent it');
  });
});
