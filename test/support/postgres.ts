import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** Creates an empty database of its own and returns its URL. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** The path of one of PostgreSQL's programs (pg_dump, pg_restore), as installed here. */
export function postgresProgram(name: string): string {
  return path.join(binDir(), name);
}

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => path.join(root, v, 'bin')).find((d) => existsSync(path.join(d, 'initdb')));
  if (!found) {
    throw new Error(
      'PostgreSQL was not found: install it (Debian/Ubuntu: "sudo apt-get install -y postgresql") or set TEST_DATABASE_URL to a server the tests may create databases on.',
    );
  }
  return found;
}

/**
 * A PostgreSQL server for one test file: the one at TEST_DATABASE_URL if given, else a throwaway
 * cluster started here on 127.0.0.1 and a free port, and removed by `stop()`. Tests run it with
 * `fsync` off (what they prove does not need the disk, and it is faster); `durable` keeps it on,
 * as a real server has it, for benchmarks that weigh a commit against SQLite's durable one.
 */
export async function startPostgres({ durable = false }: { durable?: boolean } = {}): Promise<TestPostgres> {
  const given = process.env['TEST_DATABASE_URL'];
  let adminUrl: string;
  let stopCluster = (): void => undefined;
  if (given) {
    adminUrl = given;
  } else {
    const bin = binDir();
    const dir = mkdtempSync(path.join(tmpdir(), 'efk-pg-'));
    const asRoot = process.getuid?.() === 0;
    // PostgreSQL refuses to run as root; the cluster belongs to the postgres user then.
    if (asRoot) {
      chmodSync(dir, 0o755);
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString());
      chownSync(dir, uid, gid);
    }
    const run = (cmd: string, args: string[]): void => {
      const full = [path.join(bin, cmd), ...args];
      if (asRoot)
        execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', full.map((a) => `'${a}'`).join(' ')], { stdio: 'pipe' });
      else execFileSync(full[0]!, full.slice(1), { stdio: 'pipe' });
    };
    const data = path.join(dir, 'data');
    const port = await freePort();
    run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    run('pg_ctl', [
      '-D',
      data,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${durable ? '' : ' -c fsync=off'}`,
      '-l',
      path.join(dir, 'log'),
      '-w',
      'start',
    ]);
    adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
    stopCluster = () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const created: string[] = [];
  return {
    async createDatabase() {
      const name = `efk_test_${randomBytes(6).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${name}`);
      created.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async stop() {
      if (given)
        for (const name of created)
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      stopCluster();
    },
  };
}
