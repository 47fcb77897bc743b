import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Worksheet } from '../content/worksheet.js';
import { draftTitle, type Draft } from '../data/draft.js';
import type { DraftStore } from '../data/draft-store.js';
import { localIsoDate } from '../text/local-iso-date.js';
import { SYNC_META } from '../sync/sync-meta.js';
import { heldBackOf, type HeldBackWhy } from '../sync/held-back.js';
import { coalescedRead } from './coalesced-read.js';
import { draftDue } from './draft-due.js';

/** How far ahead the start page looks for reviews coming due. */
export const DUE_AHEAD_DAYS = 7;

/** One reason a draft needs the user: "Review due today", "An answer has two versions: choose which to keep". */
export interface NoticeReason {
  readonly text: string;
  /**
   * The team's server refused a change to it, or the sync held its changes back, it holds two
   * versions of an answer, or its review is due today or overdue.
   */
  readonly urgent: boolean;
}

/** A draft the start page names, once, with every reason it names it. */
export interface DraftNotice {
  readonly id: string;
  readonly title: string;
  /** A refused or held-back change first, then two versions of an answer, then what falls due. */
  readonly reasons: readonly NoticeReason[];
}

/** What the start page says of the drafts on this device. */
export interface RecentDrafts {
  /** The draft changed last (by anyone), to carry on with. */
  readonly latest: { readonly id: string; readonly title: string; readonly updatedAt: number } | null;
  /**
   * Drafts with a change the team's server refused or the sync held back, then those with two
   * versions of an answer, then those whose review is overdue or near, soonest first.
   */
  readonly notices: readonly DraftNotice[];
}

/** What the start page says of a draft whose changes the sync held back, by why (see HeldBackWhy). */
const HELD_BACK_REASON: Readonly<Record<HeldBackWhy, string>> = {
  'too-large':
    'Too large to send to the team’s server: shorten its longest answer, or ask whoever runs the server to allow larger requests',
  blocked:
    'Refused on the way to the team’s server for some of its words: take out any code pasted into an answer, or tell whoever runs the server',
};

/**
 * What the start page says of `drafts` (newest first, as DraftStore.list gives them) on `today`
 * (the device's local ISO date): the one to carry on with, and the ones that need the user.
 * `refused` counts the changes the team's server refused, by draft; `held` says why the sync held
 * back a draft's changes (see SyncStatus.heldBack).
 */
export function recentDrafts(
  drafts: readonly Draft[],
  worksheet: Worksheet,
  today: string,
  refused: ReadonlyMap<string, number> = new Map(),
  held: ReadonlyMap<string, HeldBackWhy> = new Map(),
): RecentDrafts {
  const [first] = drafts;
  const ahead = new Date(`${today}T12:00:00`);
  ahead.setDate(ahead.getDate() + DUE_AHEAD_DAYS);
  const horizon = localIsoDate(ahead);
  const firsts: DraftNotice[] = [];
  const dues: (DraftNotice & { readonly date: string })[] = [];
  for (const draft of drafts) {
    const twoVersions = Object.values(draft.fields).filter((f) => f.conflict).length;
    const refusedChanges = refused.get(draft.id) ?? 0;
    const heldWhy = held.get(draft.id);
    const reasons: NoticeReason[] = [];
    // The draft's page says why, and what can be done: kept as a new draft, or discarded.
    if (refusedChanges > 0)
      reasons.push({
        text: `The team’s server refused ${refusedChanges === 1 ? 'a change' : `${refusedChanges} changes`}: open it to see why`,
        urgent: true,
      });
    // Kept on the device, and not sent again as it is: it reaches no teammate until something changes.
    if (heldWhy) reasons.push({ text: HELD_BACK_REASON[heldWhy], urgent: true });
    if (twoVersions > 0)
      reasons.push({
        text:
          twoVersions === 1
            ? 'An answer has two versions: choose which to keep'
            : `${twoVersions} answers have two versions: choose which to keep`,
        urgent: true,
      });
    const due = draftDue(draft, worksheet, today);
    if (due && due.date <= horizon) reasons.push({ text: due.text, urgent: due.reached });
    if (reasons.length === 0) continue;
    // A draft is named once, however many reasons: twice in a list of five would hide another.
    const notice = { id: draft.id, title: draftTitle(draft), reasons };
    if (refusedChanges > 0 || heldWhy || twoVersions > 0) firsts.push(notice);
    else if (due) dues.push({ ...notice, date: due.date });
  }
  // Refused or held back before two versions: such a change reaches no teammate until the user acts.
  const unsent = (id: string): number => Number(refused.has(id) || held.has(id));
  const refusedFirst = [...firsts].sort((a, b) => unsent(b.id) - unsent(a.id));
  dues.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  return {
    latest: first ? { id: first.id, title: draftTitle(first), updatedAt: first.updatedAt } : null,
    notices: [...refusedFirst, ...dues.map(({ date: _date, ...notice }) => notice)],
  };
}

