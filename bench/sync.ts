import { randomUUID } from 'node:crypto';
import { cp, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { sql } from 'kysely';
import { chromium } from 'playwright-core';
import { buildApp } from '../server/app.js';
import { openDatabase, type Engine } from '../server/db/open-database.js';
import { backUpIfDue } from '../server/db/scheduled-backup.js';
import { backupSqlite } from '../server/db/sqlite-backup.js';
import { randomSecret } from '../server/secrets.js';
import { GroupCommit } from '../server/sync/group-commit.js';
import { SyncStore } from '../server/sync/sync-store.js';
import { joinTeam } from '../src/sync/sync-transport.js';
import { CHROMIUM_ARGS, chromiumPath } from '../test/support/chromium.js';
import { startPostgres } from '../test/support/postgres.js';
import { median, type Figure } from './figure.js';
import { httpLoad } from './http-load.js';
import { onSlowLink } from './slow-link.js';
import { newDraftMutation } from '../test/support/new-draft-mutation.js';
import type { DrainQueue } from './drain-queue.js';
import { PUSH_BATCH_MAX, type PushRequest } from '../src/sync/protocol.js';

const STORED = 100_000;
const PUSHED = 5_000;
const BATCH = 100;

/** Server-side figures on one engine: push throughput, and pull latency with 100,000 drafts stored. */
async function engineFigures(engine: Engine, databaseUrl: string | undefined, dir: string): Promise<Figure[]> {
  const sqliteFile = path.join(dir, `${engine}.sqlite`);
  const { db } = await openDatabase({ databaseUrl, sqliteFile });
  const store = new SyncStore(db, randomSecret());
  const team = await store.createTeam('Bench team');
  const app = await buildApp({ distDir: dir, sync: { store, rateLimits: { joinPerMinute: 1e6, apiPerMinute: 1e6 } } });
  app.get('/api/bare', async () => ({ ok: true }));
  // The floor of any push: a route that takes the same request (POST, JSON body, token) and does nothing.
  app.post('/api/bare', async () => ({ ok: true }));
  // The floor of a durable push: the same request, its body written in a transaction that reaches
  // the disk before the answer, as a push's changes are, requests arriving together sharing one
  // (the push route's own group commit). No token check, no reads, no merge: the least any
  // design that acknowledges a change only once it is safe pays per request.
  await sql`create table bench_floor (body text not null)`.execute(db);
  const floorWrites = new GroupCommit<string, null>({
    run: (bodies) =>
      db.transaction().execute(async (trx) => {
        await sql`insert into bench_floor (body) values ${sql.join(bodies.map((b) => sql`(${b})`))}`.execute(trx);
        return bodies.map(() => null);
      }),
    sizeOf: () => 1,
    maxSize: PUSH_BATCH_MAX,
  });
  app.post('/api/bare-durable', async (request) => {
    await floorWrites.submit('floor', JSON.stringify(request.body));
    return { ok: true };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  try {
    const { token } = await joinTeam({ code: team.code, deviceName: 'Bench' }, origin);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

    // Stored drafts, written in bulk (seeding is not what is measured).
    for (let i = 0; i < STORED; i += 1_000) {
      const ids = Array.from({ length: 1_000 }, () => randomUUID());
      await db
        .insertInto('drafts')
        .values(
          ids.map((id, k) => ({
            team_id: team.id,
            id,
            worksheet_id: 'engagement-strategy',
            worksheet_version: 1,
            created_at: 1,
            rev: i + k + 1,
            deleted_at: null,
            note: null,
          })),
        )
        .execute();
      await db
        .insertInto('draft_fields')
        .values(
          ids.map((id, k) => ({
            team_id: team.id,
            draft_id: id,
            key: 'title',
            value: JSON.stringify(`Draft ${i + k}`),
            rev: i + k + 1,
            changed_at: 1,
            changed_by: 'seed',
            conflict: null,
          })),
        )
        .execute();
    }
    await db.updateTable('teams').set({ rev: STORED }).where('id', '=', team.id).execute();
    // Fresh statistics, as autovacuum (PostgreSQL) or a routine ANALYZE would leave them.
    await sql`ANALYZE`.execute(db);

    // Push: 5,000 new mutations in batches of 100, one after another, over HTTP.
    let seq = 0;
    const t0 = performance.now();
    for (let i = 0; i < PUSHED; i += BATCH) {
      const mutations = Array.from({ length: BATCH }, () =>
        newDraftMutation(++seq, { title: `Pushed ${seq}`, achieve: 'An answer' }),
      );
      // As a device says with each push: every change before this batch is settled.
      const settled = mutations[0]!.seq;
      const res = await fetch(`${origin}/api/push?settled=${settled}`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ mutations }),
      });
      if (!res.ok) throw new Error(`push failed: ${res.status}`);
    }
    const pushPerSecond = PUSHED / ((performance.now() - t0) / 1000);

    // Pull: a device catching up on the latest 100 changes, with 100,000+ drafts stored.
    const pulls: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const t = performance.now();
      const res = await fetch(`${origin}/api/pull?since=${STORED + PUSHED - 100}&limit=100`, { headers });
      await res.json();
      pulls.push(performance.now() - t);
    }
    // The limit for a request: a bare route on the same server, same client.
    const bare: number[] = [];
    for (let i = 0; i < 30; i += 1) {
      const t = performance.now();
      await (await fetch(`${origin}/api/bare`)).json();
      bare.push(performance.now() - t);
    }
    // The server's own daily backup (SQLite), copied a step at a time: how long it holds the event
    // loop (every request waits that long), beside the same copy in one step.
    const backupHolds =
      engine === 'sqlite'
        ? {
            stepped: await longestHold(() =>
              backUpIfDue({ live: sqliteFile, dir: path.join(dir, 'backups'), everyMs: 0, keep: 1 }),
            ),
            oneStep: await longestHold(() => backupSqlite(sqliteFile, path.join(dir, 'one-step.sqlite'))),
            megabytes: (await stat(sqliteFile)).size / 1e6,
          }
        : null;

    // Requests/s of the push route (one small mutation each) beside a bare route on the same server,
    // 10 clients at once, loaded from a process of its own (measured with an in-process client,
    // the client's own work was most of each request's: the bare route's "limit" was the client's).
    const { counts: rates } = await httpLoad({
      origin,
      connections: 10,
      rounds: 3,
      firstSeq: 1_000_000,
      routes: [
        { name: 'push', method: 'POST', path: '/api/push', headers, push: true, settled: true },
        { name: 'bare', method: 'GET', path: '/api/bare', headers: {} },
        { name: 'barePost', method: 'POST', path: '/api/bare', headers, push: true },
        { name: 'durable', method: 'POST', path: '/api/bare-durable', headers, push: true },
      ],
    });
    const pushRate = median(rates.push!);
    const bareRate = median(rates.bare!);
    const barePostRate = median(rates.barePost!);
    const durableRate = median(rates.durable!);
    const label = engine === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    return [
      {
        name: `Push route, ${label}, 10 clients (requests/s)`,
        ours: Math.round(pushRate),
        limit: Math.round(bareRate),
        limitName: 'bare fastify route',
        budget: 0.5,
        kind: 'at-least',
        notes: [
          `turns of a second: push ${rates.push!.join(', ')}; bare route ${rates.bare!.join(', ')} requests`,
          `the push route runs at ${(pushRate / durableRate).toFixed(2)}× the floor of a durable push (below)`,
        ],
      },
      {
        name: `Floor of a push: a bare route taking the same POST body, ${label}, 10 clients (requests/s)`,
        ours: Math.round(barePostRate),
        limit: Math.round(bareRate),
        limitName: 'bare fastify route',
        budget: Number.POSITIVE_INFINITY,
        kind: 'at-least',
        notes: [
          `receiving the push's request and doing nothing with it; the push route runs at ${(pushRate / barePostRate).toFixed(2)}× this floor`,
        ],
      },
      {
        name: `Floor of a durable push: the same POST, its body written to disk before the answer, ${label}, 10 clients (requests/s)`,
        ours: Math.round(durableRate),
        limit: Math.round(bareRate),
        limitName: 'bare fastify route',
        budget: Number.POSITIVE_INFINITY,
        kind: 'at-least',
        notes: [
          `one transaction a group of requests that arrived together (group commit), no token check, no reads; turns of a second: ${rates.durable!.join(', ')} requests`,
        ],
      },
      {
        name: `Push, ${label} (mutations/s)`,
        ours: Math.round(pushPerSecond),
        limit: Number.NaN,
        limitName: '— (batches of 100, one client)',
        budget: Number.POSITIVE_INFINITY,
        kind: 'at-least',
      },
      {
        name: `Pull 100 of ${STORED / 1000}k drafts, ${label}, median (ms)`,
        ours: median(pulls),
        limit: median(bare),
        limitName: 'bare fastify route',
        budget: Number.POSITIVE_INFINITY,
        kind: 'at-most',
      },
      ...(backupHolds
        ? [
            {
              name: `The server's own backup, ${STORED / 1000}k drafts on SQLite: longest hold of its event loop (ms)`,
              ours: backupHolds.stepped,
              limit: backupHolds.oneStep,
              limitName: 'the same copy in one step',
              budget: Number.POSITIVE_INFINITY,
              kind: 'at-most' as const,
              notes: [
                `a ${backupHolds.megabytes.toFixed(0)} MB database copied 8 MB a step, the server answering between steps; what is left is the final flush to disk`,
              ],
            },
          ]
        : []),
    ];
  } finally {
    await app.close();
    await db.destroy();
  }
}

