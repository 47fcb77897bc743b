import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../../server/app.js';
import { openDatabase } from '../../server/db/open-database.js';
import type { Database } from '../../server/db/schema.js';
import { backupSqlite, restoreSqlite } from '../../server/db/sqlite-backup.js';
import { randomSecret } from '../../server/secrets.js';
import { SyncStore } from '../../server/sync/sync-store.js';
import { TEXT_MAX } from '../../src/content/worksheet.js';
import type { Draft } from '../../src/data/draft.js';
import type { ServerDraft } from '../../src/sync/protocol.js';
import { SyncEngine } from '../../src/sync/sync-engine.js';
import { SYNC_META } from '../../src/sync/sync-meta.js';
import { SyncUnauthorizedError } from '../../src/sync/sync-errors.js';
import { FetchTransport, joinTeam } from '../../src/sync/sync-transport.js';
import { ROOT } from '../support/build-app.js';
import { freePort } from '../support/free-port.js';
import { postgresProgram, startPostgres } from '../support/postgres.js';
import { simDevice, type SimDevice } from '../support/sim-device.js';
import { tempDirWith } from '../support/temp-dir.js';

const WS = { id: 'engagement-strategy', version: 1 };

/**
 * The team's server on an SQLite file (or a PostgreSQL database, `url`), which can be stopped, have
 * its database replaced, and started again.
 */
class RestartableServer {
  private _app: FastifyInstance | undefined;
  private _db: Kysely<Database> | undefined;
  store: SyncStore | undefined;
  private readonly _secret = randomSecret();

  constructor(
    readonly file: string,
    readonly port: number,
    readonly url?: string,
  ) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const { db } = await openDatabase(this.url ? { databaseUrl: this.url } : { sqliteFile: this.file });
    const store = new SyncStore(db, this._secret);
    const app = await buildApp({
      distDir: 'dist',
      sync: { store, publicUrl: 'http://kit.test', rateLimits: { joinPerMinute: 1e6, apiPerMinute: 1e6 } },
    });
    await app.listen({ host: '127.0.0.1', port: this.port });
    [this._app, this._db, this.store] = [app, db, store];
  }

  async stop(): Promise<void> {
    await this._app?.close();
    await this._db?.destroy();
    [this._app, this._db, this.store] = [undefined, undefined, undefined];
  }

  /** Every draft of the team, as its server holds it. */
  async drafts(teamId: string): Promise<Map<string, ServerDraft>> {
    const all = new Map<string, ServerDraft>();
    for (;;) {
      const page = await this.store!.pull(teamId, Math.max(0, ...[...all.values()].map((d) => d.rev)), 100);
      for (const d of page.drafts) all.set(d.id, d);
      if (!page.more) return all;
    }
  }
}

/** A draft's answers, as values by field. */
function values(draft: Pick<Draft, 'fields'> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(draft?.fields ?? {}).map(([key, f]) => [key, f.value]));
}

/** Both devices synced until neither has anything waiting, and each holds exactly what the server does. */
async function settled(server: RestartableServer, teamId: string, devices: readonly SimDevice[]): Promise<void> {
  for (let round = 0; round < 3; round += 1) for (const d of devices) await d.engine.sync();
  const team = await server.drafts(teamId);
  for (const device of devices) {
    assert.deepEqual(await device.store.outbox(), [], `${device.name} has nothing waiting`);
    const held = new Map((await device.store.list()).map((d) => [d.id, d]));
    const live = [...team.values()].filter((d) => d.deletedAt === null);
    assert.deepEqual([...held.keys()].sort(), live.map((d) => d.id).sort(), `${device.name} holds the team’s drafts`);
    for (const d of live) {
      assert.deepEqual(values(held.get(d.id)), values(d), `${device.name}: ${d.id} as the team has it`);
      for (const [key, f] of Object.entries(d.fields)) {
        assert.equal(f.conflict, null, `no conflict made up on ${key}`);
        assert.equal(held.get(d.id)!.fields[key]!.rev, f.rev, `${device.name} holds the server’s revision of ${key}`);
      }
    }
  }
}

