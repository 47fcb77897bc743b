import type { DraftStore } from '../data/draft-store.js';
import {
  withServerRevision,
  type Draft,
  type DraftField,
  type OutboxEntry,
  type RefusedAnswers,
} from '../data/draft.js';
import type { FieldEdit, Mutation, MutationResult, PushResponse } from './protocol.js';
import { HISTORY_CHANGED, PULL_PAGE_MAX, PUSH_BATCH_MAX, untakeable } from './protocol.js';
import {
  BLOCKED,
  isRefusal,
  SyncBlockedOnTheWayError,
  SyncHeldBackError,
  SyncHttpError,
  SyncRefusedOnTheWayError,
} from './sync-errors.js';
import type { SyncTransport } from './sync-transport.js';
import { utf8Length } from '../text/utf8-length.js';
import { SYNC_META } from './sync-meta.js';
import type { HeldBackDraft, HeldBackWhy } from './held-back.js';

/** A field as the server takes it: its value, the server revision it was based on, when it changed. */
function fieldEdit(field: DraftField): FieldEdit {
  return { value: field.value, baseRev: field.rev ?? 0, changedAt: field.changedAt };
}

/**
 * An edit the server would not take, split: the answers it would never take even alone (and why),
 * and the rest as an edit to send, when there is a rest it would take.
 */
function split(mutation: Mutation): { held: string[]; reason: string | undefined; rest: Mutation | undefined } {
  const entries = Object.entries(mutation.fields);
  const reasons = entries.map(([key, edit]) => untakeable({ ...mutation, fields: { [key]: edit } }));
  const held = entries.filter((_, i) => reasons[i] !== undefined).map(([key]) => key);
  const rest: Mutation = { ...mutation, fields: Object.fromEntries(entries.filter(([key]) => !held.includes(key))) };
  const takeable = held.length > 0 && held.length < entries.length && !untakeable(rest);
  return { held, reason: reasons.find((r) => r !== undefined), rest: takeable ? rest : undefined };
}

/** A batch's read: its entries, the drafts they belong to, and where the outbox stood. */
type BatchSource = Awaited<ReturnType<DraftStore['outboxBatch']>>;

/** What the server gave the last batch's drafts: the answers to the changes each carried. */
type Given = Map<string, { fields: readonly string[]; answer: MutationResult }[]>;

/** A batch ready to send, and the drafts it was built from (with the last answer's revisions). */
interface Built {
  readonly batch: OutboxEntry[];
  readonly mutations: Mutation[];
  readonly orphans: MutationResult[];
  readonly carried: Map<number, number[]>;
  readonly refused: RefusedAnswers;
  readonly drafts: Map<string, Draft>;
  /** Its mutations' size in UTF-8 bytes, as the batch's limit counts them. */
  readonly bytes: number;
}

/** How many drafts one push holds back (too large alone, or refused on the way) before it stops (see SyncEngine.push). */
const HELD_MAX = 5;

/** How many times one sync takes its team in again before it gives up (see SyncEngine.rebase). */
const REBASES_MAX = 3;

/**
 * A push body stays well under the server's 1 MiB limit. Something between with a lower one (an
 * agency's proxy or web application firewall: some take 128 KB) is learnt from its 413 (see push).
 */
const BATCH_BYTES = 512 * 1024;

/**
 * How long a push size learnt from a 413 is kept to: once whoever runs the server has raised the
 * limit, devices go back to full pushes within a week; a limit still there costs a few refused
 * requests a week.
 */
const PUSH_BYTES_KEEP_MS = 7 * 24 * 60 * 60 * 1000;

/** A push size learnt from a 413, as kept (see SYNC_META.pushBytes), if it is still to be kept to. */
function learntBytes(kept: string | undefined, now: number): number | undefined {
  if (!kept) return undefined;
  const { bytes, at } = JSON.parse(kept) as { bytes: number; at: number };
  return now - at < PUSH_BYTES_KEEP_MS ? bytes : undefined;
}

export interface SyncOutcome {
  readonly pushed: number;
  readonly rejected: number;
  readonly pulled: number;
}

/**
 * The server refused a request for what it held (too large for it, or malformed), not for who
 * sent it or when: the same device may still take in the team's changes.
 */
function refusedAsSent(error: unknown): boolean {
  return isRefusal(error) && (error.status === 400 || error.status === 413 || error.code === BLOCKED);
}