/** The longest the event loop went without a turn while `task` ran, in ms: what every request waited at most. */
async function longestHold(task: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const tick = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  try {
    await task();
  } finally {
    clearInterval(tick);
  }
  return Math.max(longest, performance.now() - last);
}

/** What the drafts list's checks read (this file is type-checked for Node, without the DOM's types). */
interface ListPage {
  readonly navigator: { serviceWorker: { ready: Promise<unknown> } };
  readonly document: {
    querySelector(
      selector: string,
    ): { shadowRoot: { querySelectorAll(selector: string): { length: number } } | null } | null;
  };
}

/** What the bench page's module exports (bench/browser/drain-bench.ts). */
interface DrainBench {
  prepare(token: string, shared: boolean, queue: DrainQueue): Promise<void>;
  holdSyncLock(): Promise<void>;
  drain(): Promise<{ drainMs: number; pushed: number; contentBytes: number }>;
  join(token: string): Promise<{ joinMs: number; pulled: number }>;
}

/** One drain, and the bytes its pushes took on the wire and as JSON. */
export interface Drain {
  readonly drainMs: number;
  /** Changes acknowledged. */
  readonly pushed: number;
  /** Mutations sent (a draft's changes in one batch go as one) and the pushes that carried them. */
  readonly mutations: number;
  readonly pushes: number;
  readonly wireBytes: number;
  readonly jsonBytes: number;
  /** With `join`: a second device's first sync after the drain, on the same link, and what it pulled. */
  readonly join?: { readonly joinMs: number; readonly pulled: number };
  /** The drafts' content as JSON: the least any sync of them could send, uncompressed. */
  readonly contentBytes: number;
}

