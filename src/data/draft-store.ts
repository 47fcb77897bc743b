import type { IDBPDatabase, IDBPObjectStore } from 'idb';
import { CONTEXT_FIELDS, type ContextField, type FieldValue } from '../content/worksheet.js';
import { DB_NAME, openKitDb, type KitDB, type OpenOptions } from './db.js';
import { newDraftId } from './new-draft-id.js';
import { CLOCK_TOLERANCE_MS, untakeable, type MutationResult, type ServerDraft } from '../sync/protocol.js';
import {
  DELETED_KEEP_DAYS,
  withEdits,
  lastEdited,
  withServerRevision,
  type Draft,
  type DraftField,
  type FieldEdit,
  type TypedFrom,
  type OutboxEntry,
  type RefusedAnswers,
} from './draft.js';
import { toStorageWriteError, type StorageWriteError } from './storage-error.js';
import { RescuedEdits } from './rescued-edits.js';

/** What other tabs hear when a draft changes. */
export interface DraftChange {
  readonly draftId: string;
  /** The fields that changed; empty for a deletion or restore. */
  readonly fields: readonly string[];
  readonly kind: OutboxEntry['kind'];
}

/** A change made by this store, told to its own listeners (the sync engine's trigger). */
export interface LocalChange extends DraftChange {
  /**
   * How it reached the outbox: stored and queued at once (`queued`), or as a blind edit not in it
   * yet (`edited`), then with the draft's other such edits as one change (`folded`). A fold adds
   * nothing to send, its edits having been told as they were made; it is told so changes can be
   * counted as the outbox holds them. `editing`: an edit begun and still only in the page's memory
   * (see {@link DraftStore.editing}); nothing is stored yet.
   */
  readonly step: 'editing' | 'queued' | 'edited' | 'folded';
}

export interface WorksheetRef {
  readonly id: string;
  readonly version: number;
}

export interface DraftStoreOptions extends OpenOptions {
  /** BroadcastChannel name; tests give each store its own. */
  readonly channelName?: string;
  /** Clock, for tests of ordering. */
  readonly now?: () => number;
}

const DEVICE_KEY = 'device-id';
/**
 * How long after the last blind edit its fold waits: long enough that an autosave while typing
 * goes on never queues behind one, short enough that the outbox soon shows the change.
 */
const FOLD_AFTER_MS = 1_000;
/**
 * Counts the writes to drafts that leave no outbox entry (acknowledgements and pulls), with the
 * last writer: `"<count> <writer>"`.
 */
const SYNC_WRITES = 'sync-writes';

function parseSyncWrites(value: string | undefined): { count: number; writer: string } {
  const [count, writer] = (value ?? '0 ').split(' ');
  return { count: Number(count) || 0, writer: writer ?? '' };
}

/** Counts one more sync write by `writer`, in the writing transaction; returns the count before it. */
async function countSyncWrite(
  meta: IDBPObjectStore<KitDB, WriteStores, 'meta', 'readwrite'>,
  writer: string,
): Promise<{ count: number; writer: string }> {
  const before = parseSyncWrites((await meta.get(SYNC_WRITES))?.value);
  void meta.put({ key: SYNC_WRITES, value: `${before.count + 1} ${writer}` });
  return before;
}

/**
 * What discarded changes leave to take back from the team, by draft: the answers they were refused
 * for, and whether one deleted or restored the draft. Kept until a sync has fetched the team's draft.
 */
const REVERTS = 'sync-reverts';
/**
 * How far the team server's clock is ahead of this device's, in milliseconds (negative: behind),
 * as a sync last heard; absent while they agree (see DraftStore.noteServerTime). It goes with the
 * team: another team's server is another clock.
 */
const CLOCK_OFFSET = 'sync-clock-offset';
/** What every team-bound fact's key in `meta` starts with (the sync engine's, and REVERTS). */
const SYNC_KEY_PREFIX = 'sync-';
/** How long a deleted draft stays on the device (see DELETED_KEEP_DAYS). */
export const DELETED_KEEP_MS = DELETED_KEEP_DAYS * 24 * 60 * 60 * 1000;

interface Revert {
  readonly fields: readonly string[];
  readonly lifecycle: boolean;
}

function parseReverts(value: string | undefined): Record<string, Revert> {
  return value ? (JSON.parse(value) as Record<string, Revert>) : {};
}

/** Whether the server would refuse the field even sent on its own (too long, too many items). */
function refusedAlone(draft: Draft, key: string): boolean {
  const { value, changedAt } = draft.fields[key]!;
  return (
    untakeable({
      seq: 1,
      draftId: draft.id,
      kind: 'upsert',
      worksheetId: draft.worksheetId,
      worksheetVersion: draft.worksheetVersion,
      createdAt: draft.createdAt,
      baseRev: 0,
      fields: { [key]: { value, baseRev: 0, changedAt } },
    }) !== undefined
  );
}

/**
 * What is left of a change refused for its answers alone once the server has taken `taken` (later
 * edits of the same draft): an answer edited since and taken needs neither discarding nor taking
 * back. The same array when nothing of it is settled; a change refused with other answers that
 * never went stays whole, for the user to discard.
 */
function unsettledRefusal(
  entry: OutboxEntry,
  taken: readonly { readonly seq: number; readonly fields: readonly string[] }[],
): readonly string[] {
  const { refused } = entry;
  if (!refused || entry.kind !== 'update' || !entry.fields.every((key) => refused.includes(key))) return entry.fields;
  const since = new Set(taken.filter((t) => t.seq > entry.seq!).flatMap((t) => t.fields));
  const rest = entry.fields.filter((key) => !since.has(key));
  return rest.length === entry.fields.length ? entry.fields : rest;
}

/**
 * Records by draft, each draft's in the order given. Appended in place: a draft typed into all
 * day offline has thousands of outbox entries.
 */
function byDraft<T extends { readonly draftId: string }>(records: readonly T[]): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const record of records) {
    const list = grouped.get(record.draftId);
    if (list) list.push(record);
    else grouped.set(record.draftId, [record]);
  }
  return grouped;
}

/** The drafts `ids` that exist, by id, asked for at once: IndexedDB answers them in one pass. */
async function draftsById(
  drafts: { get(id: string): Promise<Draft | undefined> },
  ids: readonly string[],
): Promise<Map<string, Draft>> {
  const found = await Promise.all(ids.map((id) => drafts.get(id)));
  return new Map(found.flatMap((d) => (d ? [[d.id, d] as const] : [])));
}

/** Where the outbox and the sync writes stood when a batch was read. */
export interface BatchView {
  /** The newest outbox key then: a local edit since has a larger one. */
  readonly head: number;
  readonly syncWrites: number;
  /**
   * The oldest outbox key then of a change not refused (or past the newest): every change below it
   * has its answer recorded here and will never be sent again (see PushRequest.settled).
   */
  readonly settled: number;
}

/** A batch as its read saw it, handed back with its acknowledgement. */
export interface BatchRead {
  readonly view: BatchView;
  /** The batch's drafts as read, with the previous acknowledgement's revisions applied. */
  readonly drafts: ReadonlyMap<string, Draft>;
  /** Who acknowledges: the same for every batch of one push. */
  readonly writer: string;
}

/**
 * The part of BroadcastChannel the store uses, named here because pages, the service worker and
 * the Node tests each type the global differently.
 */
interface DraftChannel {
  postMessage(message: readonly DraftChange[]): void;
  close(): void;
  /** A tab still on the previous version of the app sends one change, not a list. */
  onmessage: ((event: { readonly data: DraftChange | readonly DraftChange[] }) => void) | null;
}

/** The draft asked for does not exist (or, when creating, already does). */
export class DraftNotFoundError extends Error {
  override name = 'DraftNotFoundError';
}

/** An IndexedDB key range (of outbox seqs or edit keys), as idb's types name it. */
type KeyQuery = Exclude<
  Parameters<IDBPDatabase<KitDB>['getAll']>[1],
  string | number | readonly unknown[] | null | undefined
