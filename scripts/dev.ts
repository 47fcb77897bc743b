// `npm run dev`: rebuilds on every change to the app, the service worker or the content, and
// serves the result with the sync API, as `npm start` does. Reload the page to see a change
// (the service worker offers the new version through its update banner).
import path from 'node:path';
import { watch, type RollupOptions } from 'rollup';
import { loadConfigFile } from 'rollup/loadConfigFile';
import { buildApp } from '../server/app.js';
import { openDatabase } from '../server/db/open-database.js';
import { readServerConfig, sqliteFileOf } from '../server/server-config.js';
import { serverSecret } from '../server/server-secret.js';
import { joinLink } from '../server/sync/join-link.js';
import { SyncStore } from '../server/sync/sync-store.js';
import { build, outDir } from './build.js';

const config = readServerConfig();
await build();
const { options, warnings } = await loadConfigFile(path.resolve('rollup.config.mjs'), {});
warnings.flush();
const watcher = watch(options.map((o): RollupOptions => ({ ...o, watch: { clearScreen: false } })));
watcher.on('event', (event) => {
  if (event.code === 'BUNDLE_END') {
    console.log(`Rebuilt ${String(event.input)} in ${event.duration} ms`);
    void event.result.close();
  }
  if (event.code === 'ERROR') {
    console.error(event.error.message);
    void event.result?.close();
  }
});

const { db } = await openDatabase({
  databaseUrl: config.databaseUrl,
  sqliteFile: sqliteFileOf(config),
});
const store = new SyncStore(db, await serverSecret(config.dataDir, config.secret));
const team = (await store.firstTeam()) ?? (await store.createTeam('Field team'));
const app = await buildApp({
  distDir: outDir(),
  logger: { level: config.logLevel },
  sync: { store, publicUrl: config.publicUrl },
  basePath: config.basePath,
});
await app.listen({ host: config.host, port: config.port });
const { port } = app.server.address() as { port: number };
console.log(
  `Engagement Field Kit (watching for changes) is running at http://${config.host}:${port}${config.basePath}/`,
);
console.log(
  `Join link: ${joinLink(config.publicUrl ?? `http://${config.host}:${port}`, (await store.joinCodeOf(team.id))!)}`,
);

const stop = async (): Promise<void> => {
  await watcher.close();
  await app.close();
  await db.destroy();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
