import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../../server/db/open-database.js';
import { randomSecret } from '../../server/secrets.js';
import { readServerConfig } from '../../server/server-config.js';
import { DELETED_KEEP_DAYS } from '../../server/sync/erase-deleted.js';
import { FORGET_GRACE_MS } from '../../server/sync/forget-settled.js';
import { SyncStore } from '../../server/sync/sync-store.js';
import { ROOT, builtApp } from '../support/build-app.js';
import { tempDirWith } from '../support/temp-dir.js';

describe('npm start', () => {
  let distDir: string;
  let cleanup: () => Promise<void>;
  before(async () => {
    const out = await builtApp();
    cleanup = out.cleanup;
    distDir = out.dir;
  });
  after(() => cleanup?.());

  /** `npm start`'s server, on 127.0.0.1 and a port of its choosing, keeping its data in `dataDir`. */
  function startServer(dataDir: string, env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
    return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'warn',
        EFK_OUT_DIR: distDir,
        DATA_DIR: dataDir,
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  }

  it('prints its URL and a join link, serves the app there, and stops cleanly on SIGTERM', async () => {
    const data = await tempDirWith();
    after(() => data.cleanup());
    const start = () => startServer(data.dir);
    const child = start();
    after(() => void child.kill('SIGKILL'));
    let output = '';
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString();
        const m = /Engagement Field Kit is running at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
        if (m && /Join link: /.test(output)) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`server exited early:\n${output}`)));
    });
    assert.doesNotMatch(output, /Building the app/, 'a fresh dist/ is not rebuilt');
    const res = await fetch(new URL('/guide/social-media', url));
    assert.equal(res.status, 200);
    const { version } = (await (await fetch(new URL('/health', url))).json()) as { version: string };
    assert.match(
      output,
      new RegExp(
        `running at ${url.replaceAll('.', '\\.')} \\(SQLite, version ${version.replaceAll('.', '\\.').replace('+', '\\+')}\\)`,
      ),
    );
    assert.match(await res.text(), /<app-shell>/);
    // The embedded database backs itself up as the server starts (none there yet), then daily.
    const backups = path.join(data.dir, 'backups');
    assert.match(
      output,
      new RegExp(
        `^Backups: ${backups.replaceAll('.', '\\.')}, every 24 h, the newest 7 kept\\. They share the database’s disk, and a fault of that disk loses both: copy them off the machine, or set BACKUP_DIR to a folder on another disk\\.$`,
        'm',
      ),
    );
    for (let tries = 0; !(await readdir(backups).catch(() => [])).some((f) => f.startsWith('efk-auto-')); tries += 1) {
      assert.ok(tries < 100, `a backup in ${backups}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, output);
    assert.match(output, /SIGTERM: finishing open requests, then stopping/);
    const link = /^Join link: (http:\/\/127\.0\.0\.1:(\d+)\/join#([A-Za-z0-9_-]{40,}))$/m.exec(output);
    assert.ok(link, `a line exactly "Join link: http://HOST:PORT/join#CODE" in:\n${output}`);
    assert.equal(`${link[1]!.split('/join')[0]}/`, url);

    // The same link on every start, for that first team.
    const again = start();
    after(() => void again.kill('SIGKILL'));
    let second = '';
    await new Promise<void>((resolve) => {
      again.stdout.on('data', (d: Buffer) => {
        second += d.toString();
        if (/Join link: /.test(second)) resolve();
      });
    });
    again.kill('SIGTERM');
    await once(again, 'exit');
    assert.equal(/join#([A-Za-z0-9_-]+)/.exec(second)![1], link[3]);
  });
  it('backs up into BACKUP_DIR on another disk, and will not start while that folder is not there', async () => {
    const data = await tempDirWith();
    after(() => data.cleanup());
    const backups = path.join(await mkdtemp('/dev/shm/efk-mount-'), 'backup-disk');
    after(() => rm(path.dirname(backups), { recursive: true, force: true }));

    // The backup disk not mounted: said, and nothing served, rather than backups on the wrong disk.
    const refused = startServer(data.dir, { BACKUP_DIR: backups });
    after(() => void refused.kill('SIGKILL'));
    let said = '';
    refused.stderr.on('data', (d: Buffer) => (said += d.toString()));
    const [code] = (await once(refused, 'exit')) as [number | null];
    assert.equal(code, 1);
    assert.match(said, new RegExp(`^Configuration error: BACKUP_DIR ${backups} is not a folder\\.`, 'm'));
    await assert.rejects(stat(backups), { code: 'ENOENT' });

    await mkdir(backups);
    const child = startServer(data.dir, { BACKUP_DIR: backups });
    after(() => void child.kill('SIGKILL'));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString();
        if (/^Backups: /m.test(output)) resolve();
      });
      child.on('exit', () => reject(new Error(`server exited early:\n${output}`)));
    });
    assert.match(
      output,
      new RegExp(`^Backups: ${backups}, every 24 h, the newest 7 kept\\.$`, 'm'),
      'no word of one disk',
    );
    for (let tries = 0; !(await readdir(backups)).some((f) => f.startsWith('efk-auto-')); tries += 1) {
      assert.ok(tries < 100, `a backup in ${backups}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepEqual(await readdir(data.dir).then((names) => names.filter((n) => n === 'backups')), []);
    child.kill('SIGTERM');
    await once(child, 'exit');
  });

  it('warns in its log when a device shows that the database went back in time (restored with no one saying so)', async () => {
    const data = await tempDirWith();
    after(() => data.cleanup());
    const child = startServer(data.dir);
    after(() => void child.kill('SIGKILL'));
    let output = '';
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const [url, code] = await new Promise<[string, string]>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString();
        const m = /running at (http:\/\/127\.0\.0\.1:\d+\/)[^]*Join link: \S+#([A-Za-z0-9_-]+)/.exec(output);
        if (m) resolve([m[1]!, m[2]!]);
      });
      child.on('exit', () => reject(new Error(`server exited early:\n${output}`)));
    });
    const joined = await fetch(new URL('/api/join', url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code, deviceName: 'Phone' }),
    });
    const { token } = (await joined.json()) as { token: string };
    const pulled = await fetch(new URL('/api/pull?since=999', url), { headers: { authorization: `Bearer ${token}` } });
    assert.equal(pulled.status, 200);
    const until = Date.now() + 10_000;
    while (!/went back in time/.test(output) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const line = output.split('\n').find((l) => l.includes('went back in time'));
    assert.ok(line, `a warning in:\n${output}`);
    assert.deepEqual(
      { level: (JSON.parse(line) as { level: number }).level, since: (JSON.parse(line) as { since: number }).since },
      { level: 40, since: 999 },
    );
    child.kill('SIGTERM');
    await once(child, 'exit');
  });

  it('forgets, once started, the records of changes their devices settled more than a day ago, and erases drafts deleted over 30 days ago', async () => {
    const data = await tempDirWith();
    after(() => data.cleanup());
    const sqliteFile = path.join(data.dir, 'efk.sqlite');
    const seeded = await openDatabase({ sqliteFile });
    const store = new SyncStore(seeded.db, randomSecret());
    const team = await store.createTeam('Seeded team');
    const { device } = (await store.join(team.code, 'Old phone'))!;
    const old = Date.now() - FORGET_GRACE_MS - 60_000;
    await seeded.db
      .insertInto('applied_mutations')
      .values([1, 2, 3].map((seq) => ({ device_id: device.id, seq, result: '{}', applied_at: old })))
      .execute();
    await seeded.db.updateTable('devices').set({ settled_below: 3 }).where('id', '=', device.id).execute();
    const deletedAt = Date.now() - DELETED_KEEP_DAYS * 24 * 60 * 60 * 1000 - 60_000;
    const draft = {
      team_id: team.id,
      worksheet_id: 'engagement-strategy',
      worksheet_version: 1,
      created_at: 1,
      rev: 1,
    };
    await seeded.db
      .insertInto('drafts')
      .values([
        { ...draft, id: 'deleted-long-ago', deleted_at: deletedAt, note: null, erased_at: null },
        { ...draft, id: 'live', deleted_at: null, note: null, erased_at: null },
      ])
      .execute();
    const field = { team_id: team.id, key: 'title', value: '"Hall meeting"', rev: 1, changed_at: 1, conflict: null };
    await seeded.db
      .insertInto('draft_fields')
      .values([
        { ...field, draft_id: 'deleted-long-ago', changed_by: device.id },
        { ...field, draft_id: 'live', changed_by: device.id },
      ])
      .execute();
    await seeded.db.destroy();

    const child = startServer(data.dir);
    after(() => void child.kill('SIGKILL'));
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const watching = await openDatabase({ sqliteFile });
    after(() => watching.db.destroy());
    const left = async (): Promise<number[]> =>
      (await watching.db.selectFrom('applied_mutations').select('seq').orderBy('seq').execute()).map((r) =>
        Number(r.seq),
      );
    const until = Date.now() + 20_000;
    while ((await left()).length !== 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await left(), [3], `seqs 1 and 2 forgotten, 3 (not settled) kept:\n${output}`);
    const answered = async (): Promise<string[]> =>
      (await watching.db.selectFrom('draft_fields').select('draft_id').execute()).map((r) => r.draft_id);
    while ((await answered()).length !== 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await answered(), ['live'], `the long-deleted draft's answers erased:\n${output}`);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0, output);
  });
});