>;

/**
 * Outbox keys after `seq`. IndexedDB's key range factory is reached through globalThis because
 * this store is also type-checked (for the Node tests' simulated devices) without the DOM's types.
 */
function keysAfter(seq: number): KeyQuery {
  return keyRange().lowerBound(seq, true);
}

/** Outbox keys from `first` to `last`, both included. */
function keysBetween(first: number, last: number): KeyQuery {
  return keyRange().bound(first, last);
}

/** A draft's blind edits: keys [draftId, field], for every field (arrays sort after strings). */
function editsOf(draftId: string): KeyQuery {
  return keyRange().bound([draftId], [draftId, []]);
}

/** Drafts by `updatedAt`, up to `time` included. */
function updatedUpTo(time: number): KeyQuery {
  return keyRange().upperBound(time);
}

interface KeyRangeFactory {
  lowerBound(lower: number, open: boolean): KeyQuery;
  upperBound(upper: number): KeyQuery;
  bound(lower: number | readonly unknown[], upper: number | readonly unknown[]): KeyQuery;
}

function keyRange(): KeyRangeFactory {
  return (globalThis as unknown as { IDBKeyRange: KeyRangeFactory }).IDBKeyRange;
}

/**
 * The oldest outbox key of a change the server has not refused. Refused changes stay until the
 * user discards them but are never sent again; there are few, so this steps past a few at most.
 */
async function firstWaiting(
  outbox: IDBPObjectStore<KitDB, ('outbox' | 'drafts' | 'meta')[], 'outbox', 'readonly'>,
): Promise<number | undefined> {
  let cursor = await outbox.openCursor();
  while (cursor?.value.rejected) cursor = await cursor.continue();
  return cursor?.key;
}

/**
 * Removes acknowledged entries: usually a run of consecutive keys, removed as one range (one
 * request rather than one per entry) when nothing else lies between them.
 */
async function deleteFromOutbox(
  outbox: IDBPObjectStore<KitDB, WriteStores, 'outbox', 'readwrite'>,
  seqs: readonly number[],
): Promise<void> {
  if (seqs.length === 0) return;
  const first = Math.min(...seqs);
  const last = Math.max(...seqs);
  const inRange = await outbox.getAllKeys(keysBetween(first, last));
  const acknowledged = new Set(seqs);
  if (inRange.every((key) => acknowledged.has(key))) {
    await outbox.delete(keysBetween(first, last));
    return;
  }
  await Promise.all(seqs.map((seq) => outbox.delete(seq)));
}

/** The stores a write to drafts opens: with the blind edits, which it folds in first. */
type WriteStores = ('drafts' | 'outbox' | 'meta' | 'edits')[];

/** A write to drafts: every one folds the blind edits in before it reads (see DraftStore._fold). */
function writing(db: IDBPDatabase<KitDB>, options?: { durability?: 'default' | 'strict' | 'relaxed' }) {
  return db.transaction(['drafts', 'outbox', 'meta', 'edits'] as WriteStores, 'readwrite', options);
}

type WriteTx = ReturnType<typeof writing>;

/**
 * An acknowledgement's transaction. Relaxed durability: if a crash loses its commit, the entries
 * are sent again and the server answers them from its record of applied changes, so waiting for
 * the disk buys nothing. (Blind edits it folds in stay in their store if the commit is lost.)
 */
function acknowledgement(db: IDBPDatabase<KitDB>): WriteTx {
  return writing(db, { durability: 'relaxed' });
}

/** Runs `task` when the page is next idle (within two seconds), or soon where there is no such wait. */
function whenIdle(task: () => void): void {
  // Named through globalThis: a service worker's types have no requestIdleCallback.
  const { requestIdleCallback } = globalThis as {
    requestIdleCallback?: (task: () => void, options: { timeout: number }) => number;
  };
  if (requestIdleCallback) requestIdleCallback(task, { timeout: 2_000 });
  else setTimeout(task);
}

/**
 * The drafts on this device, in IndexedDB. Every change is one transaction that writes the draft
 * and its outbox entry together, so a change is either stored and queued for sync, or neither;
 * an edit of answers is written blind, as an edit of its own, and joins its draft and the outbox
 * together when the next write to drafts folds it in (see {@link update}).
 * Other tabs hear of each change through a BroadcastChannel.
 */
export class DraftStore {
  private _db: Promise<IDBPDatabase<KitDB>>;
  /** The open connection, for the one write that cannot wait for a promise (see {@link journal}). */
  private _connection: IDBPDatabase<KitDB> | null;
  private readonly _channel: DraftChannel;
  private readonly _listeners = new Set<(changes: readonly DraftChange[]) => void>();
  private readonly _localListeners = new Set<(change: LocalChange) => void>();
  private _lastTime = 0;
  /** Added to this device's clock to time its changes (see {@link noteServerTime}). */
  private _clockOffset = 0;
  private _foldTimer: ReturnType<typeof setTimeout> | undefined;
  private _closed = false;
  /** The closing page's second copy of its edits; null in a service worker. */
  private readonly _rescued: RescuedEdits | null;
  /**
   * The copies this page has rescued, by key, with the fields of each not saved since: a copy goes
   * once all are, or a day of switching apps while typing would fill localStorage with them.
   */
  private readonly _rescuedHere = new Map<
    string,
    { readonly draftId: string; readonly at: number; readonly unsaved: Set<string> }
  >();
  /** Edits saved as a page closed could not be merged yet (the disk was full): the next save tries. */
  private _journalWaiting = false;

  private constructor(
    private readonly options: DraftStoreOptions,
    db: IDBPDatabase<KitDB>,
    /** This device's id, recorded on every field it changes. */
    readonly deviceId: string,
  ) {
    this._db = Promise.resolve(db);
    this._connection = db;
    const name = options.name ?? DB_NAME;
    this._rescued = RescuedEdits.forDatabase(name);
    this._channel = new BroadcastChannel(options.channelName ?? `${name}:drafts`) as unknown as DraftChannel;
    this._channel.onmessage = ({ data }) => this._emit(Array.isArray(data) ? data : [data as DraftChange]);
  }

  /** Opens the store (and the database, upgrading it if needed). */
  static async open(options: DraftStoreOptions = {}): Promise<DraftStore> {
    // The connection can be lost before the store exists to reopen it; then the next open does.
    const created: { store?: DraftStore } = {};
    const onLost = (): void => created.store?._reopen();
    const db = await openKitDb({ ...options, onLost });
    const tx = db.transaction('meta', 'readwrite');
    const [held, offset] = await Promise.all([tx.store.get(DEVICE_KEY), tx.store.get(CLOCK_OFFSET)]);
    let device = held?.value;
    if (!device) {
      device = crypto.randomUUID();
      await tx.store.put({ key: DEVICE_KEY, value: device });
    }
    await tx.done;
    const store = new DraftStore(options, db, device);
    store._clockOffset = Number(offset?.value) || 0;
    created.store = store;
    await store._applyJournal({ rescued: false });
    // Edits rescued in localStorage are rare, and its first read blocks the page on the browser
    // (1.5–9 ms at a phone's speed): they are merged once the page is idle, off its first paint.
    if (store._rescued) whenIdle(() => void store._applyJournal());
    return store;
  }

  /**
   * Listens to changes made in other tabs and by sync, told together when they were written
   * together (a sync's batch is one call, not one per draft); returns the unsubscribe function.
   */
  onChange(listener: (changes: readonly DraftChange[]) => void): () => void {
    this._listeners.add(listener);
    return () => this._listeners.delete(listener);
  }

  async get(id: string): Promise<Draft | undefined> {
    const tx = (await this._database()).transaction(['drafts', 'edits']);
    const [draft, edits] = await Promise.all([
      tx.objectStore('drafts').get(id),
      tx.objectStore('edits').getAll(editsOf(id)),
    ]);
    return draft && withEdits(draft, edits);
  }

