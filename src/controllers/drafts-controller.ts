import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isAnswered, type Worksheet } from '../content/worksheet.js';
import { draftTitle, teammateOf, type Draft, type DraftField } from '../data/draft.js';
import { newDraftId } from '../data/new-draft-id.js';
import { SYNC_META } from '../sync/sync-meta.js';
import type { DraftStore } from '../data/draft-store.js';
import { toStorageWriteError } from '../data/storage-error.js';
import { downloadFile } from '../export/download-file.js';
import { draftsToJson, draftsToMarkdown, ImportError, readDraftsExport } from '../export/draft-export.js';
import { draftsToCsv } from '../export/drafts-csv.js';
import { formatDate } from '../text/format-date.js';
import { localIsoDate } from '../text/local-iso-date.js';
import { coalescedRead } from './coalesced-read.js';
import { draftDue, type DraftDue } from './draft-due.js';

/** Where a draft stands with the team, in the user's words. */
export type DraftSyncState = 'Saved on this device' | 'Waiting to sync' | 'Synced' | 'Conflict' | 'Needs attention';

/** A row of the drafts list. */
export interface DraftSummary {
  readonly id: string;
  readonly title: string;
  readonly updatedAt: number;
  readonly answered: number;
  readonly total: number;
  readonly sync: DraftSyncState;
  /** Where and when the consultation was, as its context says ("Riverside, 3 December 2026"), or "". */
  readonly place: string;
  /** The teammate whose change is the draft's latest, as the team's server names them; "" when it is this device's. */
  readonly by: string;
  /** What falls due on the draft, soonest first ("Review due 3 December 2026"), or null. */
  readonly due: DraftDue | null;
}

/** Where an import stands; the view says it in words. */
export type ImportState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'reading' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'conflict'; readonly draft: Draft; readonly existingTitle: string }
  | { readonly kind: 'done'; readonly title: string }
  /** A file of several drafts: how many came in new, as copies (they differed from the device's), or not at all (the same). */
  | { readonly kind: 'done-many'; readonly added: number; readonly copies: number; readonly same: number };

/** Which drafts have changes in the outbox, and which have a change the server refused. */
export interface QueuedDrafts {
  readonly queued: ReadonlySet<string>;
  readonly refused: ReadonlySet<string>;
}

const NOTHING_QUEUED: QueuedDrafts = { queued: new Set(), refused: new Set() };

/** A draft's answers, when and where each changed aside: two drafts alike in this say the same. */
function answersOf(draft: Draft): string {
  return JSON.stringify(
    Object.entries(draft.fields)
      .filter(([, f]) => isAnswered(f.value))
      .map(([key, f]) => [key, f.value])
      .sort(([x], [y]) => (String(x) < String(y) ? -1 : 1)),
  );
}

/** The field changed last: whose it is is whose the draft's latest change is. */
function latestField(draft: Draft): DraftField | undefined {
  let latest: DraftField | undefined;
  for (const field of Object.values(draft.fields)) if (!latest || field.changedAt > latest.changedAt) latest = field;
  return latest;
}

/**
 * Builds the list's row for a draft: how many questions have answers, where it stands with the
 * team, and which teammate changed it last (this device is `deviceId`).
 */
export function summarise(
  draft: Draft,
  worksheet: Worksheet,
  outbox: QueuedDrafts = NOTHING_QUEUED,
  joined = false,
  deviceId?: string,
  today = localIsoDate(),
): DraftSummary {
  const answered = worksheet.questions.filter((q) => isAnswered(draft.fields[q.id]?.value)).length;
  const sync: DraftSyncState = outbox.refused.has(draft.id)
    ? 'Needs attention'
    : Object.values(draft.fields).some((f) => f.conflict)
      ? 'Conflict'
      : !joined
        ? 'Saved on this device'
        : outbox.queued.has(draft.id) || draft.rev === undefined
          ? 'Waiting to sync'
          : 'Synced';
  const community = draft.fields['community']?.value;
  const date = draft.fields['date']?.value;
  const place = [
    typeof community === 'string' ? community.trim() : '',
    typeof date === 'string' && date ? formatDate(date) : '',
  ]
    .filter(Boolean)
    .join(', ');
  return {
    id: draft.id,
    title: draftTitle(draft),
    updatedAt: draft.updatedAt,
    answered,
    total: worksheet.questions.length,
    sync,
    place,
    by: teammateOf(latestField(draft), deviceId)?.by ?? '',
    due: draft.deletedAt === null ? draftDue(draft, worksheet, today) : null,
  };
}

/**
 * The drafts on this device for the drafts list: keeps the list current (this tab and others),
 * and carries out duplicate, delete with undo, and import.
 */
export class DraftsController implements ReactiveController {
  drafts: DraftSummary[] | undefined;
  /** The last deleted draft, which Undo brings back. */
  deleted: DraftSummary | null = null;
  /** The last copy made, with the title of the draft it copies: the list says so. */
  duplicated: { readonly of: string; readonly copy: DraftSummary } | null = null;
  importState: ImportState = { kind: 'idle' };
  /** A storage failure the user should hear about. */
  error: string | null = null;