describe('server settings', () => {
  it('defaults to 127.0.0.1:8080', () => {
    const config = readServerConfig({});
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8080);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.databaseUrl, undefined, 'SQLite unless DATABASE_URL is set');
    assert.equal(config.databaseListenUrl, undefined, 'listening through DATABASE_URL unless told otherwise');
    assert.match(config.dataDir, /\/data$/);
  });

  it('names a bad variable', () => {
    assert.throws(
      () => readServerConfig({ PORT: 'eighty' }),
      /PORT must be a whole number from 0 to 65535, got "eighty"/,
    );
    assert.throws(() => readServerConfig({ PORT: '70000' }), /PORT/);
    assert.throws(() => readServerConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL must be one of/);
    assert.throws(() => readServerConfig({ DATABASE_URL: 'mysql://x' }), /DATABASE_URL must be a PostgreSQL URL/);
    assert.throws(
      () => readServerConfig({ DATABASE_LISTEN_URL: 'postgres://db/efk' }),
      /DATABASE_LISTEN_URL is for PostgreSQL: set DATABASE_URL too/,
    );
    assert.throws(
      () => readServerConfig({ DATABASE_URL: 'postgres://pooler/efk', DATABASE_LISTEN_URL: 'db:5432' }),
      /DATABASE_LISTEN_URL must be a PostgreSQL URL/,
    );
    assert.throws(() => readServerConfig({ PUBLIC_URL: 'kit.example' }), /PUBLIC_URL must be an http/);
    for (const url of ['https://agency.example.gov.au/field kit', 'https://agency.example.gov.au/kit?x=1'])
      assert.throws(
        () => readServerConfig({ PUBLIC_URL: url }),
        /PUBLIC_URL must be an address with at most a plain path/,
      );
    assert.equal(
      readServerConfig({ PUBLIC_URL: 'https://fieldkit.example.gov.au/' }).publicUrl,
      'https://fieldkit.example.gov.au/',
    );
    assert.equal(readServerConfig({ PUBLIC_URL: 'https://fieldkit.example.gov.au/' }).basePath, '');
    // Behind an agency's proxy, under a path of a host it shares: the kit is served under it.
    assert.equal(
      readServerConfig({ PUBLIC_URL: 'https://apps.example.gov.au/engage/field-kit/' }).basePath,
      '/engage/field-kit',
    );
  });
});