describe('a team’s server restored from a backup', () => {
  // The devices' clocks start a minute behind the server's: near enough that they keep their own (a
  // device far from it times its changes by the server's clock: see DraftStore.noteServerTime), and
  // far enough that a step on at every reading never takes them past it, which the server clamps.
  let clock = Date.now() - 60_000;
  const tick = (): number => (clock += 1_000);
  let dir: { dir: string; cleanup: () => Promise<void> };
  let server: RestartableServer;

  beforeEach(async () => {
    dir = await tempDirWith();
    server = new RestartableServer(path.join(dir.dir, 'efk.sqlite'), await freePort());
    await server.start();
  });
  afterEach(async () => {
    await server.stop();
    await dir.cleanup();
  });

  /**
   * Two devices of one team sync; a backup is taken; both go on (a new draft, edits of each other's
   * answers, a deletion), each hearing the other; then the backup is put back by `put`.
   */
  async function restoredAfterWork(
    put: (backup: string) => Promise<void>,
    take: (backup: string) => Promise<unknown> = (backup) => backupSqlite(server.file, backup),
  ) {
    const team = await server.store!.createTeam('Riverside team');
    const a = await simDevice('Phone A', server.origin, server.origin, team.code, tick);
    const b = await simDevice('Phone B', server.origin, server.origin, team.code, tick);
    const riverside = await a.store.create(WS, { title: 'Riverside hall' });
    await a.store.update(riverside.id, { achieve: 'Before the backup' });
    const gone = await a.store.create(WS, { title: 'Deleted after the backup' });
    for (const d of [a, b, a]) await d.engine.sync();

    const backup = path.join(dir.dir, 'backup');
    await take(backup);

    await a.store.update(riverside.id, { achieve: 'Changed by A after the backup' });
    const hillside = await a.store.create(WS, { title: 'Hillside, made after the backup' });
    await b.store.update(riverside.id, { audience: 'Added by B after the backup' });
    await b.store.remove(gone.id);
    for (const d of [a, b, a]) await d.engine.sync();
    assert.equal(values(await b.store.get(hillside.id)).title, 'Hillside, made after the backup');
    assert.equal(await a.store.meta(SYNC_META.restoreFound), undefined, 'no restore found yet');

    await server.stop();
    await put(backup);
    await server.start();
    const lost = await server.drafts(team.id);
    assert.equal(lost.has(hillside.id), false, 'the backup does not hold what came after it');
    return { team, a, b, riverside: riverside.id, hillside: hillside.id, gone: gone.id };
  }

  it('after `npm run restore`, each device sends again what the server lost, and takes in the rest, with no conflict made up', async () => {
    const { team, a, b, riverside, hillside, gone } = await restoredAfterWork(async (backup) => {
      await restoreSqlite(backup, server.file);
    });
    const restoredAt = a.store.now(); // by the devices’ clock, which their records of it keep
    // B edits before it hears of the restore: its edit must not replace a teammate's unseen.
    await b.store.update(riverside, { timing: 'B, after the restore' });
    await b.engine.sync();
    await a.engine.sync();
    assert.ok((await server.drafts(team.id)).has(hillside), 'one sync of its maker sends a lost draft again');
    await settled(server, team.id, [a, b]);

    const held = await server.drafts(team.id);
    assert.deepEqual(values(held.get(riverside)), {
      title: 'Riverside hall',
      achieve: 'Changed by A after the backup',
      audience: 'Added by B after the backup',
      timing: 'B, after the restore',
    });
    assert.equal(
      values(held.get(hillside)).title,
      'Hillside, made after the backup',
      'a draft the server lost is back',
    );
    assert.notEqual(held.get(gone)?.deletedAt ?? null, null, 'a deletion the server lost is made again');
    for (const d of [a, b]) {
      assert.equal(await d.store.meta(SYNC_META.history), (await server.store!.pull(team.id, 0, 1)).history);
      const found = Number(await d.store.meta(SYNC_META.restoreFound));
      assert.ok(
        found >= restoredAt && found <= d.store.now(),
        'each device records when it found the restore, to say so',
      );
    }
  });

  it('after pg_dump, pg_restore and `npm run team -- restored`, as the README says for PostgreSQL, the same', async () => {
    const postgres = await startPostgres();
    try {
      await server.stop();
      server = new RestartableServer('', await freePort(), await postgres.createDatabase());
      await server.start();
      const url = server.url!;
      const { team, a, b, riverside, hillside } = await restoredAfterWork(
        async (dump) => {
          execFileSync(postgresProgram('pg_restore'), ['--clean', '--if-exists', '-d', url, dump], { stdio: 'pipe' });
          const told = spawnSync(
            process.execPath,
            ['--import', 'tsx', path.join(ROOT, 'server/team-cli.ts'), 'restored'],
            {
              cwd: ROOT,
              env: { ...process.env, DATABASE_URL: url, DATA_DIR: dir.dir },
              encoding: 'utf8',
            },
          );
          assert.equal(told.status, 0, `${told.stdout}${told.stderr}`);
        },
        async (dump) => execFileSync(postgresProgram('pg_dump'), ['-Fc', '-f', dump, url], { stdio: 'pipe' }),
      );
      await settled(server, team.id, [a, b]);
      const held = await server.drafts(team.id);
      assert.equal(values(held.get(riverside)).achieve, 'Changed by A after the backup');
      assert.equal(values(held.get(riverside)).audience, 'Added by B after the backup');
      assert.equal(values(held.get(hillside)).title, 'Hillside, made after the backup');
    } finally {
      await server.stop();
      await postgres.stop();
    }
  });

  it('after a copy put back by hand, the first device ahead of the team finds it out, and every device catches up', async () => {
    const { team, a, b, riverside, hillside } = await restoredAfterWork((backup) => copyFile(backup, server.file));
    // The team's history is as it was: the server learns it went back from A, which has seen more.
    const before = (await server.store!.pull(team.id, 0, 1)).history;
    await a.engine.sync();
    assert.notEqual((await server.store!.pull(team.id, 0, 1)).history, before, 'the history is named anew');
    await b.engine.sync();
    await settled(server, team.id, [a, b]);
    const held = await server.drafts(team.id);
    assert.equal(values(held.get(riverside)).achieve, 'Changed by A after the backup');
    assert.equal(values(held.get(riverside)).audience, 'Added by B after the backup');
    assert.equal(values(held.get(hillside)).title, 'Hillside, made after the backup');
  });

  it('takes, from a device that joined after the backup and joins again, what it holds', async () => {
    const team = await server.store!.createTeam('Later team');
    const a = await simDevice('Phone A', server.origin, server.origin, team.code, tick);
    await a.store.create(WS, { title: 'Before' });
    await a.engine.sync();
    const backup = path.join(dir.dir, 'later.sqlite');
    await backupSqlite(server.file, backup);
    const c = await simDevice('Phone C', server.origin, server.origin, team.code, tick);
    const made = await c.store.create(WS, { title: 'Made by a device the backup never knew' });
    for (const d of [c, a, c]) await d.engine.sync();
    await server.stop();
    await restoreSqlite(backup, server.file);
    await server.start();

    await assert.rejects(c.engine.sync(), SyncUnauthorizedError, 'the restored server does not know it');
    // Its own team's link again, as the app joins: a new token, the pull from the start.
    const joined = await joinTeam({ code: team.code, deviceName: 'Phone C' }, server.origin);
    await c.store.setMeta(SYNC_META.token, joined.token);
    await c.store.setMeta(SYNC_META.cursor, '0');
    const rejoined = new SyncEngine(c.store, new FetchTransport(joined.token, server.origin));
    await rejoined.sync();
    await a.engine.sync();
    assert.equal(values((await server.drafts(team.id)).get(made.id)).title, 'Made by a device the backup never knew');
    assert.equal(values(await a.store.get(made.id)).title, 'Made by a device the backup never knew');
  });

  it('keeps a conflict settled after the backup settled, and an answer refused for its length refused once', async () => {
    const team = await server.store!.createTeam('Settled team');
    const a = await simDevice('Phone A', server.origin, server.origin, team.code, tick);
    const b = await simDevice('Phone B', server.origin, server.origin, team.code, tick);
    const draft = await a.store.create(WS, { title: 'Hall' });
    for (const d of [a, b]) await d.engine.sync();
    await a.store.update(draft.id, { achieve: 'A’s aim' });
    await b.store.update(draft.id, { achieve: 'B’s aim' });
    for (const d of [a, b, a]) await d.engine.sync();
    assert.ok((await a.store.get(draft.id))!.fields['achieve']!.conflict, 'a conflict, open before the backup');
    const backup = path.join(dir.dir, 'settled.sqlite');
    await backupSqlite(server.file, backup);

    await a.store.update(draft.id, { achieve: (await a.store.get(draft.id))!.fields['achieve']!.value });
    await a.store.update(draft.id, { audience: 'x'.repeat(TEXT_MAX + 1) });
    for (const d of [a, b]) await d.engine.sync();
    assert.equal((await a.store.outboxStatus()).rejected.length, 1, 'the long answer refused on the device');
    await server.stop();
    await restoreSqlite(backup, server.file);
    await server.start();

    for (let round = 0; round < 3; round += 1) for (const d of [a, b]) await d.engine.sync();
    const held = (await server.drafts(team.id)).get(draft.id)!;
    assert.equal(held.fields['achieve']!.conflict, null, 'the conflict settled on the server again');
    for (const d of [a, b]) assert.equal((await d.store.get(draft.id))!.fields['achieve']!.conflict, null, d.name);
    const { rejected, waiting } = await a.store.outboxStatus();
    assert.equal(rejected.length, 1, 'still refused once, not once more for the restore');
    assert.equal(waiting, 0);
    assert.equal(held.fields['audience'], undefined, 'and never sent');
  });

  it('sends back a change made after the backup on a phone whose clock is hours behind', async () => {
    const team = await server.store!.createTeam('Slow clock team');
    const a = await simDevice('Phone A', server.origin, server.origin, team.code, () => tick() - 5 * 60 * 60_000);
    const b = await simDevice('Phone B', server.origin, server.origin, team.code, tick);
    const draft = await b.store.create(WS, { title: 'Hall' });
    await b.store.update(draft.id, { achieve: 'B’s, before the backup' });
    for (const d of [b, a]) await d.engine.sync();
    const backup = path.join(dir.dir, 'slow.sqlite');
    await backupSqlite(server.file, backup);
    await a.store.update(draft.id, { achieve: 'A’s, after the backup, stamped hours earlier' });
    for (const d of [a, b]) await d.engine.sync();
    assert.equal(values(await b.store.get(draft.id)).achieve, 'A’s, after the backup, stamped hours earlier');
    await server.stop();
    await restoreSqlite(backup, server.file);
    await server.start();

    await settled(server, team.id, [b, a]);
    assert.equal(
      values((await server.drafts(team.id)).get(draft.id)).achieve,
      'A’s, after the backup, stamped hours earlier',
      'the team’s latest answer, as it was before the restore',
    );
  });

  it('leaves a device with no change since the backup to take in the team as it is', async () => {
    const team = await server.store!.createTeam('Quiet team');
    const a = await simDevice('Phone A', server.origin, server.origin, team.code, tick);
    const draft = await a.store.create(WS, { title: 'Before' });
    await a.engine.sync();
    const backup = path.join(dir.dir, 'quiet.sqlite');
    await backupSqlite(server.file, backup);
    await server.stop();
    await restoreSqlite(backup, server.file);
    await server.start();
    const outcome = await a.engine.sync();
    assert.equal(outcome.pushed, 0, 'nothing to send again');
    assert.deepEqual(await a.store.outbox(), []);
    assert.equal(values(await a.store.get(draft.id)).title, 'Before');
    assert.equal(
      await a.store.meta(SYNC_META.history),
      (await server.store!.pull(team.id, 0, 1)).history,
      'it has heard of the restore',
    );
  });
});
