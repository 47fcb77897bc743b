import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { FieldValue } from '../content/worksheet.js';
import type { Draft, FieldEdit, OutboxEntry, TypedFrom } from './draft.js';

export const DB_NAME = 'engagement-field-kit';
export const DB_VERSION = 5;

/** The database as it stands at {@link DB_VERSION}. */
export interface KitDB extends DBSchema {
  drafts: {
    key: string;
    value: Draft;
    indexes: { 'by-updated': number };
  };
  /**
   * Changes not yet acknowledged by the team's server (version 2). `by-rejected` (version 4) holds
   * only the changes the server refused: an entry without a `rejected` reason is not in it.
   */
  outbox: {
    key: number;
    value: OutboxEntry;
    indexes: { 'by-draft': string; 'by-rejected': string };
  };
  /** Small facts about this device, such as its id (version 2). */
  meta: {
    key: string;
    value: { key: string; value: string };
  };
  /**
   * Edits written in one blind request as a page goes away (version 3), when there is no time
   * left to read the draft and merge; applied to their drafts the next time the kit opens.
   */
  journal: {
    key: number;
    value: JournalEntry;
  };
  /**
   * Autosaved edits not yet folded into their drafts (version 5), one per draft and field: a later
   * edit of the same field replaces the earlier. Each is a change not yet made as far as the outbox
   * and the sync are concerned, so a version of the kit that does not know this store sees none.
   */
  edits: {
    key: [string, string];
    value: FieldEdit;
  };
}

export interface JournalEntry {
  readonly id?: number;
  readonly draftId: string;
  readonly fields: Readonly<Record<string, FieldValue>>;
  /** When the edits were made: a later change to the same field in the draft wins over them. */
  readonly at: number;
  /** For fields being typed, where the typing began (see FieldEdit.typed). */
  readonly typed?: Readonly<Record<string, TypedFrom>>;
}

type UpgradeTx = IDBPTransaction<KitDB, StoreNames<KitDB>[], 'versionchange'>;

/**
 * Each migration brings the database up from the version before it, and only adds: a migration
 * that could lose a user's draft is a bug. Never edit one that has shipped; append a new one.
 */
const MIGRATIONS: readonly ((db: IDBPDatabase<KitDB>, tx: UpgradeTx) => void)[] = [
  // 1: drafts, newest first.
  (db) => {
    const drafts = db.createObjectStore('drafts', { keyPath: 'id' });
    drafts.createIndex('by-updated', 'updatedAt');
  },
  // 2: the outbox for sync, and device facts.
  (db) => {
    const outbox = db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
    outbox.createIndex('by-draft', 'draftId');
    db.createObjectStore('meta', { keyPath: 'key' });
  },
  // 3: the journal of edits saved as a page closes.
  (db) => {
    db.createObjectStore('journal', { keyPath: 'id', autoIncrement: true });
  },
  // 4: the refused changes, found without reading every queued change.
  (_db, tx) => {
    tx.objectStore('outbox').createIndex('by-rejected', 'rejected');
  },
  // 5: autosaved edits, written without reading their draft.
  (db) => {
    db.createObjectStore('edits', { keyPath: ['draftId', 'key'] });
  },
];

/** The database could not be opened: blocked, refused, or no answer in time. */
export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

export interface OpenOptions {
  readonly name?: string;
  /** How long one attempt may take; Safari has been seen never to answer `open`. */
  readonly timeoutMs?: number;
  readonly attempts?: number;
  /** Called when the connection is lost (the browser closed it), so the owner can reopen. */
  readonly onLost?: () => void;
}

function openOnce(name: string, timeoutMs: number, onLost: () => void): Promise<IDBPDatabase<KitDB>> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const opening = openDB<KitDB>(name, DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      for (let v = oldVersion; v < MIGRATIONS.length; v += 1) MIGRATIONS[v]!(db, tx);
    },
    blocked() {
      // Another tab holds an older version open; it closes on `versionchange` (below), then this opens.
    },
    terminated: onLost,
  }).catch((error: unknown) => {
    // A newer version of the kit (in another tab, say) has upgraded the database. Migrations only
    // add, so every store and index this version uses is still there: it opens the database as it
    // is and goes on saving, rather than failing every write until the page is reloaded.
    if ((error as Error).name !== 'VersionError') throw error;
    return openDB<KitDB>(name, undefined, { terminated: onLost });
  });
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new DatabaseUnavailableError(`The device’s storage did not answer within ${timeoutMs / 1000} s.`));
      // If it answers later, close it rather than leak a second connection.
      void opening.then((db) => db.close()).catch(() => undefined);
    }, timeoutMs);
  });
  return Promise.race([opening, timeout]).then(
    (db) => {
      clearTimeout(timer);
      // Let a newer version of the kit in another tab upgrade the database.
      db.addEventListener('versionchange', () => {
        db.close();
        onLost();
      });
      return db;
    },
    (error: unknown) => {
      clearTimeout(timer);
      throw error instanceof DatabaseUnavailableError
        ? error
        : new DatabaseUnavailableError(`The device’s storage could not be opened (${String(error)}).`);
    },
  );
}

/** Opens the kit's database, upgrading it as needed, with a timeout on each attempt and retries. */
export async function openKitDb({
  name = DB_NAME,
  timeoutMs = 4_000,
  attempts = 3,
  onLost = () => undefined,
}: OpenOptions = {}): Promise<IDBPDatabase<KitDB>> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      return await openOnce(name, timeoutMs, onLost);
    } catch (error) {
      lastError = error;
      if (attempt < attempts) await new Promise((r) => setTimeout(r, 250 * attempt));
    }
  }
  throw lastError;
}

/** Test and migration support: opens at an older version with only the migrations up to it. */
export function openKitDbAtVersion(name: string, version: number): Promise<IDBPDatabase<KitDB>> {
  return openDB<KitDB>(name, version, {
    upgrade(db, oldVersion, _newVersion, tx) {
      for (let v = oldVersion; v < version; v += 1) MIGRATIONS[v]!(db, tx);
    },
  });
}
