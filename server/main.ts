import { readFile } from 'node:fs/promises';
import type { FastifyBaseLogger } from 'fastify';
import { build, isBuildStale, outDir } from '../scripts/build.js';
import { buildApp } from './app.js';
import { BuildVersion } from './build-version.js';
import { ServerMetrics } from './metrics.js';
import { DatabaseOpenError } from './db/database-open-error.js';
import { backupsPlace, checkBackupsPlace, type BackupsPlace } from './db/backups-place.js';
import { backUpIfDue } from './db/scheduled-backup.js';
import { openDatabase } from './db/open-database.js';
import { serverSecret } from './server-secret.js';
import { ConfigError, readServerConfig, sqliteFileOf } from './server-config.js';
import { eraseDeleted } from './sync/erase-deleted.js';
import { FORGET_EVERY_MS, forgetSettledEvery } from './sync/forget-settled.js';
import { runEvery } from './sync/run-every.js';
import { joinLink } from './sync/join-link.js';
import { SyncStore } from './sync/sync-store.js';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** How long the server waits at start for a PostgreSQL that cannot be reached yet. */
const DATABASE_WAIT_MS = 30_000;

async function main(): Promise<void> {
  const config = readServerConfig();
  if (await isBuildStale()) {
    console.log('Building the app (dist/ is missing or older than its sources)…');
    await build();
  }
  const metrics = new ServerMetrics();
  // The app's logger once it is built; a connection lost before then is told on stderr.
  let log: FastifyBaseLogger | undefined = undefined;
  let waits = 0;
  const { db, engine, listen } = await openDatabase({
    databaseUrl: config.databaseUrl,
    listenUrl: config.databaseListenUrl,
    sqliteFile: sqliteFileOf(config),
    onQuery: (ms, ok) => metrics.database.observe({ outcome: ok ? 'ok' : 'error' }, ms / 1000),
    onConnectionError: (error) => {
      metrics.connectionErrors.inc();
      const message = 'a database connection was lost; a new one opens when needed';
      if (log) log.warn({ err: error }, message);
      else console.error(`${message}: ${error.message}`);
    },
    // Started beside PostgreSQL (containers, a reboot), the kit waits for it rather than failing.
    waitMs: DATABASE_WAIT_MS,
    // Said once, then every ten tries (about ten seconds), not once a second.
    onWait: (reason) => {
      waits += 1;
      if (waits % 10 === 1) console.log(`Waiting for the database (${reason})…`);
    },
  });
  // Checked before serving: a BACKUP_DIR not there (a disk not mounted) stops the start, said plainly.
  const backups: BackupsPlace | null =
    engine === 'sqlite' && config.backupEveryHours > 0 ? await backupsPlace(config) : null;
  const store = new SyncStore(db, await serverSecret(config.dataDir, config.secret), {
    // A restore no one told the devices of (npm run team -- restored): they are catching up now.
    onWentBack: ({ teamId, since, rev }) =>
      log?.warn(
        { teamId, since, rev },
        'a device asked from a revision its team has not reached: the database went back in time (restored from a backup?); its devices now take the team in again and send back what it lost',
      ),
  });
  // A fresh install gets its first team, so a team lead can share a link straight away.
  const team = (await store.firstTeam()) ?? (await store.createTeam('Field team'));

  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  const scheme = config.tls ? 'https' : 'http';
  const app = await buildApp({
    distDir: outDir(),
    logger: { level: config.logLevel },
    sync: { store, publicUrl: config.publicUrl, listen },
    https: config.tls && { cert: await readFile(config.tls.certFile), key: await readFile(config.tls.keyFile) },
    trustProxy: config.trustProxy,
    bodyLimit: config.bodyLimit,
    metrics,
    metricsToken: config.metricsToken,
    ready: () => store.ping(),
    basePath: config.basePath,
  });
  log = app.log;
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const publicUrl = config.publicUrl ?? `${scheme}://${shownHost}:${port}`;
  // The version too, as /health gives it: what a deploy is checked by, beside a phone's Settings.
  const version = await new BuildVersion(outDir()).version();
  console.log(
    `Engagement Field Kit is running at ${scheme}://${shownHost}:${port}${config.basePath}/ (${engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}${version ? `, version ${version}` : ''})`,
  );
  console.log(`Join link: ${joinLink(publicUrl, (await store.joinCodeOf(team.id))!)}`);
  // Where the teams' drafts are kept safe, said where an administrator looks first.
  console.log(
    engine === 'postgres'
      ? 'Backups: PostgreSQL’s own (pg_dump; see the README).'
      : backups
        ? `Backups: ${backups.dir}, every ${config.backupEveryHours} h, the newest ${config.backupsKept} kept.${backups.sameDisk ? ' They share the database’s disk, and a fault of that disk loses both: copy them off the machine, or set BACKUP_DIR to a folder on another disk.' : ''}`
        : 'Backups: none by the server (BACKUP_EVERY_HOURS=0); schedule npm run backup.',
  );
  // Records of changes their devices have settled go, so the record of applied changes stays bounded.
  const forgetting = forgetSettledEvery(db, {
    onRun: (forgotten) => {
      metrics.forgotten.inc(forgotten);
      if (forgotten) app.log.info({ forgotten }, 'forgot the records of settled changes');
    },
    onError: (error) => {
      metrics.forgetErrors.inc();
      app.log.error({ err: error }, 'forgetting settled changes failed; trying again next run');
    },
  });

  // A deleted draft's answers go once its keeping period is over: a community's words that a team
  // deleted are not kept, nor handed to every device that joins, for as long as the team exists.
  const erasing = runEvery(() => eraseDeleted(db, { keepMs: config.deletedKeepDays * DAY_MS }), {
    everyMs: FORGET_EVERY_MS,
    onRun: (erased) => {
      metrics.erased.inc(erased);
      if (erased)
        app.log.info({ erased }, `erased the answers of drafts deleted over ${config.deletedKeepDays} days ago`);
    },
    onError: (error) => {
      metrics.eraseErrors.inc();
      app.log.error({ err: error }, 'erasing deleted drafts failed; trying again next run');
    },
  });

  // The embedded database backs itself up (DATA_DIR/backups, or BACKUP_DIR), so a kit started
  // with `npm start` is not one disk fault or mistaken `team -- delete` away from losing every
  // team's drafts.
  // Whether one is due is looked at every quarter hour (hourly, a backup due a minute after a look
  // would wait for the next, and an hourly backup come every two hours); PostgreSQL is backed up
  // by its own tools.
  const backingUp = backups
    ? runEvery(
        () =>
          backUpIfDue({
            live: sqliteFileOf(config),
            dir: backups.dir,
            check: () => checkBackupsPlace(config, backups),
            everyMs: config.backupEveryHours * HOUR_MS,
            keep: config.backupsKept,
          }),
        {
          everyMs: HOUR_MS / 4,
          onRun: ({ made, newestAt }) => {
            // From the files: a restarted server reports the backup its predecessor made.
            if (newestAt !== null) metrics.lastBackup.set(newestAt / 1000);
            if (made)
              app.log.info({ file: made.file, pages: made.pages, removed: made.removed }, 'backed up the database');
          },
          onError: (error) => {
            metrics.backupErrors.inc();
            app.log.error({ err: error }, 'backing up the database failed; trying again within the hour');
          },
        },
      )
    : null;

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) {
      console.log(`${signal} again: stopping now.`);
      process.exit(1);
    }
    closing = true;
    console.log(`${signal}: finishing open requests, then stopping…`);
    Promise.all([forgetting.stop(), erasing.stop(), backingUp?.stop()])
      .then(() => app.close())
      .then(() => db.destroy())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(
    error instanceof ConfigError
      ? `Configuration error: ${error.message}`
      : error instanceof DatabaseOpenError
        ? error.message
        : error,
  );
  process.exit(1);
});
