import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { AdminLog } from '../../server/admin-log.js';
import { buildApp } from '../../server/app.js';
import { openDatabase } from '../../server/db/open-database.js';
import { backupSqlite, restoreSqlite } from '../../server/db/sqlite-backup.js';
import { randomSecret } from '../../server/secrets.js';
import { SyncStore } from '../../server/sync/sync-store.js';
import { ROOT } from '../support/build-app.js';
import { tempDirWith } from '../support/temp-dir.js';
import { writeLoad } from '../support/write-load.js';

/**
 * Every row of every table, in a stable order: two databases with equal dumps hold the same data.
 * Teams' histories aside: a restore names them anew (see histories), from the backup's revision.
 */
function dump(file: string): string {
  const db = new SQLite(file, { readonly: true });
  try {
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
    ).map((t) => t.name);
    return JSON.stringify(
      tables.map((t) => [
        t,
        (db.prepare(`SELECT * FROM "${t}" ORDER BY 1, 2`).all() as Record<string, unknown>[]).map((row) =>
          t === 'teams' ? { ...row, history: undefined, history_from: undefined } : row,
        ),
      ]),
    );
  } finally {
    db.close();
  }
}

/** Each team's history, by team id. */
function histories(file: string): Map<string, string> {
  const db = new SQLite(file, { readonly: true });
  try {
    return new Map(
      (db.prepare('SELECT id, history FROM teams').all() as { id: string; history: string }[]).map((t) => [
        t.id,
        t.history,
      ]),
    );
  } finally {
    db.close();
  }
}