/** Where the drafts are read from; the worksheet is asked for only when there are drafts. */
export interface RecentDraftsSource {
  readonly store: DraftStore;
  readonly worksheet: () => Promise<Worksheet>;
}

/**
 * Keeps what the start page says of the drafts current while it is shown (`show`): read as it
 * opens and again as drafts change (a sync, another tab; this tab's own changes are made on other
 * pages, and read as the start page shows again). Not while it is hidden, where reading every
 * draft after each keystroke on the worksheet would be work for no one.
 */
export class RecentDraftsController implements ReactiveController {
  /** Undefined until first read, and when the drafts could not be read. */
  value: RecentDrafts | undefined;

  private _shown = false;
  private _unsubscribe: (() => void) | undefined;
  private _source: RecentDraftsSource | undefined;
  private _settle: () => void = () => undefined;

  /**
   * Settles when the drafts have been read since the page last showed (or could not be): the
   * page can wait for it, so that what it says of them does not push the page down as it arrives.
   */
  ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly load: () => Promise<RecentDraftsSource>,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.show(false);
  }

  /** The start page is shown (true) or has gone (false). */
  show(shown: boolean): void {
    if (shown === this._shown) return;
    this._shown = shown;
    if (!shown) {
      this._unsubscribe?.();
      this._unsubscribe = undefined;
      this._settle();
      return;
    }
    this.ready = new Promise((resolve) => (this._settle = resolve));
    void this.load().then(
      (source) => {
        if (!this._shown || this._unsubscribe) return;
        this._source = source;
        this._unsubscribe = source.store.onChange(() => void this._refresh());
        void this._refresh();
      },
      // The start page is not where a storage failure is told: the drafts page says it, and the
      // start page stays as it is without the drafts.
      () => this._settle(),
    );
  }

  private readonly _refresh = coalescedRead(async () => {
    const source = this._source;
    if (!source || !this._shown) return;
    try {
      const [drafts, { rejected }, kept] = await Promise.all([
        source.store.list(),
        source.store.outboxStatus(),
        source.store.meta(SYNC_META.heldBack),
      ]);
      // No drafts, no need of the worksheet: a first visit fetches nothing more for this.
      const worksheet = drafts.length > 0 ? await source.worksheet() : null;
      const refused = new Map<string, number>();
      for (const { draftId } of rejected) refused.set(draftId, (refused.get(draftId) ?? 0) + 1);
      this.value = worksheet
        ? recentDrafts(
            drafts,
            worksheet,
            localIsoDate(new Date(source.store.now())),
            refused,
            new Map(heldBackOf(kept).map((d) => [d.id, d.why])),
          )
        : { latest: null, notices: [] };
    } catch {
      this.value = undefined; // see show: said on the drafts page
    }
    this._settle();
    this.host.requestUpdate();
  });
}
