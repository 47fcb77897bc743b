import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { request } from 'node:https';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { buildApp } from '../../server/app.js';
import { openDatabase } from '../../server/db/open-database.js';
import { ServerMetrics } from '../../server/metrics.js';
import { randomSecret } from '../../server/secrets.js';
import { readServerConfig } from '../../server/server-config.js';
import { STORAGE_FULL_MESSAGE } from '../../server/server-errors.js';
import { SyncStore } from '../../server/sync/sync-store.js';
import { assertDatabaseUnavailable } from '../support/assert-database-unavailable.js';
import { newDraftMutation } from '../support/new-draft-mutation.js';
import { tempDirWith } from '../support/temp-dir.js';

/** An HTTPS request that trusts only the given certificate. */
function httpsJson(
  url: string,
  ca: Buffer,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, ca }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as unknown }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A log destination that keeps the server's JSON lines for the test to read. */
function logLines(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, stream };
}

describe('operations', () => {
  let dir: Awaited<ReturnType<typeof tempDirWith>>;
  before(async () => {
    dir = await tempDirWith({ 'dist/index.html': '<!doctype html><app-shell></app-shell>' });
  });
  after(() => dir.cleanup());

  async function syncApp(extra: Partial<Parameters<typeof buildApp>[0]> = {}) {
    const { db } = await openDatabase({ sqliteFile: path.join(dir.dir, `${randomUUID()}.sqlite`) });
    const store = new SyncStore(db, randomSecret());
    const team = await store.createTeam('Ops team');
    const app = await buildApp({
      distDir: path.join(dir.dir, 'dist'),
      sync: { store },
      ready: () => store.ping(),
      ...extra,
    });
    return { app, db, store, team };
  }

  it('answers /health while up and /ready only while the database answers', async () => {
    const { app, db } = await syncApp();
    assert.equal((await app.inject({ url: '/health' })).statusCode, 200);
    const ready = await app.inject({ url: '/ready' });
    assert.deepEqual([ready.statusCode, ready.json()], [200, { status: 'ready' }]);
    await db.destroy();
    const down = await app.inject({ url: '/ready' });
    assert.equal(down.statusCode, 503);
    await app.close();
  });

  it('logs JSON lines with a request id, and never a token, a join code or draft content', async () => {
    const { lines, stream } = logLines();
    const { app, team, db } = await syncApp({ logger: { level: 'trace', stream } });
    const joined = await app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { code: team.code, deviceName: 'Logger' },
    });
    const { token } = joined.json<{ token: string }>();
    const secretText = 'Confidential community feedback about the Riverside bus route';
    await app.inject({
      method: 'POST',
      url: '/api/push',
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'trace-me-123' },
      payload: {
        mutations: [
          {
            seq: 1,
            draftId: randomUUID(),
            kind: 'upsert',
            worksheetId: 'engagement-strategy',
            worksheetVersion: 1,
            createdAt: 1,
            baseRev: 0,
            fields: { achieve: { value: secretText, baseRev: 0, changedAt: 1 } },
          },
        ],
      },
    });
    await app.inject({ url: '/api/pull', headers: { authorization: `Bearer ${token}` } });
    await app.close();
    await db.destroy();
    const log = lines.join('\n');
    assert.ok(lines.length > 4, 'requests were logged');
    for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), 'every line is JSON');
    assert.ok(
      lines.some((l) => (JSON.parse(l) as { reqId?: string }).reqId === 'trace-me-123'),
      'a proxy’s request id is kept',
    );
    for (const secret of [token, team.code, secretText, 'Riverside'])
      assert.ok(!log.includes(secret), `the log must not contain ${secret.slice(0, 12)}…`);
  });

  it('logs, once, when and from where a device reported lost was told to erase its team’s drafts', async () => {
    const { lines, stream } = logLines();
    const { app, db, store, team } = await syncApp({ logger: { level: 'info', stream } });
    const { token, deviceId } = (
      await app.inject({ method: 'POST', url: '/api/join', payload: { code: team.code, deviceName: 'Lost' } })
    ).json<{ token: string; deviceId: string }>();
    assert.ok(await store.eraseDevice(deviceId));
    for (let i = 0; i < 2; i += 1)
      await app.inject({ url: '/api/pull', headers: { authorization: `Bearer ${token}` }, remoteAddress: '10.1.2.3' });
    const told = lines
      .map((line) => JSON.parse(line) as { msg: string; deviceId?: string; ip?: string; level: number })
      .filter((entry) => entry.msg === 'told a device reported lost to erase its team’s drafts');
    assert.equal(told.length, 1, 'said the first time, not at every request after');
    assert.deepEqual([told[0]!.deviceId, told[0]!.ip, told[0]!.level], [deviceId, '10.1.2.3', 40]);
    assert.ok(!lines.some((line) => line.includes(token)), 'never the token');
    await app.close();
    await db.destroy();
  });

  /** A server logging at `info` and counting, a device joined to it, and a push of one draft with `query`. */
  async function deviceTelling(deviceName: string) {
    const { lines, stream } = logLines();
    const metrics = new ServerMetrics();
    const { app, db, team } = await syncApp({ logger: { level: 'info', stream }, metrics });
    const { token, deviceId } = (
      await app.inject({ method: 'POST', url: '/api/join', payload: { code: team.code, deviceName } })
    ).json<{ token: string; deviceId: string }>();
    const push = (query: string, seq: number) =>
      app.inject({
        method: 'POST',
        url: `/api/push${query}`,
        headers: { authorization: `Bearer ${token}` },
        payload: { mutations: [newDraftMutation(seq, { title: `Plan ${seq}` })] },
      });
    return { lines, metrics, app, db, deviceId, push };
  }

  // A proxy's 413 never reaches the server: the device tells it with its next push that does.
  it('logs and counts a push a proxy in front refused as too large, as the device tells it', async () => {
    const { lines, metrics, app, db, deviceId, push } = await deviceTelling('Behind a proxy');
    assert.equal((await push('', 1)).statusCode, 200);
    assert.equal((await push('?refusedBytes=180000', 2)).statusCode, 200, 'the push itself is taken');
    assert.equal((await push('?refusedBytes=0', 3)).statusCode, 400, 'a size is a positive whole number');
    const told = lines
      .map((line) => JSON.parse(line) as { msg: string; deviceId?: string; refusedBytes?: number; level: number })
      .filter((entry) =>
        entry.msg.startsWith('a device’s push was refused as too large before it reached this server'),
      );
    assert.equal(told.length, 1);
    assert.deepEqual([told[0]!.deviceId, told[0]!.refusedBytes, told[0]!.level], [deviceId, 180000, 40]);
    assert.match(told[0]!.msg, /raise it to at least 1 MiB/);
    assert.match(await metrics.registry.metrics(), /^efk_sync_refused_on_the_way_total 1$/m);
    await app.close();
    await db.destroy();
  });

  // A firewall's page refusing what a push carried never reaches the server either.
  it('logs and counts a push a firewall in front refused for what it carried, as the device tells it', async () => {
    const { lines, metrics, app, db, deviceId, push } = await deviceTelling('Walled');
    assert.equal((await push('?blocked=403', 1)).statusCode, 200, 'the push itself is taken');
    assert.equal((await push('?blocked=502', 2)).statusCode, 400, 'a refusal’s status is a page’s, not a failure’s');
    const told = lines
      .map((line) => JSON.parse(line) as { msg: string; deviceId?: string; blocked?: number; level: number })
      .filter((entry) => entry.msg.startsWith('a device’s push was refused for what it carried'));
    assert.equal(told.length, 1);
    assert.deepEqual([told[0]!.deviceId, told[0]!.blocked, told[0]!.level], [deviceId, 403, 40]);
    assert.match(told[0]!.msg, /web application firewall/);
    assert.match(await metrics.registry.metrics(), /^efk_sync_blocked_on_the_way_total\{status="403"\} 1$/m);
    await app.close();
    await db.destroy();
  });

  // An agency watches who joins its teams (and who tries with a code no longer good) as it would
  // logins: one line each, with the device and where from, never the code or token.
  it('logs each device joining, renaming itself and leaving its team, and a join refused, with where from', async () => {
    const { lines, stream } = logLines();
    const { app, db, team } = await syncApp({ logger: { level: 'info', stream } });
    const joined = await app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { code: team.code, deviceName: 'Sam’s phone' },
      remoteAddress: '10.1.2.3',
    });
    const { token, deviceId } = joined.json<{ token: string; deviceId: string }>();
    const headers = { authorization: `Bearer ${token}` };
    await app.inject({ method: 'PUT', url: '/api/me', headers, payload: { name: 'Sam’s tablet' } });
    await app.inject({ method: 'DELETE', url: '/api/me', headers, remoteAddress: '10.1.2.4' });
    const refused = await app.inject({
      method: 'POST',
      url: '/api/join',
      payload: { code: 'a'.repeat(43), deviceName: 'Guess' },
      remoteAddress: '10.9.9.9',
    });
    assert.equal(refused.statusCode, 403);
    await app.close();
    await db.destroy();
    const said = lines
      .map((l) => JSON.parse(l) as Record<string, unknown> & { msg: string })
      .filter((l) => l['reqId'] !== undefined && !('req' in l) && !('res' in l));
    const one = (msg: string): Record<string, unknown> => {
      const found = said.filter((l) => l.msg === msg);
      assert.equal(found.length, 1, msg);
      return found[0]!;
    };
    const join = one('a device joined its team');
    assert.deepEqual(
      [join['deviceId'], join['teamId'], join['deviceName'], join['ip']],
      [deviceId, team.id, 'Sam’s phone', '10.1.2.3'],
    );
    const rename = one('a device renamed itself');
    assert.deepEqual(
      [rename['deviceId'], rename['deviceName'], rename['was']],
      [deviceId, 'Sam’s tablet', 'Sam’s phone'],
    );
    const leave = one('a device left its team');
    assert.deepEqual([leave['deviceId'], leave['teamId'], leave['ip']], [deviceId, team.id, '10.1.2.4']);
    assert.equal(one('a join with a code that is not valid was refused')['ip'], '10.9.9.9');
    const log = lines.join('\n');
    for (const secret of [token, team.code, 'a'.repeat(43)]) assert.ok(!log.includes(secret), 'never a token or code');
  });

  it('serves Prometheus metrics: requests by route, mutations by result, database latency', async () => {
    const metrics = new ServerMetrics();
    const { db } = await openDatabase({
      sqliteFile: path.join(dir.dir, 'metrics.sqlite'),
      onQuery: (ms, ok) => metrics.database.observe({ outcome: ok ? 'ok' : 'error' }, ms / 1000),
    });
    const store = new SyncStore(db, randomSecret());
    const team = await store.createTeam('Metrics team');
    const app = await buildApp({ distDir: path.join(dir.dir, 'dist'), sync: { store }, metrics });
    const { token } = (
      await app.inject({ method: 'POST', url: '/api/join', payload: { code: team.code, deviceName: 'M' } })
    ).json<{ token: string }>();
    const id = randomUUID();
    const mutation = {
      seq: 1,
      draftId: id,
      kind: 'upsert',
      worksheetId: 'w',
      worksheetVersion: 1,
      createdAt: 1,
      baseRev: 0,
      fields: {},
    };
    await app.inject({
      method: 'POST',
      url: '/api/push',
      headers: { authorization: `Bearer ${token}` },
      payload: { mutations: [mutation, { ...mutation, draftId: randomUUID(), seq: 4, covers: [2, 3] }] },
    });
    await app.inject({
      method: 'POST',
      url: '/api/push',
      headers: { authorization: 'Bearer nope-nope-nope-nope-nope' },
      payload: { mutations: [mutation] },
    });
    const text = (await app.inject({ url: '/metrics' })).body;
    assert.match(text, /efk_http_requests_total\{method="POST",route="\/api\/push",status="200"\} 1/);
    assert.match(text, /efk_sync_mutations_total\{result="applied"\} 2/);
    assert.match(text, /efk_sync_changes_total\{result="applied"\} 4/, 'a run of three changes counts three');
    assert.match(text, /efk_sync_errors_total\{route="\/api\/push",kind="refused"\} 1/);
    assert.match(text, /efk_db_query_duration_seconds_count\{outcome="ok"\} [1-9]/);
    assert.match(text, /efk_http_request_duration_seconds_bucket/);
    assert.match(text, /^efk_devices_quiet 0$/m, 'the device that just pushed is not quiet');
    // One more device, silent for 40 days (a phone in a drawer), and one revoked (not counted).
    const quiet = (await store.join(team.code, 'Drawer'))!.device;
    await db
      .updateTable('devices')
      .set({ last_seen_at: Date.now() - 40 * 24 * 60 * 60 * 1000 })
      .where('id', '=', quiet.id)
      .execute();
    await store.revokeDevice((await store.join(team.code, 'Revoked'))!.device.id);
    assert.match((await app.inject({ url: '/metrics' })).body, /^efk_devices_quiet 1$/m);
    assert.match(text, /^efk_devices_clock_apart 0$/m);
    // The device pushes again on a clock set by hand three hours back.
    await app.inject({
      method: 'POST',
      url: `/api/push?clock=${Date.now() - 3 * 60 * 60 * 1000}`,
      headers: { authorization: `Bearer ${token}` },
      payload: { mutations: [{ ...mutation, seq: 5 }] },
    });
    assert.match((await app.inject({ url: '/metrics' })).body, /^efk_devices_clock_apart 1$/m);
    // A device waiting for its team's next change holds a connection: counted while it waits.
    assert.match(text, /^efk_changes_waiting 0$/m);
    const rev = await store.teamRev(team.id);
    const waiting = app.inject({ url: `/api/changes?since=${rev}`, headers: { authorization: `Bearer ${token}` } });
    // Counted once the server holds it, after its token is read: a loaded machine can stretch that
    // past any fixed pause.
    const counted = async (): Promise<string> => (await app.inject({ url: '/metrics' })).body;
    let scraped = await counted();
    for (const until = Date.now() + 20_000; !/^efk_changes_waiting 1$/m.test(scraped) && Date.now() < until;) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      scraped = await counted();
    }
    assert.match(scraped, /^efk_changes_waiting 1$/m);
    await app.inject({
      method: 'POST',
      url: '/api/push',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        mutations: [{ ...mutation, seq: 6, fields: { title: { value: 'Again', baseRev: 0, changedAt: 6 } } }],
      },
    });
    assert.equal((await waiting).statusCode, 200);
    assert.match((await app.inject({ url: '/metrics' })).body, /^efk_changes_waiting 0$/m);
    await app.close();
    await db.destroy();
  });

  // A server serving HTTPS itself (no proxy in front to restrict /metrics) showed anyone its
  // devices, request rates and errors.
  it('serves the metrics without a token to the machine and its private network only', async () => {
    const app = await buildApp({ distDir: path.join(dir.dir, 'dist'), metrics: new ServerMetrics() });
    const status = async (remoteAddress: string): Promise<number> =>
      (await app.inject({ url: '/metrics', remoteAddress })).statusCode;
    for (const near of ['127.0.0.1', '::1', '10.2.3.4', '172.20.0.9', '192.168.1.20', '::ffff:192.168.1.20', 'fd12::5'])
      assert.equal(await status(near), 200, near);
    for (const far of ['203.0.113.7', '172.32.0.1', '2001:db8::1', '::ffff:8.8.8.8']) {
      assert.equal(await status(far), 403, far);
      const refused = await app.inject({ url: '/metrics', remoteAddress: far });
      assert.match(refused.json<{ message: string }>().message, /set METRICS_TOKEN/);
      assert.doesNotMatch(refused.body, /efk_/);
    }
    await app.close();
  });

  it('serves the metrics only with the token METRICS_TOKEN sets, when it is set', async () => {
    const token = 'scrape-token-0123456789abcdef';
    const config = readServerConfig({ METRICS_TOKEN: token });
    const app = await buildApp({
      distDir: path.join(dir.dir, 'dist'),
      metrics: new ServerMetrics(),
      metricsToken: config.metricsToken,
    });
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789abcd', token, `Basic ${token}`]) {
      const refused = await app.inject({ url: '/metrics', headers: authorization ? { authorization } : {} });
      assert.equal(refused.statusCode, 401, String(authorization));
      assert.equal(refused.headers['www-authenticate'], 'Bearer realm="metrics"');
      assert.doesNotMatch(refused.body, /efk_/);
    }
    const scraped = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    assert.equal(scraped.statusCode, 200);
    assert.match(scraped.body, /efk_http_requests_total/);
    await app.close();
    assert.equal(readServerConfig({}).metricsToken, undefined);
    assert.throws(() => readServerConfig({ METRICS_TOKEN: 'short' }), /METRICS_TOKEN must be at least 16 characters/);
    assert.throws(() => readServerConfig({ METRICS_TOKEN: 'has a space in it, sixteen+' }), /METRICS_TOKEN must be/);
  });

  it('answers 503 while another process holds the SQLite file’s write lock (an administrator’s shell), and takes the push after', async () => {
    const file = path.join(dir.dir, `${randomUUID()}.sqlite`);
    const { db } = await openDatabase({ sqliteFile: file, busyTimeoutMs: 200 });
    const store = new SyncStore(db, randomSecret());
    const team = await store.createTeam('Busy team');
    const app = await buildApp({ distDir: path.join(dir.dir, 'dist'), sync: { store } });
    const { token } = (await store.join(team.code, 'Phone'))!;
    const push = (seq: number) =>
      app.inject({
        method: 'POST',
        url: '/api/push',
        headers: { authorization: `Bearer ${token}` },
        payload: { mutations: [newDraftMutation(seq, { title: `Change ${seq}` })] },
      });
    const other = new SQLite(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      assertDatabaseUnavailable(await push(1));
      other.exec('COMMIT');
      assert.equal((await push(1)).statusCode, 200, 'taken once the lock is gone');
      assert.equal((await store.pull(team.id, 0, 10)).drafts.length, 1);
    } finally {
      other.close();
      await app.close();
      await db.destroy();
    }
  });

  it('refuses writes on a full disk with a 503 that says so, applies none of them, and takes them once there is room', async () => {
    const { lines, stream } = logLines();
    const { app, db, store, team } = await syncApp({ logger: { level: 'info', stream } });
    const { token } = (
      await app.inject({ method: 'POST', url: '/api/join', payload: { code: team.code, deviceName: 'Full' } })
    ).json<{ token: string }>();
    const push = (seq: number) =>
      app.inject({
        method: 'POST',
        url: '/api/push',
        headers: { authorization: `Bearer ${token}` },
        payload: { mutations: [newDraftMutation(seq, { achieve: `answer ${seq} `.repeat(400) })] },
      });
    // The database may grow by a few pages only: as a disk with nothing left would have it.
    const pages = (await sql<{ page_count: number }>`PRAGMA page_count`.execute(db)).rows[0]!.page_count;
    await sql.raw(`PRAGMA max_page_count = ${pages + 3}`).execute(db);
    const answers = [];
    for (let seq = 1; seq <= 20; seq += 1) answers.push(await push(seq));
    const refused = answers.filter((a) => a.statusCode !== 200);
    assert.ok(refused.length > 0, 'the disk filled up');
    for (const answer of refused) {
      assert.equal(answer.statusCode, 503);
      assert.equal(answer.headers['retry-after'], '60');
      assert.deepEqual(answer.json(), { statusCode: 503, error: 'storage_full', message: STORAGE_FULL_MESSAGE });
    }
    const applied = answers.length - refused.length;
    assert.equal((await store.pull(team.id, 0, 100)).drafts.length, applied, 'a refused push left nothing behind');
    const logged = lines.map((l) => JSON.parse(l) as { level: number; msg: string; err?: { code?: string } });
    assert.ok(
      logged.some((l) => l.level === 50 && l.err?.code === 'SQLITE_FULL' && /free disk space/.test(l.msg)),
      'the log tells whoever runs the server what is wrong',
    );

    await sql.raw(`PRAGMA max_page_count = ${pages * 100}`).execute(db);
    const again = await push(1 + answers.findIndex((a) => a.statusCode !== 200));
    assert.equal(again.statusCode, 200, 'sent again once there is room, the push is taken');
    assert.equal((await store.pull(team.id, 0, 100)).drafts.length, applied + 1);
    await app.close();
    await db.destroy();
  });

  it('answers any other failure with a 500 that keeps the database’s own words out of it', async () => {
    const { app, db, team } = await syncApp();
    const { token } = (
      await app.inject({ method: 'POST', url: '/api/join', payload: { code: team.code, deviceName: 'Broken' } })
    ).json<{ token: string }>();
    await sql`DROP TABLE drafts`.execute(db);
    const answer = await app.inject({
      method: 'POST',
      url: '/api/push',
      headers: { authorization: `Bearer ${token}` },
      payload: { mutations: [newDraftMutation(1, { achieve: 'lost table' })] },
    });
    assert.equal(answer.statusCode, 500);
    const body = answer.json<{ error: string; message: string }>();
    assert.equal(body.error, 'server_error');
    assert.doesNotMatch(body.message, /drafts|table|SQLITE/i);
    await app.close();
    await db.destroy();
  });

  it('serves HTTPS directly with a certificate and key', async () => {
    const key = path.join(dir.dir, 'key.pem');
    const cert = path.join(dir.dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'pipe' },
    );
    const config = readServerConfig({ TLS_CERT_FILE: cert, TLS_KEY_FILE: key });
    const { app, db, team } = await syncApp({
      https: { cert: await readFile(config.tls!.certFile), key: await readFile(config.tls!.keyFile) },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const ca = await readFile(cert);
    const res = await httpsJson(`https://127.0.0.1:${port}/api/join`, ca, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: team.code, deviceName: 'TLS' }),
    });
    assert.equal(res.status, 200);
    const me = await httpsJson(`https://127.0.0.1:${port}/api/me`, ca, {
      headers: { authorization: `Bearer ${(res.json as { token: string }).token}` },
    });
    assert.match((me.json as { joinLink: string }).joinLink, new RegExp(`^https://127\\.0\\.0\\.1:${port}/join#`));
    await app.close();
    await db.destroy();
  });

  it('behind a trusted proxy, builds join links from the forwarded scheme and host', async () => {
    const { app, db, team } = await syncApp({ trustProxy: true });
    const { token } = (
      await app.inject({ method: 'POST', url: '/api/join', payload: { code: team.code, deviceName: 'P' } })
    ).json<{ token: string }>();
    const me = await app.inject({
      url: '/api/me',
      headers: {
        authorization: `Bearer ${token}`,
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'kit.agency.gov.au',
      },
    });
    assert.equal(me.json<{ joinLink: string }>().joinLink, `https://kit.agency.gov.au/join#${team.code}`);
    await app.close();
    await db.destroy();
  });

  it('checks every setting at start and names the bad one', () => {
    assert.throws(() => readServerConfig({ TLS_CERT_FILE: 'a.pem' }), /TLS_CERT_FILE and TLS_KEY_FILE go together/);
    assert.throws(() => readServerConfig({ TRUST_PROXY: 'maybe' }), /TRUST_PROXY must be/);
    assert.throws(() => readServerConfig({ BODY_LIMIT_BYTES: '12' }), /BODY_LIMIT_BYTES must be/);
    assert.throws(() => readServerConfig({ DELETED_DRAFTS_KEEP_DAYS: '0' }), /DELETED_DRAFTS_KEEP_DAYS must be/);
    assert.throws(() => readServerConfig({ DELETED_DRAFTS_KEEP_DAYS: '2 weeks' }), /DELETED_DRAFTS_KEEP_DAYS must be/);
    assert.equal(readServerConfig({}).deletedKeepDays, 30);
    assert.equal(readServerConfig({ DELETED_DRAFTS_KEEP_DAYS: '90' }).deletedKeepDays, 90);
    assert.throws(
      () => readServerConfig({ BODY_LIMIT_BYTES: '524288' }),
      /BODY_LIMIT_BYTES must be a whole number from 1048576 \(a device's push may be that large\)/,
    );
    assert.equal(readServerConfig({ BODY_LIMIT_BYTES: '2097152' }).bodyLimit, 2 * 1024 * 1024);
    assert.throws(() => readServerConfig({ EFK_SECRET: 'short' }), /EFK_SECRET must be at least 32 characters/);
    assert.equal(readServerConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(
      [readServerConfig({}).backupEveryHours, readServerConfig({}).backupsKept],
      [24, 7],
      'a daily backup, a week of them',
    );
    assert.equal(readServerConfig({ BACKUP_EVERY_HOURS: '0' }).backupEveryHours, 0);
    assert.throws(() => readServerConfig({ BACKUP_EVERY_HOURS: '1.5' }), /BACKUP_EVERY_HOURS must be a whole number/);
    assert.throws(() => readServerConfig({ BACKUPS_KEPT: '0' }), /BACKUPS_KEPT must be a whole number from 1/);
    assert.equal(readServerConfig({}).backupDir, undefined, 'DATA_DIR/backups unless BACKUP_DIR is set');
    assert.equal(readServerConfig({ BACKUP_DIR: ' mnt/backups ' }).backupDir, path.resolve('mnt/backups'));
  });
});