/**
 * A queue drained from Chromium to our server on SQLite: by default 1,000 queued drafts (2,000
 * changes); `queue: 'day'` a day offline (see bench/browser/drain-bench.ts).
 * @param withList with the app's drafts list open in another tab, hearing of every batch
 * @param slow over a slow 4G link rather than 127.0.0.1's
 * @param join then a second device joins and syncs, pulling every draft
 */
export async function drainOurs(
  distDir: string,
  parent: string,
  {
    withList = false,
    slow = false,
    queue = 'drafts',
    join = false,
  }: { withList?: boolean; slow?: boolean; queue?: DrainQueue; join?: boolean } = {},
): Promise<Drain> {
  const dir = await mkdtemp(path.join(parent, 'drain-'));
  const site = path.join(dir, 'site');
  await cp(distDir, site, { recursive: true });
  await build({
    entryPoints: ['bench/browser/drain-bench.ts'],
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    outfile: path.join(site, 'bench.js'),
  });
  // The harness's own page: any address the app does not know would serve the app itself (its
  // not-found view), whose sync engine would then send the queue as the harness builds it.
  await writeFile(path.join(site, 'bench.html'), '<!doctype html><title>Drain bench</title>');
  const { db } = await openDatabase({ sqliteFile: path.join(dir, 'drain.sqlite') });
  const store = new SyncStore(db, randomSecret());
  const team = await store.createTeam('Drain team');
  const app = await buildApp({ distDir: site, sync: { store } });
  let wireBytes = 0;
  let jsonBytes = 0;
  let mutations = 0;
  let pushes = 0;
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.url !== '/api/push') return;
    wireBytes += Number(request.headers['content-length'] ?? 0);
    jsonBytes += Buffer.byteLength(JSON.stringify(request.body));
    mutations += (request.body as PushRequest).mutations.length;
    pushes += 1;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  try {
    const joined = await joinTeam({ code: team.code, deviceName: 'Drain' }, origin);
    // One browser profile: the app's tab below shares the queue's database and hears of its batches.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/bench.html`);
    await page.evaluate(
      async ([token, shared, kind]) => {
        const bench = (await import('/bench.js' as string)) as DrainBench;
        await bench.prepare(token, shared, kind);
        // The app's tab would otherwise send the queue itself as it opens.
        if (shared) await bench.holdSyncLock();
      },
      [joined.token, withList, queue] as const,
    );
    if (withList) {
      const list = await context.newPage();
      await list.goto(`${origin}/drafts`);
      await list.waitForFunction(() => performance.getEntriesByName('efk:view-ready').length > 0);
      // Installed and idle, as an app opened earlier is: its service worker's first caching is not the drain's.
      await list.evaluate(async () => {
        await (globalThis as unknown as ListPage).navigator.serviceWorker.ready;
      });
      await list.waitForLoadState('networkidle');
      const rows = await list.evaluate(
        () =>
          (globalThis as unknown as ListPage).document
            .querySelector('app-shell main .view')
            ?.shadowRoot?.querySelectorAll('.drafts li').length ?? 0,
      );
      if (rows !== 1_000) throw new Error(`the drafts list shows ${rows} drafts, not the 1,000 queued`);
    }
    if (slow) await onSlowLink(page);
    const drained = await page.evaluate(async () => ((await import('/bench.js' as string)) as DrainBench).drain());
    const result = { ...drained, mutations, pushes, wireBytes, jsonBytes };
    if (!join) return result;
    const second = await joinTeam({ code: team.code, deviceName: 'Joining' }, origin);
    const joining = await browser.newPage();
    await joining.goto(`${origin}/bench.html`);
    if (slow) await onSlowLink(joining);
    const first = await joining.evaluate(
      async (token) => ((await import('/bench.js' as string)) as DrainBench).join(token),
      second.token,
    );
    return { ...result, join: first };
  } finally {
    await browser.close();
    await app.close();
    await db.destroy();
  }
}

