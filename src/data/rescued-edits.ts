import type { FieldValue } from '../content/worksheet.js';
import type { JournalEntry } from './db.js';
import type { TypedFrom } from './draft.js';

/** What of localStorage this uses; named here, since a service worker's types have no `Storage`. */
interface PageStorage {
  readonly length: number;
  key(index: number): string | null;
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A rescued edit as read back, with the key to drop it by once it is applied. */
export interface RescuedEntry extends JournalEntry {
  readonly key: string;
}

function isEntry(value: unknown): value is JournalEntry {
  if (typeof value !== 'object' || value === null) return false;
  const { draftId, fields, at } = value as Record<string, unknown>;
  return (
    typeof draftId === 'string' &&
    typeof at === 'number' &&
    Number.isFinite(at) &&
    typeof fields === 'object' &&
    fields !== null &&
    !Array.isArray(fields) &&
    Object.values(fields).every((v) => typeof v === 'string' || Array.isArray(v))
  );
}

function isTypedFrom(value: unknown): value is TypedFrom {
  if (typeof value !== 'object' || value === null) return false;
  const { rev, sawConflict } = value as Record<string, unknown>;
  return typeof rev === 'number' && Number.isSafeInteger(rev) && typeof sawConflict === 'boolean';
}

/**
 * Where the typing of each field began, as far as it can be read back: a field whose record is
 * garbled keeps its words all the same, only without it.
 */
function typedOf(value: unknown): Record<string, TypedFrom> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, from]) => isTypedFrom(from)));
}

/**
 * Edits a closing page also writes to its localStorage, beside the journal in IndexedDB. On a full
 * disk the journal's write fails after the page is gone, with nobody left to tell; localStorage is
 * written at once, in a small store of its own that Chromium keeps apart from IndexedDB's quota.
 * Each entry has a key of its own, so tabs closing together never overwrite each other's.
 * Pages only: a service worker has no localStorage, and `forDatabase` gives null there.
 */
export class RescuedEdits {
  private constructor(
    private readonly storage: PageStorage,
    private readonly prefix: string,
  ) {}

  /** The rescued edits of the drafts database `name`; null where there is no localStorage. */
  static forDatabase(name: string): RescuedEdits | null {
    try {
      // Reading the property throws where storage is blocked, and there is none in a worker.
      const storage = (globalThis as { localStorage?: PageStorage }).localStorage;
      return storage ? new RescuedEdits(storage, `${name}:unsaved:`) : null;
    } catch {
      return null;
    }
  }

  /**
   * Keeps `fields` of a draft as edited at `at`, with where their typing began (`typed`: without
   * it, a teammate's answer that reached the device meanwhile would be replaced unseen at the
   * merge); its key, or null when even this store is full or blocked.
   */
  keep(
    draftId: string,
    fields: Readonly<Record<string, FieldValue>>,
    at: number,
    typed: Readonly<Record<string, TypedFrom>> = {},
  ): string | null {
    const key = `${this.prefix}${crypto.randomUUID()}`;
    try {
      this.storage.setItem(
        key,
        JSON.stringify({ draftId, fields, at, ...(Object.keys(typed).length ? { typed } : {}) }),
      );
      return key;
    } catch {
      return null;
    }
  }

  /** Every rescued edit; one that cannot be read back (changed by hand, cut short) is dropped. */
  all(): RescuedEntry[] {
    const entries: RescuedEntry[] = [];
    for (const key of this._keys()) {
      let value: unknown;
      try {
        value = JSON.parse(this.storage.getItem(key) ?? '');
      } catch {
        value = undefined;
      }
      if (isEntry(value)) {
        const typed = typedOf(value.typed);
        entries.push({
          key,
          draftId: value.draftId,
          fields: value.fields,
          at: value.at,
          ...(Object.keys(typed).length ? { typed } : {}),
        });
      } else this.storage.removeItem(key);
    }
    return entries;
  }

  drop(keys: readonly string[]): void {
    for (const key of keys) this.storage.removeItem(key);
  }

  clear(): void {
    this.drop(this._keys());
  }

  private _keys(): string[] {
    const keys: string[] = [];
    for (let i = 0; i < this.storage.length; i++) {
      const key = this.storage.key(i);
      if (key?.startsWith(this.prefix)) keys.push(key);
    }
    return keys;
  }
}