/**
 * Why a push was refused, when smaller pushes may go where it did not: too large (413, the server's
 * or a proxy's in front of it), or refused on the way for what it carried (a firewall's rule
 * matching the words of a draft, which one push alone would show).
 */
function heldWhy(error: SyncHttpError): HeldBackWhy | undefined {
  if (error instanceof SyncBlockedOnTheWayError) return 'blocked';
  return error.status === 413 ? 'too-large' : undefined;
}

/**
 * Sends the outbox to the team's server and takes in the team's changes. No DOM: the page and
 * the service worker both run it. An entry leaves the outbox only when the server's 2xx answer
 * acknowledges it; a network error, a timeout or a 5xx leaves it to be sent again, and the
 * server's record of applied mutations makes that repeat harmless.
 */
export class SyncEngine {
  constructor(
    private readonly store: DraftStore,
    private readonly transport: SyncTransport,
  ) {}

  /** How many times this engine has taken its team in again (see {@link rebase}). */
  private _rebases = 0;
  /** The most a push's mutations may hold, in UTF-8 bytes (see BATCH_BYTES). */
  private _batchBytes = BATCH_BYTES;

  async sync(): Promise<SyncOutcome> {
    let pushed: Awaited<ReturnType<SyncEngine['push']>>;
    for (let tries = 0; ; tries += 1) {
      try {
        pushed = await this.push();
        break;
      } catch (error) {
        if (refusedAsSent(error)) {
          // What was sent stays queued, and the refusal is said; the team's changes still come in,
          // or one request the server will not take (too large for it, a proxy's lower limit) would
          // leave the device hearing nothing from its team until someone saw to it.
          await this.pull();
          throw error;
        }
        // Told again while taking the team in (another device found the server behind it
        // meanwhile), it takes it in once more; a server that keeps saying so is a fault to show.
        if (!(error instanceof SyncHttpError && error.code === HISTORY_CHANGED) || tries === REBASES_MAX) throw error;
        // Nothing of the push was applied: the team is taken in again, and what it lost goes with the rest.
        await this.rebase();
      }
    }
    let { pushed: sent, rejected } = pushed;
    // A push answered as the team's only change since this device's cursor leaves nothing to pull
    // as of that answer: a pull would be one more round trip, on a weak signal the slowest step.
    const rebasesBefore = this._rebases;
    const pulled = pushed.current ? 0 : await this.pull();
    if (this._rebases !== rebasesBefore) {
      // The pull found the server gone back in time: what the rebase queued goes now, not at the next sync.
      const again = await this.push();
      sent += again.pushed;
      rejected += again.rejected;
    }
    await this.revert();
    const serverNow = this.transport.serverNow?.();
    if (serverNow != null) await this.store.noteServerTime(serverNow);
    await this.store.setMeta(SYNC_META.lastSynced, String(this.store.now()));
    return { pushed: sent, rejected, pulled };
  }

  /**
   * Takes the whole team in again, from the start, after its server went back in time (its
   * database restored from a backup: see PushResponse.history): the revisions held here are not
   * the server's any more, and what this device sent or heard of after the backup is not on the
   * server. Each page is rebased in its own transaction (see DraftStore.rebase); the new history
   * is recorded only at the end, so a rebase cut short starts again at the next sync.
   * @returns how many drafts were taken in
   */
  async rebase(): Promise<number> {
    this._rebases += 1;
    let page = await this.transport.pull(0, PULL_PAGE_MAX);
    const { history, historyFrom } = page;
    const seen = new Set<string>();
    for (;;) {
      // Named anew again meanwhile (another device found the server behind it): start over.
      if (page.history !== history) return this.rebase();
      await this.store.rebase(page.drafts, historyFrom);
      for (const draft of page.drafts) seen.add(draft.id);
      if (!page.more) break;
      page = await this.transport.pull(page.cursor, PULL_PAGE_MAX);
    }
    await this.store.rebased(seen, {
      [SYNC_META.cursor]: String(page.cursor),
      ...(history ? { [SYNC_META.history]: history } : {}),
      // For the user, and whoever helps them: Settings says when, and that nothing was lost.
      [SYNC_META.restoreFound]: String(this.store.now()),
    });
    return seen.size;
  }

  /** Takes the drafts whose refused change the user discarded back to the team's version of them. */
  async revert(): Promise<void> {
    for (const id of await this.store.revertsPending())
      await this.store.applyRevert(id, await this.transport.draft(id));
  }