const DRAIN_RUNS = 3;

async function drainFigures(distDir: string, dir: string): Promise<Figure[]> {
  const alone: number[] = [];
  const watched: number[] = [];
  const days: Drain[] = [];
  let last: Drain | undefined;
  // Alternating, so a slow moment of the machine falls on all alike.
  for (let i = 0; i < DRAIN_RUNS; i += 1) {
    last = await drainOurs(distDir, dir);
    alone.push(last.drainMs);
    watched.push((await drainOurs(distDir, dir, { withList: true })).drainMs);
    days.push(await drainOurs(distDir, dir, { queue: 'day' }));
  }
  const { pushed, wireBytes, jsonBytes } = last!;
  const day = days[0]!;
  return [
    {
      name: `Drain ${pushed} queued changes (1,000 drafts) to the server, median of ${DRAIN_RUNS} (ms)`,
      ours: Math.round(median(alone)),
      limit: 10_000,
      limitName: 'budget 10 s',
      budget: 1,
      kind: 'at-most',
      notes: [`${alone.map(Math.round).join(', ')} ms`],
    },
    {
      name: `The same drain with the drafts list open in another tab, median of ${DRAIN_RUNS} (ms)`,
      ours: Math.round(median(watched)),
      limit: Math.round(median(alone)),
      limitName: 'the drain with no page open',
      budget: Number.POSITIVE_INFINITY,
      kind: 'at-most',
      notes: [
        `${watched.map(Math.round).join(', ')} ms; the list refreshes once per acknowledged batch (it used to refresh once per draft)`,
      ],
    },
    {
      name: 'The drain’s pushes on the wire, gzip (KB)',
      ours: Math.round(wireBytes / 102.4) / 10,
      limit: Math.round(jsonBytes / 102.4) / 10,
      limitName: 'the same pushes as plain JSON',
      budget: Number.POSITIVE_INFINITY,
      kind: 'at-most',
    },
    {
      name: `A day offline, ${day.pushed.toLocaleString('en-AU')} autosaves on 50 drafts: the drain’s pushes as JSON (KB)`,
      ours: Math.round(day.jsonBytes / 102.4) / 10,
      limit: Math.round(day.contentBytes / 102.4) / 10,
      limitName: 'the 50 drafts’ content as JSON',
      budget: Number.POSITIVE_INFINITY,
      kind: 'at-most',
      notes: [
        `${day.mutations} mutations in ${day.pushes} pushes (a draft’s changes in one batch go as one), ` +
          `${(day.wireBytes / 1024).toFixed(1)} KB on the wire; drained in ${days.map((d) => Math.round(d.drainMs)).join(', ')} ms`,
      ],
    },
  ];
}

export async function syncBench(distDir: string): Promise<Figure[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'efk-sync-bench-'));
  // As a real server runs it: with fsync on, so a commit is as durable as SQLite's here.
  const postgres = await startPostgres({ durable: true });
  try {
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>bench</title>');
    return [
      ...(await engineFigures('sqlite', undefined, dir)),
      ...(await engineFigures('postgres', await postgres.createDatabase(), dir)),
      ...(await drainFigures(distDir, dir)),
    ];
  } finally {
    await postgres.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
