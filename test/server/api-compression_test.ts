import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import type { PullResponse, PushResponse } from '../../src/sync/protocol.js';
import { FetchTransport, joinTeam } from '../../src/sync/sync-transport.js';
import { newDraftMutation } from '../support/new-draft-mutation.js';
import { EngineHost, type SyncServer } from '../support/sync-server.js';

/** A push of `count` drafts with answers of a realistic length: well over a kilobyte. */
function pushBody(count: number, firstSeq = 1): string {
  const mutations = Array.from({ length: count }, (_, i) =>
    newDraftMutation(firstSeq + i, { title: `Draft ${i}`, achieve: 'An answer of a realistic length. '.repeat(8) }),
  );
  return JSON.stringify({ mutations, since: 0 });
}

describe('sync API compression', () => {
  const host = new EngineHost('sqlite');
  let server: SyncServer;
  let token: string;
  let teamId: string;

  before(async () => {
    server = await host.server();
    const team = await server.store.createTeam('Weak signal team');
    teamId = team.id;
    const joined = await server.app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { code: team.code, deviceName: 'Phone' },
    });
    token = joined.json<{ token: string }>().token;
  });
  after(async () => {
    await server.close();
    await host.stop();
  });

  async function teamRev(): Promise<number> {
    const team = await server.db.selectFrom('teams').select('rev').where('id', '=', teamId).executeTakeFirstOrThrow();
    return Number(team.rev);
  }

  function push(payload: Buffer | string, headers: Record<string, string> = {}) {
    return server.app.inject({
      method: 'POST',
      url: '/api/push',
      payload,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    });
  }

  it('takes a gzip-compressed push as it takes a plain one', async () => {
    const body = pushBody(20);
    const compressed = gzipSync(body);
    assert.ok(compressed.length * 5 < Buffer.byteLength(body), `${compressed.length} of ${body.length} bytes`);
    const before = await teamRev();
    const res = await push(compressed, { 'content-encoding': 'gzip' });
    assert.equal(res.statusCode, 200, res.body);
    const { results } = res.json<PushResponse>();
    assert.deepEqual(
      results.map((r) => r.status),
      Array.from({ length: 20 }, () => 'applied'),
    );
    assert.equal(await teamRev(), before + 20);
  });

  it('refuses a corrupt compressed body with a 400, applying nothing', async () => {
    const compressed = gzipSync(pushBody(5, 100));
    const corrupt = Buffer.concat([
      compressed.subarray(0, 30),
      Buffer.from('not gzip at all'),
      compressed.subarray(45),
    ]);
    const before = await teamRev();
    const res = await push(corrupt, { 'content-encoding': 'gzip' });
    assert.equal(res.statusCode, 400);
    assert.equal(typeof res.json<{ message: string }>().message, 'string');
    assert.equal(await teamRev(), before);
  });

  it('counts the decoded size against the body limit: a small "zip bomb" gets 413', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024, ' '));
    assert.ok(bomb.length < 16 * 1024, `${bomb.length} bytes on the wire`);
    const res = await push(bomb, { 'content-encoding': 'gzip' });
    assert.equal(res.statusCode, 413);
  });

  it('refuses an encoding it does not take with 415, naming the one it does', async () => {
    const res = await push(Buffer.from('anything'), { 'content-encoding': 'br' });
    assert.equal(res.statusCode, 415);
    assert.equal(res.headers['accept-encoding'], 'gzip');
    assert.match(res.json<{ message: string }>().message, /gzip/);
  });

  it('compresses answers of a kilobyte or more for clients that accept gzip, not small ones', async () => {
    const url = '/api/pull?since=0&limit=100';
    const headers = { authorization: `Bearer ${token}` };
    const plain = await server.app.inject({ method: 'GET', url, headers });
    const zipped = await server.app.inject({
      method: 'GET',
      url,
      headers: { ...headers, 'accept-encoding': 'gzip, deflate, br' },
    });
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers['vary'], 'accept-encoding');
    assert.ok(zipped.rawPayload.length * 4 < plain.rawPayload.length);
    assert.deepEqual(JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8')), plain.json<PullResponse>());
    const refused = await server.app.inject({
      method: 'GET',
      url,
      headers: { ...headers, 'accept-encoding': 'gzip;q=0, identity' },
    });
    assert.equal(refused.headers['content-encoding'], undefined);
    const small = await server.app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { ...headers, 'accept-encoding': 'gzip' },
    });
    assert.equal(small.statusCode, 200);
    assert.equal(small.headers['content-encoding'], undefined);
  });

  it('compresses a long answer too (a page of 200 drafts, compressed off the event loop)', async () => {
    const pushed = await push(gzipSync(pushBody(200, 10_000)), { 'content-encoding': 'gzip' });
    assert.equal(pushed.statusCode, 200, pushed.body);
    const url = '/api/pull?since=0&limit=200';
    const headers = { authorization: `Bearer ${token}` };
    const plain = await server.app.inject({ method: 'GET', url, headers });
    const zipped = await server.app.inject({ method: 'GET', url, headers: { ...headers, 'accept-encoding': 'gzip' } });
    assert.ok(plain.rawPayload.length > 64 * 1024, `${plain.rawPayload.length} bytes`);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.deepEqual(JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8')), plain.json<PullResponse>());
  });

  it('is what the device sends: its pushes of a kilobyte or more go compressed', async () => {
    const listening = await host.server();
    const seen: (string | undefined)[] = [];
    listening.app.addHook('onRequest', async (request) => {
      if (request.url.startsWith('/api/push')) seen.push(request.headers['content-encoding']);
    });
    await listening.app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const origin = `http://127.0.0.1:${(listening.app.server.address() as { port: number }).port}`;
      const team = await listening.store.createTeam('Listening team');
      const { token: device } = await joinTeam({ code: team.code, deviceName: 'Phone' }, origin);
      const transport = new FetchTransport(device, origin);
      const big = JSON.parse(pushBody(10, 1_000)) as Parameters<FetchTransport['push']>[0];
      const small = JSON.parse(pushBody(1, 2_000)) as Parameters<FetchTransport['push']>[0];
      // Fewer than 1,024 characters, more than 1,024 bytes: the threshold counts what goes on the wire.
      const wide = {
        mutations: [newDraftMutation(3_000, { title: '社区', achieve: '社区在会上提出了很多意见。'.repeat(20) })],
      };
      const wideJson = JSON.stringify(wide);
      assert.ok(wideJson.length < 1024 && Buffer.byteLength(wideJson) >= 1024, `${wideJson.length} characters`);
      const answers = [await transport.push(big), await transport.push(small), await transport.push(wide)];
      assert.deepEqual(
        answers.map((a) => a.results.length),
        [10, 1, 1],
      );
      assert.deepEqual(seen, ['gzip', undefined, 'gzip']);
    } finally {
      await listening.close();
    }
  });
});