  /** Turns an outbox entry into the mutation the server applies, from the draft as it is now. */
  private _mutation(entry: OutboxEntry, draft: Draft | undefined): Mutation | null {
    if (!draft) return null;
    const keys = entry.kind === 'create' ? Object.keys(draft.fields) : entry.fields;
    const fields: Record<string, FieldEdit> = {};
    for (const key of keys) {
      const field = draft.fields[key];
      if (field) fields[key] = fieldEdit(field);
    }
    const kind = entry.kind === 'delete' ? 'delete' : entry.kind === 'restore' ? 'restore' : 'upsert';
    return {
      seq: entry.seq!,
      draftId: draft.id,
      kind,
      worksheetId: draft.worksheetId,
      worksheetVersion: draft.worksheetVersion,
      createdAt: draft.createdAt,
      baseRev: draft.rev ?? 0,
      fields: kind === 'delete' ? {} : fields,
    };
  }

  /**
   * Sends the outbox in batches, as a pipeline: while a batch travels, the next is read, and while
   * the next travels, the last answer is written. Each step still happens in order — a batch is
   * built on the answers to the one before (applied in memory until their write lands) — and an
   * entry leaves the outbox only with its answer; a repeat after a crash is answered from the
   * server's record. Each answer is written over the drafts as its batch read them, unless the
   * store finds they changed since (see `DraftStore.acknowledge`).
   *
   * `current` says the last answer moved the cursor to its own revision: the team had no change
   * this device has not seen, as of that answer.
   */
  async push(): Promise<{ pushed: number; rejected: number; current: boolean }> {
    let pushed = 0;
    let rejected = 0;
    let current = false;
    // Only this engine moves the cursor while it holds the sync lock, so it is read once.
    const [cursor, storedHistory, learnt, heldBefore] = await Promise.all([
      this.store.meta(SYNC_META.cursor),
      this.store.meta(SYNC_META.history),
      this.store.meta(SYNC_META.pushBytes),
      this.store.meta(SYNC_META.heldBack),
    ]);
    let since = Number(cursor ?? 0);
    let history = storedHistory;
    this._batchBytes = Math.min(BATCH_BYTES, learntBytes(learnt, this.store.now()) ?? BATCH_BYTES);
    /** The push size to go back to once a draft refused on the way is found: what the limit allows. */
    let allowedBytes = this._batchBytes;
    /** Set once a batch was refused as too large: the size that then goes is kept for later pushes. */
    let shrunk = false;
    /** Where the batch being sent was read from: a batch refused as too large is read again from there. */
    let readFrom: number | undefined;
    /**
     * Drafts whose change could not be sent even alone, and the first refusal: their changes stay
     * queued, the rest go, and the refusal is told once they have.
     */
    const held = new Map<string, HeldBackWhy>();
    let refusal: SyncHttpError | undefined;
    /** The smallest push refused as too large on its way to the server, told it by the next push that gets there. */
    let refusedBytes: number | undefined;
    /**
     * The status of a page refusing what a push carried on its way to the server, told it likewise,
     * once a push: halving to the draft refused meets the page a few times.
     */
    let blocked: number | undefined;
    let blockedTold = false;
    let next = this._read(undefined);
    /** The last batch's answers, being written while the next batch travels. */
    let writing: Promise<void> = Promise.resolve();
    /** What the server gave the last batch, for drafts the next batch was read before it was written. */
    let given: Given = new Map();
    /** Names this push's acknowledgements to the store, which tells them from other writers'. */
    const writer = crypto.randomUUID();
    /** The next batch, built (with no answers applied) and its body encoded while the last travelled. */
    let ahead: Promise<Built | undefined> = Promise.resolve(undefined);
    try {
      for (;;) {
        const read = await next;
        const { entries, view } = read;
        if (entries.length === 0) {
          if (refusal) throw await this._heldBack(held, refusal);
          if (heldBefore !== undefined) await this.store.setMeta(SYNC_META.heldBack, null);
          return { pushed, rejected, current };
        }
        const waiting = this._waiting(entries, held);
        if (waiting.length === 0) {
          // Refused entries stay in the outbox until discarded, held ones until the next push; the
          // read moves past them.
          readFrom = entries.at(-1)!.seq;
          next = this._read(readFrom);
          ahead = Promise.resolve(undefined);
          continue;
        }
        // Built ahead, it stands unless the last answer gave revisions to one of its drafts.
        let built = await ahead;
        if (!built || built.batch.some((e) => given.has(e.draftId))) built = this._build(read, waiting, given);
        const { batch, mutations, orphans, carried, refused, drafts } = built;
        const batchFrom = readFrom;
        // A batch cut short by its size goes on from its last entry; otherwise from the last read.
        readFrom = batch.length < waiting.length ? batch.at(-1)!.seq : entries.at(-1)!.seq;
        next = this._read(readFrom);
        ahead = this._ahead(next, held);
        let answer: PushResponse;
        try {
          // `settled` lets the server forget its record of the changes this device will not send again.
          answer = mutations.length
            ? await this.transport.push({
                mutations,
                since,
                settled: view.settled,
                history,
                clock: this.store.deviceClock(),
                refusedBytes,
                blocked,
              })
            : { results: [] };
        } catch (error) {
          // Too large for the server or for something between (a proxy's or firewall's limit,
          // lower than the server's), or refused on the way for what it carried (a firewall's
          // rule): the batch is sent again in halves, down to one draft's change. That one is held
          // back, its draft's later changes with it (the server sees them in order), and the rest
          // go: one long answer, or a few words a rule mistakes for an attack, does not keep the
          // others from the team.
          if (!(error instanceof SyncHttpError)) throw error;
          const why = heldWhy(error);
          if (!why) throw error;
          if (error instanceof SyncRefusedOnTheWayError)
            refusedBytes = Math.min(refusedBytes ?? Infinity, error.sentBytes);
          if (error instanceof SyncBlockedOnTheWayError && !blockedTold) blocked = error.status;
          // Past a few, the refusal is not about one draft (a proxy refusing every push): a request
          // a draft would tell the same, so the sync stops here, and what is left waits with the rest.
          if (mutations.length === 1 && held.size >= HELD_MAX)
            throw await this._heldBack(new Map([...held, [mutations[0]!.draftId, why]]), error);
          if (mutations.length > 1) {
            this._batchBytes = Math.floor(built.bytes / 2);
            // A size refused is learnt; words refused say nothing of the size that goes.
            if (why === 'too-large') [shrunk, allowedBytes] = [true, this._batchBytes];
          } else {
            held.set(mutations[0]!.draftId, why);
            refusal ??= error;
            // Found: the rest go in pushes as large as the limit allows, not one draft at a time.
            this._batchBytes = allowedBytes;
          }
          readFrom = batchFrom;
          next = this._read(readFrom);
          ahead = Promise.resolve(undefined);
          continue;
        }
        if (mutations.length) {
          blockedTold ||= blocked !== undefined;
          [refusedBytes, blocked] = [undefined, undefined];
        }
        if (shrunk) {
          // Learnt for this device's later pushes, rather than a refused request each time.
          shrunk = false;
          const kept = { bytes: this._batchBytes, at: this.store.now() };
          await this.store.setMeta(SYNC_META.pushBytes, JSON.stringify(kept));
        }
        // Heard for the first time (a device that synced before servers named it): checked from now on.
        if (history === undefined && answer.history) {
          history = answer.history;
          await this.store.setMeta(SYNC_META.history, history);
        }
        const sent = new Set(mutations.map((m) => m.seq));
        if (
          !Array.isArray(answer.results) ||
          answer.results.length !== mutations.length ||
          answer.results.some((r) => !sent.has(r.seq))
        ) {
          // Not an acknowledgement we can trust: keep everything and try again later.
          throw new SyncHttpError(200, 'bad_ack', 'The server’s acknowledgement did not match what was sent.');
        }
        // A mutation's answer is its entries' answer, but for those an earlier push applied (its
        // answer lost): their fields took the revision of then.
        const results = answer.results.flatMap(({ earlier, ...r }: MutationResult): MutationResult[] => [
          r,
          ...carried.get(r.seq)!.map((seq) => earlier?.find((e) => e.seq === seq) ?? { ...r, seq }),
        ]);
        // When the server says the batch was the team's only change since this device's last pull,
        // the cursor moves past it (with the acknowledgement): no downloading its own changes again.
        const moved = typeof answer.cursor === 'number' && answer.cursor > since ? answer.cursor : undefined;
        current = moved !== undefined;
        await writing;
        writing = this.store.acknowledge(batch, [...results, ...orphans], {
          meta: moved === undefined ? undefined : { key: SYNC_META.cursor, value: String(moved) },
          read: { view, drafts, writer },
          refused,
        });
        // The read of the next batch started before this write, so it may not see it.
        given = new Map();
        const bySeq = new Map(batch.map((e) => [e.seq!, e]));
        for (const r of results) {
          const entry = bySeq.get(r.seq);
          if (!entry || r.status === 'rejected') continue;
          const held = refused.get(r.seq)?.fields ?? [];
          const fields = entry.fields.filter((key) => !held.includes(key));
          given.set(entry.draftId, [...(given.get(entry.draftId) ?? []), { fields, answer: r }]);
        }
        if (moved !== undefined) since = moved;
        pushed += results.filter((r) => r.status !== 'rejected').length;
        rejected += results.filter((r) => r.status === 'rejected' || refused.has(r.seq)).length + orphans.length;
      }
    } finally {
      // Whatever happened next, the answers already received are written before this returns.
      await writing;
    }
  }

