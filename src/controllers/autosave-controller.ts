import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { FieldValue } from '../content/worksheet.js';
import { withEdits, type Draft, type TypedFrom } from '../data/draft.js';
import type { DraftStore } from '../data/draft-store.js';
import { StorageWriteError, toStorageWriteError } from '../data/storage-error.js';

/** Where the draft's latest edits are: the status line says it in words. */
export type SaveState = 'loading' | 'missing' | 'saved' | 'pending' | 'saving' | 'error';

export interface AutosaveOptions {
  readonly store: DraftStore;
  readonly draftId: string;
  /** How long typing may pause before the edit is written (the bound is 500 ms). */
  readonly delayMs?: number;
}

const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * Keeps a draft's edits safe as they are typed. Every edit is held in memory at once and written
 * to IndexedDB within `delayMs`, and at once on blur, `pagehide` and when the page is hidden. A
 * failed write keeps the edit in memory, says so, and tries again; nothing is ever dropped.
 * Edits from other tabs are taken in, except for fields with an unsaved edit here.
 */
export class AutosaveController implements ReactiveController {
  draft: Draft | undefined;
  state: SaveState = 'loading';
  error: StorageWriteError | null = null;

  /** Resolves when the draft has been read (or found missing). */
  readonly loaded: Promise<void>;
  private _markLoaded: () => void = () => undefined;