describe('SQLite backup and restore', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups) await c();
  });

  it('backs up under write load, and restores to an identical, consistent database', async () => {
    const dir = await tempDirWith({ 'dist/index.html': '<!doctype html>' });
    cleanups.push(dir.cleanup);
    const live = path.join(dir.dir, 'efk.sqlite');
    const { db } = await openDatabase({ sqliteFile: live });
    const store = new SyncStore(db, randomSecret());
    const team = await store.createTeam('Backup team');
    // Writing flat out, far past a device's request limit.
    const app = await buildApp({
      distDir: path.join(dir.dir, 'dist'),
      sync: { store, rateLimits: { joinPerMinute: 30, apiPerMinute: 1e6 } },
    });
    const { token } = (
      await app.inject({ method: 'POST', url: '/api/join', payload: { code: team.code, deviceName: 'W' } })
    ).json<{ token: string }>();

    const load = writeLoad(app, token);
    await new Promise((r) => setTimeout(r, 150));
    const backup = path.join(dir.dir, 'backups', 'snapshot.sqlite');
    await backupSqlite(live, backup);
    await new Promise((r) => setTimeout(r, 100));
    const seq = await load.stop();
    await app.close();
    await db.destroy();

    // The snapshot is consistent: every applied mutation has its draft and field, and nothing more.
    const snap = new SQLite(backup, { readonly: true });
    const applied = (snap.prepare('SELECT COUNT(*) AS n FROM applied_mutations').get() as { n: number }).n;
    const drafts = (snap.prepare('SELECT COUNT(*) AS n FROM drafts').get() as { n: number }).n;
    const rev = (snap.prepare('SELECT rev FROM teams').get() as { rev: number }).rev;
    snap.close();
    assert.ok(applied > 0, 'writes happened before the backup');
    assert.ok(applied < seq, 'writes went on during and after the backup');
    assert.equal(drafts, applied);
    assert.equal(rev, applied);

    const restored = path.join(dir.dir, 'restored.sqlite');
    await restoreSqlite(backup, restored);
    assert.equal(dump(restored), dump(backup));
    // Devices that synced after the backup hold revisions the restored database never gave: a new
    // history tells them to send again what it lost.
    const [old, renamed] = [histories(backup), histories(restored)];
    assert.equal(renamed.size, 1);
    assert.ok(renamed.get(team.id), 'the team has a history');
    assert.notEqual(renamed.get(team.id), old.get(team.id), 'named anew by the restore');
    const from = new SQLite(restored, { readonly: true });
    const { history_from: historyFrom } = from.prepare('SELECT history_from FROM teams').get() as {
      history_from: number;
    };
    from.close();
    assert.equal(historyFrom, rev, 'beginning at the backup’s revision: revisions up to it are the same as before');

    // Restoring over an existing database keeps the replaced one beside it.
    const { kept } = await restoreSqlite(backup, live);
    assert.ok(kept);
    assert.equal(dump(live), dump(backup));
    assert.notEqual(dump(kept), dump(backup), 'the replaced database had the later writes');
  });

  it('lists the backups there are, newest first, when asked to restore without naming one', async () => {
    const dir = await tempDirWith({
      'backups/efk-auto-2026-11-26T00-00-00-000Z.sqlite': 'older',
      'backups/efk-2026-11-27T09-30-00-000Z.sqlite': 'made by hand, newer',
    });
    cleanups.push(dir.cleanup);
    const older = path.join(dir.dir, 'backups/efk-auto-2026-11-26T00-00-00-000Z.sqlite');
    await utimes(older, new Date('2026-11-26T00:00:00Z'), new Date('2026-11-26T00:00:00Z'));
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/backup-cli.ts'), 'restore'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dir.dir, DATABASE_URL: '' },
      encoding: 'utf8',
    });
    assert.equal(r.status, 1);
    const lines = r.stderr.split('\n');
    assert.match(lines[0]!, /^Name the backup to restore: npm run restore -- <file>$/);
    assert.match(lines[1]!, /^Backups in .+backups, newest first:$/);
    assert.match(lines[2]!, /efk-2026-11-27T09-30-00-000Z\.sqlite {2}\(made \d{4}-/);
    assert.match(lines[3]!, /efk-auto-2026-11-26T00-00-00-000Z\.sqlite {2}\(made 2026-11-26T00:00:00\.000Z, 0\.0 MB\)/);
  });

  it('backs up into BACKUP_DIR, another disk, and lists the backups there; a BACKUP_DIR not there is said, and not made', async () => {
    const data = await tempDirWith();
    cleanups.push(data.cleanup);
    const { db } = await openDatabase({ sqliteFile: path.join(data.dir, 'efk.sqlite') });
    await new SyncStore(db, randomSecret()).createTeam('Backed up elsewhere');
    await db.destroy();
    const other = await mkdtemp('/dev/shm/efk-backups-');
    cleanups.push(() => rm(other, { recursive: true, force: true }));
    const cli = (args: string[], backupDir: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server/backup-cli.ts'), ...args], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: data.dir, BACKUP_DIR: backupDir, DATABASE_URL: '' },
        encoding: 'utf8',
      });

    const made = cli(['backup'], other);
    assert.equal(made.status, 0, made.stderr);
    const [file, ...more] = await readdir(other);
    assert.match(file!, /^efk-\d{4}-.+\.sqlite$/);
    assert.deepEqual(more, []);
    assert.match(made.stdout, new RegExp(`to ${path.join(other, file!).replaceAll('.', '\\.')} \\(`));
    assert.equal(histories(path.join(other, file!)).size, 1, 'the team is in the backup');
    const listed = cli(['restore'], other);
    assert.match(
      listed.stderr,
      new RegExp(`^Backups in ${other}, newest first:\n {2}${path.join(other, file!)} `, 'm'),
    );

    // Restored through the CLI: the restore is in the administrators' record of the database restored.
    const restored = cli(['restore', path.join(other, file!)], other);
    assert.equal(restored.status, 0, restored.stderr);
    const { db: back } = await openDatabase({ sqliteFile: path.join(data.dir, 'efk.sqlite') });
    const [latest] = await new AdminLog(back).latest(1);
    await back.destroy();
    assert.equal(latest?.action, 'restore');
    assert.match(
      latest!.detail,
      new RegExp(`^restored from ${path.join(other, file!)}; the database it replaced kept as `),
    );

    const missing = path.join(data.dir, 'unmounted');
    const refused = cli(['backup'], missing);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, new RegExp(`^BACKUP_DIR ${missing} is not a folder\\. The server does not make it`));
    await assert.rejects(stat(missing), { code: 'ENOENT' });
  });

  it('refuses to restore a file that is not a kit database, changing nothing', async () => {
    const dir = await tempDirWith({ 'junk.sqlite': 'this is not a database' });
    cleanups.push(dir.cleanup);
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'server/backup-cli.ts'), 'restore', path.join(dir.dir, 'junk.sqlite')],
      {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: dir.dir, DATABASE_URL: '' },
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 1);
    assert.match(r.stderr, /file is not a database|not an Engagement Field Kit database|damaged/);
  });
});