  /**
   * The next batch from `waiting`: at most PUSH_BATCH_MAX entries and `_batchBytes` of mutations.
   * An entry whose draft is gone is answered here, refused, rather than sent.
   *
   * A draft's edits in one batch go as one mutation (a run): each mutation is built from the draft
   * as it is now, so later edits' fields join the first one's rather than sending the same values
   * again (a draft typed into for an hour offline queues hundreds of edits). A deletion or restore
   * ends the run, so the server still sees those in order. The mutation takes its last entry's seq
   * and names the others it `covers`; each field names the latest entry that changed it, so a
   * repeat of a run that has grown since its answer was lost applies only what is new. The
   * answer stands for every entry of the run (`carried`).
   *
   * An answer past what the server takes does not hold back the others of its change: they go,
   * and the entry stays behind refused for that answer alone (`refused`), until the user
   * shortens or discards it.
   */
  private _batch(waiting: readonly OutboxEntry[], drafts: ReadonlyMap<string, Draft>): Omit<Built, 'drafts'> {
    const batch: OutboxEntry[] = [];
    const runs: { mutation: Mutation; seqs: number[]; fieldSeqs: Map<string, number> }[] = [];
    const orphans: MutationResult[] = [];
    const refused = new Map<number, { fields: string[]; reason: string }>();
    /** The run each draft's next edit can join, until a deletion or restore of the draft. */
    const open = new Map<string, (typeof runs)[number]>();
    let bytes = 0;
    for (const entry of waiting) {
      if (batch.length >= PUSH_BATCH_MAX) break;
      let mutation = this._mutation(entry, drafts.get(entry.draftId));
      // Refused here, with why, rather than sent: the server would refuse the whole push, every
      // time, and nothing queued after it would ever reach the team.
      let refusal = mutation ? untakeable(mutation) : 'The draft is no longer on this device.';
      if (mutation?.kind === 'upsert' && refusal) {
        const { held, reason, rest } = split(mutation);
        refused.set(entry.seq!, { fields: held, reason: rest ? reason! : refusal });
        if (rest) [mutation, refusal] = [rest, undefined];
      }
      if (!mutation || refusal) {
        orphans.push({ seq: entry.seq!, status: 'rejected', reason: refusal, rev: 0 });
        batch.push(entry);
        continue;
      }
      const run = mutation.kind === 'upsert' ? open.get(entry.draftId) : undefined;
      // Joining a run adds its seq, and the fields the run does not carry yet: a field typed into
      // for an hour goes once, at its latest value, and must not count once per autosave.
      const added = run && Object.entries(mutation.fields).filter(([key]) => !run.fieldSeqs.has(key));
      // In UTF-8 bytes, as the server's body limit counts them.
      const size = added
        ? (added.length ? utf8Length(JSON.stringify(Object.fromEntries(added))) : 0) +
          String(mutation.seq).length * (Object.keys(mutation.fields).length + 1)
        : utf8Length(JSON.stringify(mutation));
      if (runs.length > 0 && bytes + size > this._batchBytes) break;
      bytes += size;
      batch.push(entry);
      if (run) {
        run.seqs.push(mutation.seq);
        for (const key of Object.keys(mutation.fields)) run.fieldSeqs.set(key, mutation.seq);
        continue;
      }
      const started = {
        mutation,
        seqs: [mutation.seq],
        fieldSeqs: new Map(Object.keys(mutation.fields).map((key) => [key, mutation.seq])),
      };
      runs.push(started);
      if (mutation.kind === 'upsert') open.set(entry.draftId, started);
      else open.delete(entry.draftId);
    }
    return {
      batch,
      mutations: runs.map(({ mutation, seqs, fieldSeqs }) => {
        if (seqs.length === 1) return mutation;
        const draft = drafts.get(mutation.draftId)!;
        const fields: Record<string, FieldEdit> = {};
        for (const [key, seq] of fieldSeqs) fields[key] = { ...fieldEdit(draft.fields[key]!), seq };
        return { ...mutation, seq: seqs.at(-1)!, covers: seqs.slice(0, -1), fields };
      }),
      orphans,
      carried: new Map(runs.map(({ seqs }) => [seqs.at(-1)!, seqs.slice(0, -1)])),
      refused,
      bytes,
    };
  }

