import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { openDatabase } from '../server/db/open-database.js';
import { randomSecret } from '../server/secrets.js';
import { SyncStore } from '../server/sync/sync-store.js';
import { joinTeam } from '../src/sync/sync-transport.js';
import { startPostgres } from '../test/support/postgres.js';
import { tempDirWith } from '../test/support/temp-dir.js';
import { median, type Figure } from './figure.js';
import { newDraftMutation } from '../test/support/new-draft-mutation.js';

const PER_CLIENT = 3_000;
const BATCH = 100;

/** Starts `npm start`'s server as its own process on PostgreSQL; resolves with its origin. */
function startInstance(
  databaseUrl: string,
  secret: string,
  dataDir: string,
  distDir: string,
): Promise<{ origin: string; child: ChildProcess }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        EFK_SECRET: secret,
        DATA_DIR: dataDir,
        PORT: '0',
        LOG_LEVEL: 'warn',
        EFK_OUT_DIR: distDir,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /running at (http:\/\/[^/]+)\//.exec(out);
      if (m) resolve({ origin: m[1]!, child });
    });
    child.on('exit', (code) => reject(new Error(`instance exited (${code}): ${out}`)));
  });
}

/** A device's authenticated GET or POST to `origin`, its answer as JSON. */
async function call<T>(origin: string, token: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${origin}${route}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${route} ${res.status}`);
  return (await res.json()) as T;
}

async function client(origin: string, code: string): Promise<number> {
  const { token } = await joinTeam({ code, deviceName: 'Bench' }, origin);
  let seq = 0;
  for (let i = 0; i < PER_CLIENT; i += BATCH) {
    const mutations = Array.from({ length: BATCH }, () => newDraftMutation(++seq, { title: `Draft ${seq}` }));
    await call(origin, token, '/api/push', { mutations });
  }
  return PER_CLIENT;
}

const WAKES = 30;

/**
 * How long a teammate's change takes to reach a device waiting on `waitOrigin` for it (`GET
 * /api/changes`) when pushed to `pushOrigin`: from sending the push to the wait's answer, each
 * sample; and the push's own round trip, the floor of that.
 */
async function wakeTimes(waitOrigin: string, pushOrigin: string, code: string): Promise<WakeTimes> {
  const reader = await joinTeam({ code, deviceName: 'Reader' }, waitOrigin);
  const writer = await joinTeam({ code, deviceName: 'Writer' }, pushOrigin);
  // Since 0 is answered at once with the team's revision (the team has pushed by now).
  let { rev } = await call<{ rev: number }>(waitOrigin, reader.token, '/api/changes?since=0');
  const wake: number[] = [];
  const push: number[] = [];
  for (let seq = 1; seq <= WAKES; seq += 1) {
    const waiting = call<{ rev: number }>(waitOrigin, reader.token, `/api/changes?since=${rev}`);
    // Registered at its server before the push is sent: what is timed is the wake, not the asking.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const sent = performance.now();
    await call(pushOrigin, writer.token, '/api/push', { mutations: [newDraftMutation(seq, { title: `Wake ${seq}` })] });
    push.push(performance.now() - sent);
    rev = (await waiting).rev;
    wake.push(performance.now() - sent);
  }
  return { wake, push };
}

/**
 * Capacity on PostgreSQL with one and with two server processes, two teams pushing at once (a
 * team's writes are serialised by design; an agency's load is many teams).
 */
export async function scaleBench(distDir: string): Promise<Figure[]> {
  // As a real server runs it: with fsync on, so a commit is as durable as SQLite's here.
  const postgres = await startPostgres({ durable: true });
  const data = await tempDirWith();
  const children: ChildProcess[] = [];
  try {
    let wakes: Wakes = null;
    const run = async (instances: number): Promise<number> => {
      const url = await postgres.createDatabase();
      const secret = randomSecret();
      const { db } = await openDatabase({ databaseUrl: url });
      const store = new SyncStore(db, secret);
      const teams = [await store.createTeam('One'), await store.createTeam('Two')];
      await db.destroy();
      const servers: { origin: string; child: ChildProcess }[] = [];
      for (let i = 0; i < instances; i += 1) {
        const s = await startInstance(url, secret, path.join(data.dir, `${instances}-${i}`), distDir);
        children.push(s.child);
        servers.push(s);
      }
      const t = performance.now();
      const done = await Promise.all(teams.map((team, i) => client(servers[i % servers.length]!.origin, team.code)));
      const rate = done.reduce((a, b) => a + b, 0) / ((performance.now() - t) / 1000);
      if (servers.length === 2) {
        const [a, b] = [servers[0]!.origin, servers[1]!.origin];
        wakes = { same: await wakeTimes(a, a, teams[0]!.code), other: await wakeTimes(a, b, teams[1]!.code) };
      }
      for (const s of servers) s.child.kill('SIGTERM');
      return Math.round(rate);
    };
    const one = await run(1);
    const two = await run(2);
    return [
      {
        name: 'PostgreSQL, 1 instance, 2 teams pushing (mutations/s)',
        ours: one,
        limit: Number.NaN,
        limitName: '—',
        budget: Number.POSITIVE_INFINITY,
        kind: 'at-least',
      },
      {
        name: 'PostgreSQL, 2 instances, 2 teams pushing (mutations/s)',
        ours: two,
        limit: one,
        limitName: 'one instance',
        budget: Number.POSITIVE_INFINITY,
        kind: 'at-least',
      },
      ...wakeFigures(wakes),
    ];
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await postgres.stop();
    await data.cleanup();
  }
}

/** Each push's time to the waiting request's answer, and its own round trip, in ms. */
interface WakeTimes {
  readonly wake: number[];
  readonly push: number[];
}

type Wakes = { same: WakeTimes; other: WakeTimes } | null;

/** The wake times as figures: the other instance's beside the same instance's, each beside its push. */
function wakeFigures(wakes: Wakes): Figure[] {
  if (!wakes) return [];
  const ms = (n: number): number => Math.round(n * 10) / 10;
  const spread = (values: number[]): string =>
    `${WAKES} pushes, ${ms(Math.min(...values))}–${ms(Math.max(...values))} ms`;
  return [
    {
      name: 'A teammate’s change reaching a device waiting on the same instance, PostgreSQL, median (ms)',
      ours: ms(median(wakes.same.wake)),
      limit: ms(median(wakes.same.push)),
      limitName: 'the push’s own round trip',
      budget: Number.POSITIVE_INFINITY,
      kind: 'at-most',
      notes: [`from sending the push to the waiting request’s answer; ${spread(wakes.same.wake)}`],
    },
    {
      name: 'A teammate’s change reaching a device waiting on the other instance (LISTEN/NOTIFY), median (ms)',
      ours: ms(median(wakes.other.wake)),
      limit: ms(median(wakes.same.wake)),
      limitName: 'on the same instance',
      budget: Number.POSITIVE_INFINITY,
      kind: 'at-most',
      notes: [
        `${spread(wakes.other.wake)}; the push’s own round trip ${ms(median(wakes.other.push))} ms; without LISTEN it waited for the wait’s end, up to 25 s`,
      ],
    },
  ];
}