  /**
   * The next outbox entries after `after` (at most `limit`) and the drafts they belong to, read in
   * one transaction: the sync engine's view of its next batch. The view also says what the outbox
   * and the sync writes stood at, so the batch's acknowledgement can tell whether the drafts read
   * here are still current.
   */
  async outboxBatch({ after, limit }: { after?: number; limit: number }): Promise<{
    entries: OutboxEntry[];
    drafts: Map<string, Draft>;
    view: BatchView;
  }> {
    // Blind edits join the outbox first, so the batch holds every change made before it.
    await this.foldEdits();
    const tx = (await this._database()).transaction(['outbox', 'drafts', 'meta']);
    const outbox = tx.objectStore('outbox');
    const [entries, newest, writes, waiting] = await Promise.all([
      outbox.getAll(after === undefined ? null : keysAfter(after), limit),
      outbox.openKeyCursor(null, 'prev'),
      tx.objectStore('meta').get(SYNC_WRITES),
      firstWaiting(outbox),
    ]);
    const head = newest?.key ?? 0;
    return {
      entries,
      drafts: await draftsById(tx.objectStore('drafts'), [...new Set(entries.map((e) => e.draftId))]),
      view: { head, syncWrites: parseSyncWrites(writes?.value).count, settled: waiting ?? head + 1 },
    };
  }

  /** Drafts not deleted, the most recently edited first. */
  async list(): Promise<Draft[]> {
    // One request for the lot, reversed here: a cursor costs a round trip to IndexedDB per draft
    // (the drafts list with 1,000 drafts spent most of its time stepping it).
    const tx = (await this._database()).transaction(['drafts', 'edits']);
    const [all, edits] = await Promise.all([
      tx.objectStore('drafts').index('by-updated').getAll(),
      tx.objectStore('edits').getAll(),
    ]);
    let drafts = all.reverse();
    if (edits.length > 0) {
      const edited = byDraft(edits);
      // An edited draft moves up by its edit's time; the sort is stable, so the rest keep their order.
      drafts = drafts.map((d) => withEdits(d, edited.get(d.id) ?? [])).sort((a, b) => b.updatedAt - a.updatedAt);
    }
    return drafts.filter((d) => d.deletedAt === null);
  }

  /** Starts a draft of `worksheet`, with whatever consultation context is known. */
  async create(worksheet: WorksheetRef, context: Partial<Record<ContextField, string>> = {}): Promise<Draft> {
    const now = this._now();
    const fields: Record<string, DraftField> = {};
    for (const key of CONTEXT_FIELDS) {
      const value = context[key];
      if (value !== undefined) fields[key] = { value, changedAt: now, changedBy: this.deviceId };
    }
    const draft: Draft = {
      id: newDraftId(now),
      worksheetId: worksheet.id,
      worksheetVersion: worksheet.version,
      createdAt: now,
      updatedAt: now,
      fields,
      deletedAt: null,
    };
    return this._write(draft.id, 'create', Object.keys(fields), () => draft);
  }

  /**
   * Writes changed fields blind: one request a field and no read, so an autosave is stored in one
   * round trip to IndexedDB. Each is an edit of its own until the next write to drafts folds it
   * into its draft and queues it for sync (see {@link _fold}); every read applies it meanwhile.
   * Only the fields named here are replaced: a field another tab changed meanwhile is kept.
   * @returns the edits written, for the caller to apply to its copy of the draft (withEdits)
   */
  async update(
    id: string,
    changes: Readonly<Record<string, FieldValue>>,
    /** For fields being typed, where the typing began (see FieldEdit.typed). */
    typed: Readonly<Record<string, TypedFrom>> = {},
  ): Promise<FieldEdit[]> {
    const at = this._now();
    const edits = Object.entries(changes).map(([key, value]): FieldEdit => {
      const edit = { draftId: id, key, value, at, by: this.deviceId };
      return typed[key] === undefined ? edit : { ...edit, typed: typed[key] };
    });
    if (edits.length === 0) return edits;
    try {
      const tx = (this._connection ?? (await this._database())).transaction('edits', 'readwrite');
      for (const edit of edits) void tx.store.put(edit);
      tx.commit();
      await tx.done;
    } catch (error) {
      throw this._writeFailed(error);
    }
    // Told in a task of its own: the caller hears first that the edit is stored, and the other
    // tabs (a message through the browser, ~50 µs of this page's time) a moment later.
    setTimeout(() => this._told({ draftId: id, fields: Object.keys(changes), kind: 'update' }, 'edited'));
    clearTimeout(this._foldTimer);
    this._foldTimer = setTimeout(() => void this.foldEdits().catch(() => undefined), FOLD_AFTER_MS);
    this._savedOver(id, Object.keys(changes), at);
    // The disk has room again: what was saved as a page closed on a full one joins its draft now.
    if (this._journalWaiting) {
      this._journalWaiting = false;
      void this._applyJournal();
    }
    return edits;
  }

  /** Copies a draft under a new id, titled "Copy of …". */
  async duplicate(id: string): Promise<Draft> {
    const source = await this.get(id);
    if (!source) throw new Error(`No draft ${id}`);
    const now = this._now();
    const title = source.fields['title']?.value;
    const fields: Record<string, DraftField> = {};
    // Each answer as the source shows it, and new: no revision of the team's (the copy is a draft
    // the team has never had) and no teammate's conflicting value, which only the source holds.
    for (const [key, { value }] of Object.entries(source.fields))
      fields[key] = { value, changedAt: now, changedBy: this.deviceId };
    fields['title'] = {
      value: `Copy of ${typeof title === 'string' && title ? title : 'untitled draft'}`,
      changedAt: now,
      changedBy: this.deviceId,
    };
    const copy: Draft = {
      id: newDraftId(now),
      worksheetId: source.worksheetId,
      worksheetVersion: source.worksheetVersion,
      createdAt: now,
      updatedAt: now,
      fields,
      deletedAt: null,
    };
    return this._write(copy.id, 'create', Object.keys(fields), () => copy);
  }

  /** Deletes a draft as a tombstone: it leaves the list but can be restored, and the deletion can sync. */
  async remove(id: string): Promise<Draft> {
    return this._write(id, 'delete', [], (current) => {
      const now = this._now();
      return { ...current, deletedAt: now, updatedAt: now };
    });
  }

  /**
   * Undoes a deletion. Not an edit: the draft is last edited when its answers last changed, so it
   * goes back to its place in the list (newest first); the restore is queued as of now.
   */
  async restore(id: string): Promise<Draft> {
    const now = this._now();
    return this._write(
      id,
      'restore',
      [],
      (current) => ({ ...current, deletedAt: null, updatedAt: lastEdited(current) }),
      now,
    );
  }

  /**
   * Leaves this device's team for `next`'s (the new team's sync facts), in one transaction: every
   * draft, queued change and unsaved edit goes, with the old team's sync facts. A device holds one
   * team's drafts, so none is ever sent to another team; the old team's server still has them.
   */
  async changeTeam(next: Readonly<Record<string, string>>): Promise<void> {
    let removed: string[];
    try {
      const tx = (await this._database()).transaction(['drafts', 'outbox', 'edits', 'journal', 'meta'], 'readwrite');
      const [ids, keys] = await Promise.all([
        tx.objectStore('drafts').getAllKeys(),
        tx.objectStore('meta').getAllKeys(),
      ]);
      removed = ids;
      await Promise.all([
        tx.objectStore('drafts').clear(),
        tx.objectStore('outbox').clear(),
        tx.objectStore('edits').clear(),
        tx.objectStore('journal').clear(),
        // The device's own id stays: it is this device's, whatever its team.
        ...keys.filter((key) => key.startsWith(SYNC_KEY_PREFIX)).map((key) => tx.objectStore('meta').delete(key)),
        ...Object.entries(next).map(([key, value]) => tx.objectStore('meta').put({ key, value })),
      ]);
      await tx.done;
    } catch (error) {
      throw this._writeFailed(error);
    }
    this._rescued?.clear();
    this._announce(removed.map((draftId) => ({ draftId, fields: [], kind: 'delete' })));
  }

