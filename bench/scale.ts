import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { openDatabase } from '../server/db/open-database.js';
import { randomSecret } from '../server/secrets.js';
import { SyncStore } from '../server/sync/sync-store.js';
import { joinTeam } from '../src/sync/sync-transport.js';
import { startPostgres } from '../test/support/postgres.js';
import { tempDirWith } from '../test/support/temp-dir.js';
import type { Figure } from './figure.js';
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

async function client(origin: string, code: string): Promise<number> {
  const { token } = await joinTeam({ code, deviceName: 'Bench' }, origin);
  let seq = 0;
  for (let i = 0; i < PER_CLIENT; i += BATCH) {
    const mutations = Array.from({ length: BATCH }, () => newDraftMutation(++seq, { title: `Draft ${seq}` }));
    const res = await fetch(`${origin}/api/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mutations }),
    });
    if (!res.ok) throw new Error(`push ${res.status}`);
  }
  return PER_CLIENT;
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
    ];
  } finally {
    for (const c of children) c.kill('SIGKILL');
    await postgres.stop();
    await data.cleanup();
  }
}