  private _unsubscribe: (() => void) | undefined;
  /** Resolves when the list has been read for the first time. */
  readonly loaded: Promise<void>;
  private _markLoaded: () => void = () => undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly store: DraftStore,
    private readonly worksheet: Worksheet,
  ) {
    this.loaded = new Promise((resolve) => (this._markLoaded = resolve));
    host.addController(this);
  }

  hostConnected(): void {
    this._unsubscribe = this.store.onChange(() => void this.refresh());
    void this.refresh();
  }

  hostDisconnected(): void {
    this._unsubscribe?.();
  }

  /** Reads the list again; asked while a read is under way, it waits for that and one more (see coalescedRead). */
  readonly refresh = coalescedRead(() => this._read());

  private async _read(): Promise<void> {
    try {
      // What the rows need to know of the outbox, without reading every queued change. Which drafts
      // wait to sync matters only to a device in a team: one that is not skips that scan (a step
      // per draft with changes: every draft, on a device that has never synced).
      const listing = this.store.list();
      listing.catch(() => undefined); // a failure is told by the await below, not as unhandled
      const token = await this.store.meta(SYNC_META.token);
      const [drafts, queued, status] = await Promise.all([
        listing,
        token ? this.store.draftsWithQueuedChanges() : new Set<string>(),
        this.store.outboxStatus(),
      ]);
      const outbox = { queued, refused: new Set(status.rejected.map((e) => e.draftId)) };
      const today = localIsoDate(new Date(this.store.now()));
      this.drafts = drafts.map((d) => summarise(d, this.worksheet, outbox, Boolean(token), this.store.deviceId, today));
    } catch (error) {
      this.error = toStorageWriteError(error).notDone('The drafts on this device could not be read');
    }
    this._markLoaded();
    this.host.requestUpdate();
  }

  duplicate(id: string): Promise<void> {
    return this._run('The draft was not copied', async () => {
      const of = this.drafts?.find((d) => d.id === id)?.title;
      const copy = summarise(await this.store.duplicate(id), this.worksheet);
      this.duplicated = { of: of ?? copy.title, copy };
    });
  }

  remove(id: string): Promise<void> {
    return this._run('The draft was not deleted', async () => {
      const draft = await this.store.remove(id);
      this.deleted = summarise(draft, this.worksheet);
      this.duplicated = null;
    });
  }

  undoDelete(): Promise<void> {
    const deleted = this.deleted;
    if (!deleted) return Promise.resolve();
    return this._run('The deletion was not undone', async () => {
      await this.store.restore(deleted.id);
      this.deleted = null;
    });
  }

  /**
   * Reads an export file. One draft already on this device waits for the user's choice; a file of
   * several (a device's export) takes the new ones, leaves the ones this device holds as they are,
   * and takes one that differs from this device's copy as a copy of its own, so nothing in the file
   * or on the device is lost, and importing the same file twice adds nothing.
   */
  async importFile(file: Blob): Promise<void> {
    this.importState = { kind: 'reading' };
    this.host.requestUpdate();
    try {
      const drafts = await readDraftsExport(file, this.worksheet);
      const [draft] = drafts;
      const existing = await Promise.all(drafts.map((d) => this.store.get(d.id)));
      if (drafts.length === 1 && existing[0]) {
        this.importState = { kind: 'conflict', draft: draft!, existingTitle: draftTitle(existing[0]) };
      } else if (drafts.length === 1) {
        await this.store.add(draft!);
        this.importState = { kind: 'done', title: draftTitle(draft!) };
      } else {
        // A draft whose answers some draft here already has (itself, or the copy an earlier
        // import of this file made) is not taken again.
        const held = new Set((await this.store.list()).map(answersOf));
        const fresh = drafts.filter((_, i) => !existing[i]);
        const copies = drafts
          .filter((d, i) => existing[i] && !held.has(answersOf(d)))
          .map((d): Draft => ({ ...d, id: newDraftId() }));
        await this.store.addAll([...fresh, ...copies]);
        this.importState = {
          kind: 'done-many',
          added: fresh.length,
          copies: copies.length,
          same: drafts.length - fresh.length - copies.length,
        };
      }
    } catch (error) {
      const message =
        error instanceof ImportError
          ? `The draft was not imported. ${error.message}`
          : toStorageWriteError(error).notDone('The draft was not imported');
      this.importState = { kind: 'error', message };
    }
    await this.refresh();
  }

  /**
   * Offers every draft on this device as one file: JSON to keep, or to import on another device (a
   * phone handed back, a device in no team); Markdown to read, print or send on; CSV to read side
   * by side in a spreadsheet. Pending edits included, as a draft's own export does.
   */
  async exportAll(format: 'json' | 'markdown' | 'csv' = 'json'): Promise<void> {
    try {
      const drafts = await this.store.list();
      const name = `engagement-field-kit-drafts-${localIsoDate(new Date(this.store.now()))}`;
      if (format === 'markdown')
        downloadFile(`${name}.md`, 'text/markdown', draftsToMarkdown(drafts, this.worksheet, this.store.deviceId));
      else if (format === 'csv') downloadFile(`${name}.csv`, 'text/csv', draftsToCsv(drafts, this.worksheet));
      else downloadFile(`${name}.json`, 'application/json', draftsToJson(drafts));
      this.error = null;
    } catch (error) {
      this.error = toStorageWriteError(error).notDone('The drafts were not exported');
    }
    // Nothing changed on the device: the list is not read again.
    this.host.requestUpdate();
  }

  /** Answers the "already on this device" question: keep both (the import as a copy), or not. */
  async resolveImport(keepBoth: boolean): Promise<void> {
    const state = this.importState;
    if (state.kind !== 'conflict') return;
    if (!keepBoth) {
      this.importState = { kind: 'idle' };
      this.host.requestUpdate();
      return;
    }
    await this._run('The draft was not imported', async () => {
      const copy: Draft = { ...state.draft, id: newDraftId() };
      await this.store.add(copy);
      this.importState = { kind: 'done', title: draftTitle(copy) };
    });
  }

  /** Runs a change the user asked for; if it fails, says that `notDone`, why, and to try again. */
  private async _run(notDone: string, action: () => Promise<void>): Promise<void> {
    try {
      await action();
      this.error = null;
    } catch (error) {
      this.error = toStorageWriteError(error).notDone(notDone);
    }
    await this.refresh();
  }
}