  /**
   * Takes drafts deleted more than `keepMs` ago off this device, answers and all, and says how many
   * went: what a deletion promises the people whose words a draft holds. A draft whose deletion
   * has not reached its team (`keepUnsent`: the device is in a team) stays until it has, or the
   * team would keep it; so does one with an edit not yet folded or a discarded change still to take
   * back. A device in no team drops the deleted draft's queued changes with it: they would only
   * tell a team it joins later of a draft deleted before.
   */
  async eraseDeleted({
    keepMs = DELETED_KEEP_MS,
    keepUnsent,
  }: {
    readonly keepMs?: number;
    readonly keepUnsent: boolean;
  }): Promise<number> {
    if (this._closed) return 0; // its page has gone: a write now would open the database again
    const before = this._now() - keepMs;
    let erased: string[];
    try {
      const tx = writing(await this._database());
      await this._fold(tx);
      const [old, reverts] = await Promise.all([
        // A deleted draft's updatedAt is when it was deleted, unless something touched it since.
        tx.objectStore('drafts').index('by-updated').getAll(updatedUpTo(before)),
        tx.objectStore('meta').get(REVERTS),
      ]);
      const reverting = parseReverts(reverts?.value);
      const candidates = old.filter((d) => d.deletedAt !== null && d.deletedAt < before && !reverting[d.id]);
      const queued = await Promise.all(
        candidates.map((d) => tx.objectStore('outbox').index('by-draft').getAllKeys(d.id)),
      );
      erased = [];
      candidates.forEach((draft, i) => {
        const seqs = queued[i]!;
        if (keepUnsent && seqs.length > 0) return;
        void tx.objectStore('drafts').delete(draft.id);
        for (const seq of seqs) void tx.objectStore('outbox').delete(seq);
        erased.push(draft.id);
      });
      await tx.done;
    } catch (error) {
      throw this._writeFailed(error);
    }
    this._announce(erased.map((draftId) => ({ draftId, fields: [], kind: 'delete' })));
    return erased.length;
  }

  /** Adds a draft from an export file as it is (its id must be new on this device). */
  async add(draft: Draft): Promise<Draft> {
    await this.addAll([draft]);
    return draft;
  }

  /**
   * Adds drafts from an export file, all in one transaction: every one of them, or (a full disk,
   * an id already taken) none. Each is queued as a new draft.
   */
  async addAll(drafts: readonly Draft[]): Promise<void> {
    if (drafts.length === 0) return;
    try {
      const tx = writing(await this._database());
      await this._fold(tx);
      const store = tx.objectStore('drafts');
      const taken = await Promise.all(drafts.map((d) => store.getKey(d.id)));
      const twice = drafts.find((_, i) => taken[i] !== undefined);
      if (twice) {
        tx.done.catch(() => undefined); // the abort below is the expected outcome
        tx.abort();
        throw new DraftNotFoundError(`A draft with id ${twice.id} already exists`);
      }
      for (const draft of drafts) {
        void store.add(draft);
        void tx.objectStore('outbox').add({
          draftId: draft.id,
          kind: 'create',
          fields: Object.keys(draft.fields),
          at: draft.updatedAt,
        });
      }
      // Commit now rather than when the task ends, as every write does.
      tx.commit();
      await tx.done;
    } catch (error) {
      if (error instanceof DraftNotFoundError) throw error;
      throw this._writeFailed(error);
    }
    if (this._closed) return;
    // Told as one message, as a sync's batch is: other tabs read their lists once.
    const changes = drafts.map((d): DraftChange => ({ draftId: d.id, fields: Object.keys(d.fields), kind: 'create' }));
    this._channel.postMessage(changes);
    for (const change of changes) this._toldHere({ ...change, step: 'queued' });
  }

  /**
   * Says that an edit of `fields` has begun and is held in the page's memory until it is saved
   * (the autosave waits for a pause). Told to this store's listeners only, at once, while the page
   * is surely alive: the sync engine can ask for Background Sync then, where a page closed before
   * the save may not live long enough to ask (see {@link journal}). Nothing is stored.
   */
  editing(draftId: string, fields: readonly string[]): void {
    this._toldHere({ draftId, fields, kind: 'update', step: 'editing' });
  }

