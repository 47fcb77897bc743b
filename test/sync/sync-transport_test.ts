import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  BLOCKED,
  isRefusal,
  SyncBlockedOnTheWayError,
  SyncHttpError,
  SyncNetworkError,
  SyncUnauthorizedError,
  TOO_LARGE,
} from '../../src/sync/sync-errors.js';
import { FetchTransport } from '../../src/sync/sync-transport.js';

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

  it('takes a page that is not the server’s as no connection to it, a 401 too, and a success in a page', async () => {
    for (const status of ['403', '401', '404', '200']) {
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

// A web application firewall in front of the team's server, as ModSecurity with its recommended
// rules: it reads a JSON body to match its rules against, answers a compressed one it cannot parse
// with a 400 page, and one its rules match with a 403 page. The server behind answers the rest.
describe('FetchTransport, a firewall in front of the team’s server', () => {
  let origin = '';
  /**
   * `portal` answers everything with a page; `removed`, the server answers its 401 past the
   * firewall; `f5` refuses with a page answered 200, as F5's firewall does by default; `slow`
   * answers every push 408 with no body, as Node does to a request slower than its timeout.
   */
  let mode: 'firewall' | 'portal' | 'removed' | 'f5' | 'slow' = 'firewall';
  const seen: { path: string; gzip: boolean }[] = [];
  const page = (res: import('node:http').ServerResponse, status: number): void => {
    res.writeHead(status, { 'content-type': 'text/html' });
    res.end(`<html><body><h1>${status}</h1>Request rejected. Your support ID is 1234.</body></html>`);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const gzip = req.headers['content-encoding'] === 'gzip';
      seen.push({ path: req.url ?? '', gzip });
      if (mode === 'portal') return page(res, 403);
      if (mode === 'slow' && req.method === 'POST') {
        res.writeHead(408, { connection: 'close' });
        return res.end();
      }
      if (mode === 'removed' && req.method === 'GET') {
        res.writeHead(401, { 'content-type': 'application/json' });
        return res.end(JSON.stringify({ error: 'unauthorized', message: 'This device was removed from its team.' }));
      }
      if (gzip) return page(res, 400);
      const body = Buffer.concat(chunks).toString();
      if (/<script/i.test(body)) return page(res, mode === 'f5' ? 200 : 403);
      res.writeHead(200, { 'content-type': 'application/json' });
      if (req.method === 'GET') return res.end(JSON.stringify({ drafts: [], cursor: 0, more: false }));
      const { mutations } = JSON.parse(body) as { mutations: { seq: number }[] };
      res.end(JSON.stringify({ results: mutations.map((m) => ({ seq: m.seq, status: 'applied', rev: m.seq })) }));
    });
  });
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  /** A push of one draft whose answer is `words`, repeated to well over a kilobyte (so sent compressed). */
  const push = (seq: number, words: string): Parameters<FetchTransport['push']>[0] => ({
    since: 0,
    mutations: [
      {
        seq,
        draftId: `d${seq}`,
        kind: 'upsert',
        worksheetId: 'engagement-strategy',
        worksheetVersion: 1,
        createdAt: 1,
        baseRev: 0,
        fields: { achieve: { value: `${words} `.repeat(80), baseRev: 0, changedAt: 1 } },
      },
    ],
  });

  it('sends plain a push it refused compressed with a page, and later ones plain from the start', async () => {
    mode = 'firewall';
    seen.length = 0;
    const reached: boolean[] = [];
    const transport = new FetchTransport('a token', origin, (r) => reached.push(r));
    transport.prepare(push(2, 'Residents near the hall').mutations);
    assert.equal((await transport.push(push(1, 'Meet at the library'))).results.length, 1);
    assert.equal((await transport.push(push(2, 'Residents near the hall'))).results.length, 1);
    assert.deepEqual(
      seen.map((s) => s.gzip),
      [true, false, false],
      'the first compressed, refused; then plain, the one encoded ahead too',
    );
    assert.ok(!reached.includes(false), 'never taken as no connection');
  });

  it('takes a page answering what a push carried, while the server answers, as refused on the way: not as no connection', async () => {
    mode = 'firewall';
    seen.length = 0;
    const reached: boolean[] = [];
    const transport = new FetchTransport('a token', origin, (r) => reached.push(r));
    const error = await transport.push(push(3, 'Embed the feed with <script src="widget.js">')).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof SyncBlockedOnTheWayError, String(error));
    assert.equal(error.status, 403);
    assert.equal(error.code, BLOCKED);
    assert.ok(!(error instanceof SyncNetworkError));
    assert.deepEqual(
      seen.map((s) => s.path.split('?')[0]),
      ['/api/push', '/api/push', '/api/pull'],
      'compressed, plain, then a look at the server past it',
    );
    assert.deepEqual(reached, [true], 'the server was reached');
  });

  it('takes pages answering the push and the look past it as no connection (a portal)', async () => {
    mode = 'portal';
    const reached: boolean[] = [];
    const transport = new FetchTransport('a token', origin, (r) => reached.push(r));
    const error = await transport.push(push(4, 'Meet at the library')).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof SyncNetworkError && !(error instanceof SyncBlockedOnTheWayError), String(error));
    assert.match((error as Error).message, /answered instead of it \(HTTP 403\)/);
    assert.ok(reached.length > 0 && reached.every((r) => !r), `told no connection: ${JSON.stringify(reached)}`);
  });

  it('takes a success in a page, not JSON, answering a push while the server answers, as refused on the way (F5)', async () => {
    mode = 'f5';
    const reached: boolean[] = [];
    const transport = new FetchTransport('a token', origin, (r) => reached.push(r));
    const error = await transport.push(push(6, '<script src="widget.js">')).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof SyncBlockedOnTheWayError, String(error));
    assert.equal(error.status, 200);
    assert.ok(isRefusal(error), 'a refusal, not sent again on a timer, though its page said 200');
  });

  it('takes a push too slow on its way in (408) as a weak signal, sent again later: no look past it, no refusal', async () => {
    mode = 'slow';
    seen.length = 0;
    const reached: boolean[] = [];
    const transport = new FetchTransport('a token', origin, (r) => reached.push(r));
    const error = await transport.push(push(7, 'Meet at the library')).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(error instanceof SyncNetworkError && !(error instanceof SyncBlockedOnTheWayError), String(error));
    assert.match((error as Error).message, /HTTP 408/);
    assert.ok(!seen.some((s) => s.path.startsWith('/api/pull')), 'no look past it');
    assert.deepEqual(reached, [false]);
  });

  it('gives the server’s own refusal of the look past the page, as a device removed from its team', async () => {
    mode = 'removed';
    const transport = new FetchTransport('a token', origin);
    await assert.rejects(transport.push(push(5, '<script>')), SyncUnauthorizedError);
  });
});
