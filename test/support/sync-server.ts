import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../../server/app.js';
import { openDatabase, type Engine } from '../../server/db/open-database.js';
import type { Database } from '../../server/db/schema.js';
import { randomSecret } from '../../server/secrets.js';
import { SyncStore, type SyncStoreOptions } from '../../server/sync/sync-store.js';
import { startPostgres, type TestPostgres } from './postgres.js';
import { tempDirWith } from './temp-dir.js';

export interface SyncServer {
  readonly app: FastifyInstance;
  readonly store: SyncStore;
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  close(): Promise<void>;
}

/** Where each engine's databases come from in a test file: a temp folder, or a throwaway cluster. */
export class EngineHost {
  private _postgres: TestPostgres | undefined;
  private readonly _cleanups: (() => Promise<void>)[] = [];

  constructor(readonly engine: Engine) {}

  /** A sync server (fastify app, not listening) on a fresh, empty database of this engine. */
  async server(
    distDir = 'dist',
    rateLimits?: { joinPerMinute: number; apiPerMinute: number },
    storeOptions?: SyncStoreOptions,
  ): Promise<SyncServer> {
    let opened;
    if (this.engine === 'postgres') {
      this._postgres ??= await startPostgres();
      opened = await openDatabase({ databaseUrl: await this._postgres.createDatabase() });
    } else {
      const dir = await tempDirWith();
      this._cleanups.push(dir.cleanup);
      opened = await openDatabase({ sqliteFile: `${dir.dir}/efk.sqlite` });
    }
    const store = new SyncStore(opened.db, randomSecret(), storeOptions);
    // Handed over once it hears other instances' changes (PostgreSQL): its first LISTEN has every
    // wait held before then look again at once, and a test's waits would be answered early.
    let listening: Promise<void> | undefined;
    const { listen } = opened;
    const app = await buildApp({
      distDir,
      sync: {
        store,
        publicUrl: 'http://kit.test',
        rateLimits,
        listen:
          listen &&
          ((channel, handlers) => {
            let heard = (): void => undefined;
            listening = new Promise((resolve) => (heard = resolve));
            return listen(channel, {
              ...handlers,
              onListening: () => {
                handlers.onListening?.();
                heard();
              },
            });
          }),
      },
    });
    await listening;
    return {
      app,
      store,
      db: opened.db,
      engine: opened.engine,
      close: async () => {
        await app.close();
        await opened.db.destroy();
      },
    };
  }

  async stop(): Promise<void> {
    for (const cleanup of this._cleanups.splice(0)) await cleanup();
    await this._postgres?.stop();
  }
}