  /**
   * Saves edits in a single blind request, for when the page is going away: no read, no await
   * before the request is sent, and committed at once, so it can finish after the page is gone.
   * A page also keeps them in its localStorage, written before this returns: on a full disk the
   * request fails after the page is gone (see {@link RescuedEdits}). The edits are merged into their
   * draft the next time the store opens. Returns false when the database is not open right now
   * (the normal save path then carries the edits).
   */
  journal(
    draftId: string,
    fields: Readonly<Record<string, FieldValue>>,
    typed: Readonly<Record<string, TypedFrom>> = {},
  ): boolean {
    if (Object.keys(fields).length === 0) return false;
    const at = this._now();
    const key = this._rescued?.keep(draftId, fields, at, typed);
    if (key) this._rescuedHere.set(key, { draftId, at, unsaved: new Set(Object.keys(fields)) });
    const db = this._connection;
    if (!db) return false;
    try {
      const tx = db.transaction('journal', 'readwrite');
      void tx.store.add({ draftId, fields, at, ...(Object.keys(typed).length ? { typed } : {}) });
      tx.commit();
      tx.done.catch(() => undefined);
      // Told at once, not a task later as an autosave is: the page may not live that long, and
      // the sync engine's listener asks for Background Sync, which sends the edit (merged by the
      // service worker's own open of the store) once the network is back, app closed or not.
      this._toldHere({ draftId, fields: Object.keys(fields), kind: 'update', step: 'edited' });
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Drops this page's rescued copies whose every field has been saved since (see {@link journal}),
   * by saves begun after the copy was made: one in flight before it may hold an older value.
   */
  private _savedOver(draftId: string, keys: readonly string[], at: number): void {
    for (const [key, copy] of this._rescuedHere) {
      if (copy.draftId !== draftId || copy.at > at) continue;
      for (const field of keys) copy.unsaved.delete(field);
      if (copy.unsaved.size > 0) continue;
      this._rescuedHere.delete(key);
      this._rescued?.drop([key]);
    }
  }

  /**
   * Merges journalled and rescued edits into their drafts, unless the draft has a later change to
   * the field. A field saved by several closes (and by both of a close's copies) takes its latest.
   * On a full disk nothing is lost and the store still opens: the entries wait for the next save
   * that finds room.
   */
  private async _applyJournal({ rescued: withRescued = true } = {}): Promise<void> {
    if (this._closed) return;
    try {
      const db = await this._database();
      const journalled = await db.getAll('journal');
      const rescued = (withRescued && this._rescued?.all()) || [];
      type Latest = Map<string, { value: FieldValue; at: number; typed?: TypedFrom }>;
      const latest = new Map<string, Latest>();
      for (const entry of [...journalled, ...rescued]) {
        const fields: Latest = latest.get(entry.draftId) ?? new Map();
        latest.set(entry.draftId, fields);
        const typing: Readonly<Record<string, TypedFrom>> = ('typed' in entry && entry.typed) || {};
        for (const [key, value] of Object.entries(entry.fields)) {
          if ((fields.get(key)?.at ?? -Infinity) < entry.at)
            fields.set(key, { value, at: entry.at, typed: typing[key] });
        }
      }
      const merged: DraftChange[] = [];
      for (const [draftId, fields] of latest) {
        const draft = await this.get(draftId);
        if (!draft || draft.deletedAt !== null) continue;
        // Not later than the draft's own change, and not what it holds already (a save under way
        // as the page closed, journalled too, that finished).
        const newer = [...fields].filter(
          ([key, { value, at }]) =>
            (draft.fields[key]?.changedAt ?? 0) < at &&
            JSON.stringify(draft.fields[key]?.value) !== JSON.stringify(value),
        );
        if (newer.length === 0) continue;
        await this.update(
          draftId,
          Object.fromEntries(newer.map(([key, { value }]) => [key, value])),
          Object.fromEntries(newer.flatMap(([key, { typed }]) => (typed === undefined ? [] : [[key, typed]]))),
        );
        merged.push({ draftId, fields: newer.map(([key]) => key), kind: 'update' });
      }
      // Other tabs hear of a merge as of any edit; this page's views, which may show these drafts
      // already (a merge once the page is idle, or once the disk has room), as of another tab's.
      if (merged.length) this._emit(merged);
      if (journalled.length) {
        const tx = db.transaction('journal', 'readwrite');
        await Promise.all([...journalled.map((entry) => tx.store.delete(entry.id!)), tx.done]);
      }
      this._rescued?.drop(rescued.map((entry) => entry.key));
    } catch {
      this._journalWaiting = true;
    }
  }

  /** The changes waiting for sync, oldest first (including any the server refused). */
  async outbox(): Promise<OutboxEntry[]> {
    await this.foldEdits();
    return (await this._database()).getAll('outbox');
  }

  /**
   * How many changes wait for sync and which the server refused, without reading every queued
   * change: a device offline for days may hold thousands, and this is asked after every edit.
   */
  async outboxStatus(): Promise<{ waiting: number; rejected: OutboxEntry[] }> {
    const tx = (await this._database()).transaction(['outbox', 'meta', 'edits']);
    const [count, rejected, reverts, edited] = await Promise.all([
      tx.objectStore('outbox').count(),
      tx.objectStore('outbox').index('by-rejected').getAll(),
      tx.objectStore('meta').get(REVERTS),
      tx.objectStore('edits').getAllKeys(),
    ]);
    // A draft going back to the team's version waits for a sync as a change does, and a draft's
    // blind edits are one change once folded in.
    const waiting =
      count -
      rejected.length +
      Object.keys(parseReverts(reverts?.value)).length +
      new Set(edited.map(([id]) => id)).size;
    return { waiting, rejected };
  }

  /**
   * The drafts with changes in the outbox (refused ones too), or going back to the team's version:
   * one step per draft, not per change.
   */
  async draftsWithQueuedChanges(): Promise<Set<string>> {
    const tx = (await this._database()).transaction(['outbox', 'meta', 'edits']);
    const [reverts, edited] = await Promise.all([
      tx.objectStore('meta').get(REVERTS),
      tx.objectStore('edits').getAllKeys(),
    ]);
    const ids = new Set([...Object.keys(parseReverts(reverts?.value)), ...edited.map(([id]) => id)]);
    const index = tx.objectStore('outbox').index('by-draft');
    for (let cursor = await index.openKeyCursor(null, 'nextunique'); cursor; cursor = await cursor.continue())
      ids.add(cursor.key);
    return ids;
  }

  /**
   * Notes the team server's time, as a sync heard it. A device clock further from it than
   * CLOCK_TOLERANCE_MS is wrong (set by hand, or to another time zone), and from then on this
   * store times changes by the server's clock: a teammate's edit and this device's are ordered as
   * they were made (the later change wins a conflict), and the team sees when. Kept, for the
   * device's other pages and for its time offline; a clock put right is heard at the next sync.
   * @returns the server's clock less this device's (0 while within the tolerance)
   */
  async noteServerTime(serverTime: number): Promise<number> {
    const off = Math.round(serverTime - this._clock());
    const before = this._clockOffset;
    this._clockOffset = Math.abs(off) < CLOCK_TOLERANCE_MS ? 0 : off;
    // Most syncs hear a clock that agrees, as the one before did: nothing to write.
    if (this._clockOffset !== before || before !== 0)
      await this.setMeta(CLOCK_OFFSET, this._clockOffset === 0 ? null : String(this._clockOffset));
    return this._clockOffset;
  }

  /** This device's own clock, whatever the team server's says: for the server to tell how far apart they are. */
  deviceClock(): number {
    return this._clock();
  }

  /**
   * The time now as this store times changes: the device's clock, or the team server's when a sync
   * found the device's wrong (see {@link noteServerTime}). For "today" in what is due, and a new
   * draft's date, so a clock days out does not mark a review overdue.
   */
  now(): number {
    return this._clock() + this._clockOffset;
  }

  /**
   * The team server's clock less this device's, as last heard (0 while they agree): read afresh,
   * since another page's or the service worker's sync may have heard it since.
   */
  async clockOffset(): Promise<number> {
    this._clockOffset = Number(await this.meta(CLOCK_OFFSET)) || 0;
    return this._clockOffset;
  }

  /** A small fact kept on this device (sync token, team, cursor), or undefined. */
  async meta(key: string): Promise<string | undefined> {
    return (await (await this._database()).get('meta', key))?.value;
  }

  async setMeta(key: string, value: string | null): Promise<void> {
    const db = await this._database();
    if (value === null) await db.delete('meta', key);
    else await db.put('meta', { key, value });
  }

  /**
   * Records the server's answers to pushed changes, in one transaction: accepted changes leave the
   * outbox and their fields take the server's revision; refused ones stay, marked with why.
   *
   * Given the batch's read, the drafts it read are written back with their revisions rather than
   * read again (half the acknowledgement's work): only those changed since are read afresh.
   */
  async acknowledge(
    entries: readonly OutboxEntry[],
    results: readonly MutationResult[],
    options: {
      /** A fact to record in the same transaction (the sync engine's moved pull cursor). */
      readonly meta?: { readonly key: string; readonly value: string };
      /** The batch's drafts as its read saw them, and who acknowledges: skips reading them again. */
      readonly read?: BatchRead;
      /**
       * Changes this device refused itself: refused whole, or sent without the answers the server
       * would never take, and then they stay in the outbox refused, for those answers alone.
       */
      readonly refused?: RefusedAnswers;
    } = {},
  ): Promise<void> {
    const { meta, read, refused } = options;
    const db = await this._database();
    const tx = acknowledgement(db);
    // Edits folded in now are changes made after the batch was read: they join the outbox after
    // its head, so their drafts are read again below rather than taken from the batch's read.
    await this._fold(tx);
    if (meta) void tx.objectStore('meta').put({ key: meta.key, value: meta.value });
    const bySeq = new Map(entries.map((e) => [e.seq!, e]));
    const touched = new Set<string>();
    const [drafts, refusedBefore] = await Promise.all([
      this._currentDrafts(tx, [...new Set(entries.map((e) => e.draftId))], read),
      tx.objectStore('outbox').index('by-rejected').getAll(),
    ]);
    const writes: Promise<unknown>[] = [];
    const done: number[] = [];
    /** What the server took, by draft: a refused answer edited since and taken is settled. */
    const takenByDraft = new Map<string, { seq: number; fields: readonly string[] }[]>();
    for (const result of results) {
      const entry = bySeq.get(result.seq);
      if (!entry) continue;
      const held = refused?.get(result.seq);
      if (result.status === 'rejected') {
        await tx.objectStore('outbox').put({
          ...entry,
          rejected: result.reason ?? 'The team’s server refused this change.',
          ...(held ? { refused: held.fields } : {}),
        });
        continue;
      }
      if (held) {
        // The draft is on the server now, whatever the entry began as.
        const left = { kind: 'update', fields: held.fields, rejected: held.reason, refused: held.fields } as const;
        void tx.objectStore('outbox').put({ ...entry, ...left });
      } else done.push(result.seq);
      const draft = drafts.get(entry.draftId);
      if (!draft) continue;
      // Later entries of the same draft build on this one; what stayed behind keeps its revision.
      const taken = held ? entry.fields.filter((key) => !held.fields.includes(key)) : entry.fields;
      drafts.set(draft.id, withServerRevision(draft, taken, result));
      touched.add(entry.draftId);
      takenByDraft.set(draft.id, [...(takenByDraft.get(draft.id) ?? []), { seq: result.seq, fields: taken }]);
    }
    for (const entry of refusedBefore) {
      const rest = unsettledRefusal(entry, takenByDraft.get(entry.draftId) ?? []);
      if (rest === entry.fields) continue;
      if (rest.length === 0) done.push(entry.seq!);
      else writes.push(tx.objectStore('outbox').put({ ...entry, fields: rest, refused: rest }));
    }
    for (const id of touched) writes.push(tx.objectStore('drafts').put(drafts.get(id)!));
    writes.push(deleteFromOutbox(tx.objectStore('outbox'), done));
    await Promise.all([...writes, tx.done]);
    this._announce([...touched].map((draftId) => ({ draftId, fields: [], kind: 'update' })));
  }

  /**
   * The drafts `ids` as they are now, inside the acknowledgement's transaction. With the batch's
   * read, only drafts changed since that read are read again: a local edit since then left an
   * outbox entry after the read's newest, and any other write to drafts (another sync's
   * acknowledgement or pull) counted itself in the sync writes, which are counted here too.
   */
  private async _currentDrafts(
    tx: ReturnType<typeof acknowledgement>,
    ids: readonly string[],
    read: BatchRead | undefined,
  ): Promise<Map<string, Draft>> {
    const [writes, since] = await Promise.all([
      countSyncWrite(tx.objectStore('meta'), read?.writer ?? crypto.randomUUID()),
      read ? tx.objectStore('outbox').getAll(keysAfter(read.view.head)) : [],
    ]);
    // The one write allowed since the read is this writer's previous acknowledgement, which the
    // sync engine has already applied to what it read.
    const trusted =
      read !== undefined &&
      (writes.count === read.view.syncWrites ||
        (writes.count === read.view.syncWrites + 1 && writes.writer === read.writer));
    const edited = new Set(since.map((e) => e.draftId));
    const known = new Map<string, Draft>();
    for (const id of ids) {
      const draft = trusted && !edited.has(id) ? read.drafts.get(id) : undefined;
      if (draft) known.set(id, draft);
    }
    const fresh = await draftsById(
      tx.objectStore('drafts'),
      ids.filter((id) => !known.has(id)),
    );
    return new Map([...known, ...fresh]);
  }

  /**
   * Takes in drafts pulled from the team's server. A field with an unsent local change keeps the
   * local value (its own push will merge on the server); every other field takes the server's.
   * `cursor` (the sync engine's pull cursor) is recorded in the same transaction.
   *
   * A draft whose server copy changed a field (or its deletion) that a local change is waiting to
   * replace is held back: the cursor recorded is at most just before its revision, so the next
   * pull brings it again. The server may have applied that local change already, its answer lost
   * on the way: it then answers the push from its record and merges nothing, and without a second
   * look this device would keep its own value while the team holds the later one.
   * @returns the revision the cursor was held at, if a draft was held back
   */
  async applyRemote(
    drafts: readonly ServerDraft[],
    cursor?: { readonly key: string; readonly value: number },
  ): Promise<number | undefined> {
    if (drafts.length === 0) {
      if (cursor) await this.setMeta(cursor.key, String(cursor.value));
      return undefined;
    }
    const db = await this._database();
    const tx = writing(db);
    // Blind edits first, so a field edited here counts as waiting to go, as it does once queued.
    await this._fold(tx);
    const changed: DraftChange[] = [];
    const writes: Promise<unknown>[] = [];
    // The page's reads asked for at once, then answered in order: one pass through IndexedDB.
    // The outbox is read whole (after a push it is empty or short) rather than once per draft.
    const [queued, locals] = await Promise.all([
      tx.objectStore('outbox').getAll(),
      Promise.all(drafts.map((remote) => tx.objectStore('drafts').get(remote.id))),
      // Counted, so a sync acknowledging meanwhile reads its drafts again (see _currentDrafts).
      countSyncWrite(tx.objectStore('meta'), crypto.randomUUID()),
    ]);
    /** Just before the earliest draft to pull again; Infinity while none is. */
    let heldAt = Infinity;
    const queuedByDraft = byDraft(queued.filter((e) => !e.rejected));
    /** Answers this device refused itself, by draft: see `kept` below. */
    const refusedByDraft = new Map<string, string[]>();
    for (const e of queued) {
      if (e.rejected && e.refused?.length)
        refusedByDraft.set(e.draftId, [...(refusedByDraft.get(e.draftId) ?? []), ...e.refused]);
    }
    for (const [i, remote] of drafts.entries()) {
      const local = locals[i];
      const pending = queuedByDraft.get(remote.id) ?? [];
      const pendingFields = new Set(pending.flatMap((e) => e.fields));
      const pendingLifecycle = pending.some((e) => e.kind === 'delete' || e.kind === 'restore');
      // An answer refused here for its length, while it is still that long, stays until the user
      // shortens it (then it meets the team's as a conflict) or discards it (then the team's comes
      // back): a teammate's edit must not silently replace text the user typed.
      const kept = new Set(
        local ? (refusedByDraft.get(remote.id) ?? []).filter((k) => local.fields[k] && refusedAlone(local, k)) : [],
      );
      const fields: Record<string, DraftField> = { ...(local?.fields ?? {}) };
      const keys: string[] = [];
      // Whether the server changed what a local change waits to replace, since that change's base.
      let stale = pendingLifecycle && !!local && (local.deletedAt === null) !== (remote.deletedAt === null);
      for (const [key, f] of Object.entries(remote.fields)) {
        if (kept.has(key)) continue;
        if (pendingFields.has(key)) {
          stale ||= f.rev > (local?.fields[key]?.rev ?? 0);
          continue;
        }
        fields[key] = {
          value: f.value,
          changedAt: f.changedAt,
          changedBy: this._ownChange(local?.fields[key], f) ? this.deviceId : f.changedBy,
          rev: f.rev,
          conflict: f.conflict,
        };
        keys.push(key);
      }
      const next: Draft = {
        id: remote.id,
        worksheetId: remote.worksheetId,
        worksheetVersion: remote.worksheetVersion,
        createdAt: local?.createdAt ?? remote.createdAt,
        updatedAt: Math.max(
          local?.updatedAt ?? 0,
          ...Object.values(remote.fields).map((f) => f.changedAt),
          remote.deletedAt ?? 0,
        ),
        fields,
        deletedAt: pendingLifecycle && local ? local.deletedAt : remote.deletedAt,
        rev: Math.max(local?.rev ?? 0, remote.rev),
        note: remote.note,
      };
      writes.push(tx.objectStore('drafts').put(next));
      changed.push({ draftId: remote.id, fields: keys, kind: 'update' });
      if (stale) heldAt = Math.min(heldAt, remote.rev - 1);
    }
    if (cursor)
      writes.push(tx.objectStore('meta').put({ key: cursor.key, value: String(Math.min(cursor.value, heldAt)) }));
    await Promise.all([...writes, tx.done]);
    this._announce(changed);
    return heldAt === Infinity ? undefined : heldAt;
  }

  /**
   * Takes in a page of the team's drafts, pulled from the start after the team's server went back
   * in time (its database restored from a backup: see PushResponse.history), by
   * {@link rebaseDraft}'s rules: every revision held here becomes the server's, and a change held
   * here that the server lost (made or heard of here after the backup) is queued to go again, in
   * the same transaction.
   */
  async rebase(drafts: readonly ServerDraft[], from?: number): Promise<void> {
    if (drafts.length === 0) return;
    // Loaded when needed: a restore is rare, and the first load carries only what every visit uses.
    const { rebaseDraft } = await import('./rebase-draft.js');
    let changed: DraftChange[];
    try {
      const tx = writing(await this._database());
      await this._fold(tx);
      const [queued, locals] = await Promise.all([
        tx.objectStore('outbox').getAll(),
        Promise.all(drafts.map((remote) => tx.objectStore('drafts').get(remote.id))),
        countSyncWrite(tx.objectStore('meta'), crypto.randomUUID()),
      ]);
      // An answer this device refused itself stays with its refusal until shortened or discarded:
      // counted as waiting, it is kept, and not queued again only to be refused again.
      const waiting = queued.flatMap((e): OutboxEntry[] =>
        !e.rejected ? [e] : e.refused?.length ? [{ ...e, kind: 'update', fields: e.refused }] : [],
      );
      const queuedByDraft = byDraft(waiting);
      const at = this._now();
      const writes: Promise<unknown>[] = [];
      changed = [];
      for (const [i, remote] of drafts.entries()) {
        const { draft, resend, lifecycle, taken } = rebaseDraft(
          locals[i],
          remote,
          queuedByDraft.get(remote.id) ?? [],
          (local, field) => this._ownChange(local, field),
          from,
        );
        writes.push(tx.objectStore('drafts').put(draft));
        // An edit reaching a deleted draft restores it: a restore goes before the edits it carries,
        // a deletion after them.
        const entries: OutboxEntry[] = [];
        if (lifecycle === 'restore') entries.push({ draftId: draft.id, kind: 'restore', fields: [], at });
        if (resend.length) entries.push({ draftId: draft.id, kind: 'update', fields: resend, at });
        if (lifecycle === 'delete') entries.push({ draftId: draft.id, kind: 'delete', fields: [], at });
        for (const entry of entries) writes.push(tx.objectStore('outbox').add(entry));
        changed.push({ draftId: draft.id, fields: taken, kind: 'update' });
      }
      await Promise.all([...writes, tx.done]);
    } catch (error) {
      throw this._writeFailed(error);
    }
    this._announce(changed);
  }

  /**
   * Ends taking the team in again (see {@link rebase}): every draft here that had synced but that
   * the server no longer has (`seen` are those it has) was lost with the backup, and is queued to
   * go again whole (and its deletion after it, if deleted); `facts` (the pull cursor and the
   * team's new history) are recorded in the same transaction.
   * @returns how many drafts were queued again
   */
  async rebased(seen: ReadonlySet<string>, facts: Readonly<Record<string, string>>): Promise<number> {
    const { unsynced } = await import('./rebase-draft.js');
    let lost: Draft[];
    try {
      const tx = writing(await this._database());
      await this._fold(tx);
      const [drafts] = await Promise.all([
        tx.objectStore('drafts').getAll(),
        countSyncWrite(tx.objectStore('meta'), crypto.randomUUID()),
      ]);
      lost = drafts.filter(
        (d) => !seen.has(d.id) && (d.rev !== undefined || Object.values(d.fields).some((f) => f.rev)),
      );
      const at = this._now();
      const writes: Promise<unknown>[] = [];
      for (const draft of lost) {
        writes.push(tx.objectStore('drafts').put(unsynced(draft)));
        writes.push(
          tx.objectStore('outbox').add({ draftId: draft.id, kind: 'create', fields: Object.keys(draft.fields), at }),
        );
        if (draft.deletedAt !== null)
          writes.push(tx.objectStore('outbox').add({ draftId: draft.id, kind: 'delete', fields: [], at }));
      }
      for (const [key, value] of Object.entries(facts)) writes.push(tx.objectStore('meta').put({ key, value }));
      await Promise.all([...writes, tx.done]);
    } catch (error) {
      throw this._writeFailed(error);
    }
    this._announce(lost.map((d) => ({ draftId: d.id, fields: [], kind: 'update' })));
    return lost.length;
  }

  /**
   * Whether a pulled field is this device's own change coming back (its time and value, made
   * here): the server names the device that made a change, and this device keeps its own id for
   * its own, so its answers are never shown as a teammate's (two devices may share a name).
   */
  private _ownChange(local: DraftField | undefined, remote: ServerDraft['fields'][string]): boolean {
    return (
      local?.changedBy === this.deviceId &&
      local.changedAt === remote.changedAt &&
      JSON.stringify(local.value) === JSON.stringify(remote.value)
    );
  }

  /**
   * Drops a change the server refused, at the user's word. Its answers the server would never
   * take (past its limits) go back to the team's version of them, fetched at the next sync (see
   * applyRevert): kept on the device alone, such a value would sit there as if synced while the
   * team holds another. Its other answers are queued again, one change each (together they may
   * be what was too large), so a discard loses nothing the team would take. A refused deletion or
   * restore goes back to whether the team has the draft deleted, and so does a change the server
   * refused for its draft (erased since it was deleted): its answers go back to the team's too.
   */
  async discardRejected(seq: number): Promise<void> {
    // Declared out here: what was queued again is told once the transaction has committed.
    const requeued: OutboxEntry[] = [];
    let draftId: string;
    try {
      const db = await this._database();
      const tx = writing(db);
      await this._fold(tx);
      const outbox = tx.objectStore('outbox');
      const entry = await outbox.get(seq);
      if (!entry?.rejected) return void (await tx.done);
      draftId = entry.draftId;
      const [draft, ofDraft, stored] = await Promise.all([
        tx.objectStore('drafts').get(entry.draftId),
        outbox.index('by-draft').getAll(entry.draftId),
        tx.objectStore('meta').get(REVERTS),
      ]);
      void outbox.delete(seq);
      if (draft) {
        // Fields a later change touched go as that change says; this one has no say over them.
        const later = new Set(ofDraft.filter((e) => e.seq !== seq).flatMap((e) => e.fields));
        // As the change was sent: a creation carries every field the draft has.
        const touched = (
          entry.kind === 'create' ? Object.keys(draft.fields) : entry.kind === 'update' ? entry.fields : []
        ).filter((key) => draft.fields[key] && !later.has(key));
        // Refused here, the change says which; refused before changes said, what is too long now.
        // Never an answer the server would take: that goes again.
        const tooLong = entry.refused
          ? touched.filter((key) => entry.refused!.includes(key))
          : touched.filter((key) => refusedAlone(draft, key));
        // The server refuses a change for its draft (erased, or not the team's to change), not for
        // its answers: sent again, they would be refused again, on every sync, for ever. The draft
        // goes back to the team's version, deleted or not, for all the change touched.
        const forDraft = !entry.refused && tooLong.length === 0;
        const back = forDraft ? touched : tooLong;
        const lifecycle = forDraft || entry.kind === 'delete' || entry.kind === 'restore';
        if (back.length > 0 || lifecycle) {
          const reverts = parseReverts(stored?.value);
          const prior = reverts[draft.id];
          reverts[draft.id] = {
            fields: [...new Set([...(prior?.fields ?? []), ...back])],
            lifecycle: (prior?.lifecycle ?? false) || lifecycle,
          };
          void tx.objectStore('meta').put({ key: REVERTS, value: JSON.stringify(reverts) });
        }
        for (const key of touched.filter((k) => !back.includes(k))) {
          const again: OutboxEntry = { draftId: draft.id, kind: 'update', fields: [key], at: this._now() };
          requeued.push(again);
          void outbox.add(again);
        }
      }
      await tx.done;
    } catch (error) {
      throw this._writeFailed(error);
    }
    this._announce([{ draftId, fields: [], kind: 'update' }]);
    // A change queued again is a local change like any other: the sync engine hears of it.
    for (const { fields, kind } of requeued) this._toldHere({ draftId, fields, kind, step: 'queued' });
  }

  /** The drafts waiting to go back to the team's version (see discardRejected). */
  async revertsPending(): Promise<string[]> {
    return Object.keys(parseReverts(await this.meta(REVERTS)));
  }

  /**
   * Takes a draft back to `team`, the team's version of it (null: the team has none), for what a
   * discarded change touched. A field changed here since keeps its change (it syncs as usual), and
   * one a pull has meanwhile brought newer than `team` stays as pulled.
   */
  async applyRevert(draftId: string, team: ServerDraft | null): Promise<void> {
    const db = await this._database();
    const tx = writing(db);
    await this._fold(tx);
    const meta = tx.objectStore('meta');
    const [stored, local, queued] = await Promise.all([
      meta.get(REVERTS),
      tx.objectStore('drafts').get(draftId),
      tx.objectStore('outbox').index('by-draft').getAll(draftId),
      // Counted, so a sync acknowledging meanwhile reads its drafts again (see _currentDrafts).
      countSyncWrite(meta, crypto.randomUUID()),
    ]);
    const { [draftId]: revert, ...others } = parseReverts(stored?.value);
    if (!revert) return tx.done;
    void meta.put({ key: REVERTS, value: JSON.stringify(others) });
    const keys: string[] = [];
    if (local) {
      // A draft of another worksheet under the same id is not this draft's version.
      const held = team?.worksheetId === local.worksheetId ? team : null;
      const since = new Set(queued.flatMap((e) => e.fields));
      const fields = new Map(Object.entries(local.fields));
      for (const key of revert.fields) {
        const f = held?.fields[key];
        if (since.has(key) || (f && (fields.get(key)?.rev ?? 0) > f.rev)) continue;
        if (f)
          fields.set(key, {
            value: f.value,
            changedAt: f.changedAt,
            changedBy: f.changedBy,
            rev: f.rev,
            conflict: f.conflict,
          });
        else fields.delete(key);
        keys.push(key);
      }
      let deletedAt = local.deletedAt;
      if (revert.lifecycle && !queued.some((e) => e.kind === 'delete' || e.kind === 'restore')) {
        // A team without the draft is as if it were deleted there.
        deletedAt = held ? held.deletedAt : (local.deletedAt ?? this._now());
      }
      void tx
        .objectStore('drafts')
        .put({ ...local, fields: Object.fromEntries(fields), deletedAt, rev: local.rev ?? held?.rev });
    }
    await tx.done;
    if (local) this._announce([{ draftId, fields: keys, kind: 'update' }]);
  }

  /** Listens to changes made by this store itself (for the sync engine's trigger). */
  onLocalChange(listener: (change: LocalChange) => void): () => void {
    this._localListeners.add(listener);
    return () => this._localListeners.delete(listener);
  }

  close(): void {
    this._closed = true;
    clearTimeout(this._foldTimer);
    this._channel.close();
    void this._db.then((db) => db.close()).catch(() => undefined);
  }

  /**
   * One atomic change: reads the draft (if any), writes its new state and the outbox entry in the
   * same transaction. Any failure aborts both, and is reported as a StorageWriteError.
   */
  private async _write(
    id: string,
    kind: OutboxEntry['kind'],
    fields: readonly string[],
    next: (current: Draft) => Draft,
    /** When the change was made, if not the draft's new `updatedAt`. */
    at?: number,
  ): Promise<Draft> {
    let result: Draft;
    try {
      const tx = writing(await this._database());
      await this._fold(tx);
      const drafts = tx.objectStore('drafts');
      const current = await drafts.get(id);
      if (kind === 'create' ? current : !current) {
        tx.done.catch(() => undefined); // the abort below is the expected outcome
        tx.abort();
        throw new DraftNotFoundError(kind === 'create' ? `A draft with id ${id} already exists` : `No draft ${id}`);
      }
      result = next(current!);
      void drafts.put(result);
      void tx.objectStore('outbox').add({ draftId: id, kind, fields, at: at ?? result.updatedAt });
      // Commit now rather than when the task ends: a page being closed may not get that far.
      tx.commit();
      await tx.done;
    } catch (error) {
      if (error instanceof DraftNotFoundError) throw error;
      throw this._writeFailed(error);
    }
    this._told({ draftId: id, fields, kind }, 'queued');
    return result;
  }

  /** Tells other tabs and this store's own listeners (the sync engine) of a change made here. */
  private _told(change: DraftChange, step: LocalChange['step']): void {
    if (this._closed) return; // closed since (an edit's tell comes a task after it)
    this._channel.postMessage([change]);
    this._toldHere({ ...change, step });
  }

  /** Tells this store's own listeners only, unless the store has been closed since. */
  private _toldHere(change: LocalChange): void {
    if (this._closed) return;
    for (const listener of this._localListeners) listener(change);
  }

  /**
   * Folds the blind edits into their drafts and queues each draft's as one change in the outbox,
   * inside a write's own transaction and before the write reads anything. The write then sees
   * every edit made before it, exactly as if each had read its draft and merged itself in when it
   * was made: nothing else can have written drafts in between, since every write folds first. An
   * edit of a draft that does not exist (storage cleared under the page) has nothing to join.
   */
  private async _fold(tx: WriteTx): Promise<void> {
    const store = tx.objectStore('edits');
    const edits = await store.getAll();
    if (edits.length === 0) return;
    const edited = byDraft(edits);
    const drafts = await draftsById(tx.objectStore('drafts'), [...edited.keys()]);
    const folded = [...edited]
      .flatMap(([id, ofDraft]) => {
        const draft = drafts.get(id);
        return draft ? [withEdits(draft, ofDraft)] : [];
      })
      // Queued in the order they were made, as their read-merge-writes would have been.
      .sort((a, b) => a.updatedAt - b.updatedAt);
    const queued: LocalChange[] = [];
    for (const draft of folded) {
      void tx.objectStore('drafts').put(draft);
      const fields = edited.get(draft.id)!.map((e) => e.key);
      void tx.objectStore('outbox').add({ draftId: draft.id, kind: 'update', fields, at: draft.updatedAt });
      queued.push({ draftId: draft.id, fields, kind: 'update', step: 'folded' });
    }
    await store.clear();
    // Told once the fold is stored; other tabs need not hear: the drafts read as they did before.
    void tx.done.then(
      () => queued.forEach((change) => this._toldHere(change)),
      () => undefined,
    );
  }

  /**
   * Folds the blind edits into their drafts and the outbox now, in a transaction of their own (see
   * {@link _fold}), as the store does a second after the last edit and before any write or batch.
   */
  async foldEdits(): Promise<void> {
    clearTimeout(this._foldTimer);
    const tx = writing(await this._database());
    await this._fold(tx);
    await tx.done;
  }

  /**
   * Tells this tab's and other tabs' views that drafts changed from outside them (a sync): one
   * message for a transaction's changes, so a view refreshes once per batch, not once per draft.
   */
  private _announce(changes: readonly DraftChange[]): void {
    if (changes.length === 0) return;
    this._channel.postMessage(changes);
    this._emit(changes);
  }

  private _emit(changes: readonly DraftChange[]): void {
    for (const listener of this._listeners) listener(changes);
  }

  /** This device's clock. */
  private _clock(): number {
    return (this.options.now ?? Date.now)();
  }

  /**
   * Milliseconds, by the team server's clock when this device's is known to be wrong, increasing
   * within this store, so field times order edits made in one tick. A clock put back by
   * CLOCK_TOLERANCE_MS or more (a clock that ran ahead, set right; or one set right while the kit
   * still times changes by the server's, until the next sync) is taken as it is: held at the last
   * time, every change after it would carry that time, days on, until the page was opened again.
   */
  private _now(): number {
    const clock = this.now();
    const now = clock <= this._lastTime - CLOCK_TOLERANCE_MS ? clock : Math.max(clock, this._lastTime + 1);
    this._lastTime = now;
    return now;
  }

  /** The open database; after a failed reopen, the next use tries again. */
  private async _database(): Promise<IDBPDatabase<KitDB>> {
    try {
      return await this._db;
    } catch {
      this._reopen();
      return this._db;
    }
  }

  /** What a failed write says to its caller; a connection the browser closed is opened again. */
  private _writeFailed(error: unknown): StorageWriteError {
    if ((error as Error).name === 'InvalidStateError') this._reopen();
    return toStorageWriteError(error);
  }

  private _reopen(): void {
    // A closed store's connection is closed on purpose: opening another would leak it, and make a
    // deleted database anew once it is told of the deletion.
    if (this._closed) return;
    // The browser closed the connection (storage cleared, or a newer version upgrading). Open
    // again on next use; a write in flight fails, is reported, and is retried by its caller.
    this._connection = null;
    this._db = openKitDb({ ...this.options, onLost: () => this._reopen() });
    this._db.then(
      (db) => (this._connection = db),
      () => undefined,
    );
  }
}
