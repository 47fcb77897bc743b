import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../../server/app.js';
import { openDatabase } from '../../server/db/open-database.js';
import type { Database } from '../../server/db/schema.js';
import { randomSecret } from '../../server/secrets.js';
import { joinLink } from '../../server/sync/join-link.js';
import { SyncStore } from '../../server/sync/sync-store.js';
import { freePort } from './free-port.js';
import { tempDirWith } from './temp-dir.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves a built app on 127.0.0.1 (a free port unless one is given); the caller stops it. */
export async function startServer(distDir: string, port = 0): Promise<RunningServer> {
  const app = await buildApp({ distDir });
  await app.listen({ host: '127.0.0.1', port });
  const actual = (app.server.address() as { port: number }).port;
  return { app, port: actual, origin: `http://127.0.0.1:${actual}`, close: () => app.close() };
}

/** Serves a built app with the sync API on a fresh SQLite database, and one team to join. */
export async function startSyncServer(
  distDir: string,
  {
    bodyLimit,
    basePath = '',
  }: {
    /** Largest request body the server takes (default: the server's own). */
    readonly bodyLimit?: number;
    /** The path the kit is served under, as PUBLIC_URL's (default: the root). */
    readonly basePath?: string;
  } = {},
): Promise<RunningServer & { joinLink: string; store: SyncStore; db: Kysely<Database>; kit: string }> {
  const data = await tempDirWith();
  const { db } = await openDatabase({ sqliteFile: path.join(data.dir, 'efk.sqlite') });
  const store = new SyncStore(db, randomSecret());
  const team = await store.createTeam('Riverside team');
  // Under a path, its PUBLIC_URL names the port, chosen first.
  const chosen = basePath ? await freePort() : 0;
  const publicUrl = basePath ? `http://127.0.0.1:${chosen}${basePath}` : undefined;
  const app = await buildApp({ distDir, sync: { store, publicUrl }, basePath, ...(bodyLimit ? { bodyLimit } : {}) });
  await app.listen({ host: '127.0.0.1', port: chosen });
  const port = (app.server.address() as { port: number }).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    app,
    port,
    origin,
    kit: `${origin}${basePath}`,
    store,
    db,
    joinLink: joinLink(`${origin}${basePath}`, team.code),
    close: async () => {
      await app.close();
      await db.destroy();
      await data.cleanup();
    },
  };
}