  /**
   * `read`'s next batch, built on `given` (the revisions the last answer gave drafts this read was
   * made before its write).
   */
  private _build(read: BatchSource, waiting: readonly OutboxEntry[], given: Given): Built {
    const { drafts } = read;
    for (const [id, revisions] of given) {
      let draft = drafts.get(id);
      if (!draft) continue;
      for (const { fields, answer } of revisions) draft = withServerRevision(draft, fields, answer);
      drafts.set(id, draft);
    }
    return { ...this._batch(waiting, drafts), drafts };
  }

  /**
   * Builds the batch `next` will read, and starts encoding its body, while the batch before it
   * travels: the page is idle then, and the server busy. Built before the answer it waits for, it
   * is built again if that answer touches its drafts.
   */
  private _ahead(next: Promise<BatchSource>, held: ReadonlyMap<string, HeldBackWhy>): Promise<Built | undefined> {
    const built = next.then((read) => {
      const waiting = this._waiting(read.entries, held);
      if (waiting.length === 0) return undefined;
      // With no answers to apply, building leaves the read's drafts as they are: a rebuild starts from them.
      const batch = this._build(read, waiting, new Map());
      if (batch.mutations.length) this.transport.prepare?.(batch.mutations);
      return batch;
    });
    built.catch(() => undefined); // a failed read is told by `next`
    return built;
  }