describe('a server that does not take compressed bodies', () => {
  let plainServer: FastifyInstance;
  const bodies: string[] = [];
  const addresses: string[] = [];
  let refused = 0;

  before(async () => {
    // Stands for a proxy or an older server in front of the API: it answers 415 to an encoding
    // it does not know, as RFC 7694 asks, and otherwise echoes an acknowledgement.
    plainServer = Fastify();
    plainServer.addHook('onRequest', async (request, reply) => {
      if (!request.headers['content-encoding']) return;
      refused += 1;
      await reply.code(415).send({ error: 'unsupported', message: 'No' });
    });
    plainServer.post('/api/push', async (request) => {
      const { mutations } = request.body as { mutations: { seq: number }[] };
      bodies.push(JSON.stringify(request.body));
      addresses.push(request.url);
      return { results: mutations.map((m) => ({ seq: m.seq, status: 'applied', rev: m.seq })) };
    });
    await plainServer.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await plainServer.close();
  });

  it('gets the same push sent plain, and later ones plain from the start', async () => {
    const origin = `http://127.0.0.1:${(plainServer.server.address() as { port: number }).port}`;
    const transport = new FetchTransport('token', origin);
    const request = JSON.parse(pushBody(10)) as Parameters<FetchTransport['push']>[0];
    const first = await transport.push(request);
    const second = await transport.push(request);
    assert.equal(first.results.length, 10);
    assert.equal(second.results.length, 10);
    assert.equal(refused, 1, 'only the first push was tried compressed');
    assert.equal(bodies.length, 2, 'each push reached the server once, plain');
    const { since, ...body } = request;
    assert.deepEqual(JSON.parse(bodies[0]!), body);
    assert.deepEqual(addresses, [`/api/push?since=${since}`, `/api/push?since=${since}`], 'the cursor in the address');
  });

  it('sends plain a push encoded ahead while the one before found out (a long outbox’s next batch)', async () => {
    // The sync engine encodes the next batch while one travels (see SyncTransport.prepare): the
    // first sync of a day offline prepared its second batch compressed before the first's 415.
    const origin = `http://127.0.0.1:${(plainServer.server.address() as { port: number }).port}`;
    const transport = new FetchTransport('token', origin);
    const first = JSON.parse(pushBody(10, 500)) as Parameters<FetchTransport['push']>[0];
    const second = JSON.parse(pushBody(10, 600)) as Parameters<FetchTransport['push']>[0];
    const refusedBefore = refused;
    transport.prepare(second.mutations);
    const answers = [await transport.push(first), await transport.push(second)];
    assert.deepEqual(
      answers.map((a) => a.results.length),
      [10, 10],
    );
    assert.equal(refused - refusedBefore, 1, 'only the first push was tried compressed');
  });
});