  private readonly _pending = new Map<string, FieldValue>();
  /** For each waiting edit typed in a field, where its typing began (FieldEdit.typed). */
  private readonly _pendingBase = new Map<string, TypedFrom>();
  /**
   * The fields being typed in (from the first keystroke until the user leaves the field): what the
   * field showed when the typing began, and what was last typed, which the field goes on showing. A teammate's version the team's server sends meanwhile does not replace the words
   * under the typist's fingers (their next keystroke would have gone on from the teammate's text,
   * settling the conflict and losing their own): it stays beside them as a conflict.
   */
  private readonly _typing = new Map<string, { readonly from: TypedFrom; readonly typed: FieldValue }>();
  /** The edits of the save under way, until it is stored or has failed, and their bases. */
  private _inFlight: Readonly<Record<string, FieldValue>> = {};
  private _inFlightBase: Readonly<Record<string, TypedFrom>> = {};
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _retry: ReturnType<typeof setTimeout> | undefined;
  private _failures = 0;
  /** When the oldest unwritten edit was made. */
  private _pendingSince: number | undefined;
  private _writing: Promise<void> = Promise.resolve();
  private _unsubscribe: (() => void) | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: AutosaveOptions,
  ) {
    this.loaded = new Promise((resolve) => (this._markLoaded = resolve));
    host.addController(this);
  }

  hostConnected(): void {
    this._unsubscribe = this.options.store.onChange((changes) => {
      if (changes.some((c) => c.draftId === this.options.draftId)) void this._reload();
    });
    window.addEventListener('pagehide', this._onLeave);
    document.addEventListener('visibilitychange', this._onVisibility);
    void this._reload();
  }

  hostDisconnected(): void {
    this._unsubscribe?.();
    window.removeEventListener('pagehide', this._onLeave);
    document.removeEventListener('visibilitychange', this._onVisibility);
    // Edits a failing storage has not taken go on being retried, but this page's close will not be
    // heard any more: they are kept as a closing page keeps them, now if a save has failed, or
    // when this last one does.
    if (this.state === 'error') this._onLeave();
    else void this.flush().catch(() => this._keep());
  }

  /**
   * Keeps the edits not yet written as a closing page does (see DraftStore.journal): those waiting,
   * and those of a save under way, which a page closed now may take with it unfinished.
   */
  private _keep(): void {
    const edits = { ...this._inFlight, ...Object.fromEntries(this._pending) };
    // A waiting edit's base, else the one under way's (a waiting edit of a field not typed has none).
    const bases = Object.fromEntries(
      Object.keys(edits).flatMap((key) => {
        const base = this._pending.has(key) ? this._pendingBase.get(key) : this._inFlightBase[key];
        return base === undefined ? [] : [[key, base]];
      }),
    );
    if (Object.keys(edits).length) this.options.store.journal(this.options.draftId, edits, bases);
  }

  /** Whether the draft has been deleted (here, in another tab, or by a teammate): it is kept, to restore. */
  get deleted(): boolean {
    return this.draft !== undefined && this.draft.deletedAt !== null;
  }

  /** Undoes the draft's deletion, to go on with it. */
  async restore(): Promise<void> {
    await this.options.store.restore(this.options.draftId);
    await this._reload();
  }

  /**
   * Keeps the deleted draft's answers as a new draft of this device's (the teammate who deleted
   * it, or the team's server, need not agree), and says which: the page offers to open it.
   */
  async keepAsNew(): Promise<Draft> {
    return this.options.store.duplicate(this.options.draftId);
  }

  /** The field's value as the user last left it, saved or not. */
  value(key: string): FieldValue | undefined {
    if (this._pending.has(key)) return this._pending.get(key);
    const typing = this._typing.get(key);
    return typing ? typing.typed : this.draft?.fields[key]?.value;
  }

  /**
   * Records an edit: kept in memory now, written within `delayMs`.
   * @param options.typing false for an edit that is a choice made with both versions in view (a
   *   conflict settled): it settles the field's conflict, whatever arrived since
   */
  set(key: string, value: FieldValue, { typing = true }: { typing?: boolean } = {}): void {
    if (typing) {
      const field = this.draft?.fields[key];
      const from = this._typing.get(key)?.from ?? { rev: field?.rev ?? 0, sawConflict: Boolean(field?.conflict) };
      this._typing.set(key, { from, typed: value });
      this._pendingBase.set(key, from);
    } else {
      this._typing.delete(key);
      this._pendingBase.delete(key);
    }
    this._pending.set(key, value);
    if (this.state !== 'error') this.state = 'pending';
    // Wait for a pause in typing, but never longer than a few pauses' worth while typing goes on.
    const delay = this.options.delayMs ?? 500;
    // A pause's first edit: said at once, while the page is surely alive (the sync asks for
    // Background Sync, in case the page is closed before the save).
    if (this._pendingSince === undefined) this.options.store.editing(this.options.draftId, [key]);
    this._pendingSince ??= Date.now();
    const waited = Date.now() - this._pendingSince;
    clearTimeout(this._timer);
    this._timer = setTimeout(this._flushNow, Math.max(0, Math.min(delay, delay * 4 - waited)));
    this.host.requestUpdate();
  }

  /** The user has left the field they were typing in: it shows the draft's value again. */
  endTyping(): void {
    if (this._typing.size === 0) return;
    this._typing.clear();
    this.host.requestUpdate();
  }

  /** Writes every edit not yet written; resolves when they are stored (or rejects with why not). */
  flush(): Promise<void> {
    clearTimeout(this._timer);
    // Writes run one after another; a failed one must not stop the next from trying.
    const run = this._writing.then(() => this._write());
    this._writing = run.catch(() => undefined);
    return run;
  }

  private readonly _flushNow = (): void => void this.flush().catch(() => undefined);

  private readonly _onVisibility = (): void => {
    if (document.visibilityState === 'hidden') this._onLeave();
  };

  /**
   * The page is being hidden or closed and may not live to send the normal save, which waits
   * behind any save in flight, so the edits also go to the journal in one request sent at once;
   * then the normal save starts as well.
   */
  private readonly _onLeave = (): void => {
    this._keep();
    this._flushNow();
  };

  private async _write(): Promise<void> {
    if (this._pending.size === 0 || !this.draft) return;
    const changes = Object.fromEntries(this._pending);
    const bases = Object.fromEntries(this._pendingBase);
    this._inFlight = changes;
    this._inFlightBase = bases;
    this._pending.clear();
    this._pendingBase.clear();
    this._pendingSince = undefined;
    this.state = 'saving';
    this.host.requestUpdate();
    try {
      const edits = await this.options.store.update(this.options.draftId, changes, bases);
      // As stored: the draft's other fields stay as last read (another tab's edit is heard of).
      this.draft = this.draft && withEdits(this.draft, edits);
      this._failures = 0;
      this.error = null;
      clearTimeout(this._retry);
      this.state = this._pending.size ? 'pending' : 'saved';
    } catch (error) {
      // Put the edits back, unless the user has typed a newer value meanwhile.
      for (const [key, value] of Object.entries(changes)) {
        if (this._pending.has(key)) continue;
        this._pending.set(key, value);
        if (bases[key] !== undefined) this._pendingBase.set(key, bases[key]);
      }
      this.error = toStorageWriteError(error);
      this.state = 'error';
      const delay = RETRY_MS[Math.min(this._failures, RETRY_MS.length - 1)]!;
      this._failures += 1;
      clearTimeout(this._retry);
      this._retry = setTimeout(this._flushNow, delay);
      throw this.error;
    } finally {
      if (this._inFlight === changes) {
        this._inFlight = {};
        this._inFlightBase = {};
      }
      this.host.requestUpdate();
    }
  }

  private async _reload(): Promise<void> {
    try {
      const draft = await this.options.store.get(this.options.draftId);
      // A deleted draft stays in hand: its answers are shown, and it can be restored. One gone
      // from the device altogether (its team left in another tab) is missing, not an empty form.
      this.draft = draft;
      if (!draft) this.state = 'missing';
      else if (this.state === 'loading' || this.state === 'missing') this.state = 'saved';
    } catch (error) {
      this.error = toStorageWriteError(error);
      if (this.state === 'loading') this.state = 'error';
    }
    this._markLoaded();
    this.host.requestUpdate();
  }
}