  /**
   * The refusal of a push that held back `held`'s drafts, each not sent even alone, once they are
   * kept on the device, with why: for the drafts list, and whichever page or worker syncs next.
   */
  private async _heldBack(held: ReadonlyMap<string, HeldBackWhy>, refusal: SyncHttpError): Promise<SyncHeldBackError> {
    const kept: HeldBackDraft[] = [...held].map(([id, why]) => ({ id, why }));
    await this.store.setMeta(SYNC_META.heldBack, JSON.stringify(kept));
    return new SyncHeldBackError([...held.keys()], refusal);
  }

  /** What of `entries` goes: not those refused (kept until discarded), nor those of drafts `held`. */
  private _waiting(entries: readonly OutboxEntry[], held: ReadonlyMap<string, HeldBackWhy>): OutboxEntry[] {
    return entries.filter((e) => !e.rejected && !held.has(e.draftId));
  }

  /** The outbox entries after `after`, with their drafts; a failure waits for whoever awaits it. */
  private _read(after: number | undefined): ReturnType<DraftStore['outboxBatch']> {
    const read = this.store.outboxBatch({ after, limit: PUSH_BATCH_MAX });
    // Left unawaited when a push fails: not an unhandled rejection, the push's error is the one told.
    read.catch(() => undefined);
    return read;
  }

  /**
   * Takes in every change since the last pull, page by page, each page with its cursor in one
   * transaction. The next page is asked for while this one is written: on a weak signal the round
   * trip is the slow step, and the write would otherwise wait on it.
   */
  async pull(): Promise<number> {
    const [cursor, history] = await Promise.all([
      this.store.meta(SYNC_META.cursor),
      this.store.meta(SYNC_META.history),
    ]);
    let page = await this.transport.pull(Number(cursor ?? 0), PULL_PAGE_MAX);
    if (history === undefined && page.history) await this.store.setMeta(SYNC_META.history, page.history);
    let pulled = 0;
    /** Where a page held the cursor back (a draft to pull again): later pages do not move it past. */
    let held = Infinity;
    for (;;) {
      // The server went back in time: its revisions are not the ones this device holds.
      if (history !== undefined && page.history && page.history !== history) return pulled + (await this.rebase());
      const next = page.more ? this.transport.pull(page.cursor, PULL_PAGE_MAX) : undefined;
      // Left unawaited when the write fails: not an unhandled rejection, the write's error is the one told.
      next?.catch(() => undefined);
      const heldAt = await this.store.applyRemote(page.drafts, {
        key: SYNC_META.cursor,
        value: Math.min(page.cursor, held),
      });
      if (heldAt !== undefined) held = Math.min(held, heldAt);
      pulled += page.drafts.length;
      if (!next) return pulled;
      page = await next;
    }
  }
}
