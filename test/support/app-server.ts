import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../../server/app.js';
import { openDatabase } from '../../server/db/open-database.js';
import type { Database } from '../../server/db/schema.js';
import { randomSecret } from '../../server/secrets.js';
import { joinLink } from '../../server/sync/join-link.js';
import { SyncStore } from '../../server/sync/sync-store.js';
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
  /** Largest request body the server takes (default: the server's own). */
  { bodyLimit }: { readonly bodyLimit?: number } = {},
): Promise<RunningServer & { joinLink: string; store: SyncStore; db: Kysely<Database> }> {
  const data = await tempDirWith();
  const { db } = await openDatabase({ sqliteFile: path.join(data.dir, 'efk.sqlite') });
  const store = new SyncStore(db, randomSecret());
  const team = await store.createTeam('Riverside team');
  const app = await buildApp({ distDir, sync: { store }, ...(bodyLimit ? { bodyLimit } : {}) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const origin = `http://127.0.0.1:${port}`;
  return {
    app,
    port,
    origin,
    store,
    db,
    joinLink: joinLink(origin, team.code),
    close: async () => {
      await app.close();
      await db.destroy();
      await data.cleanup();
    },
  };
}
