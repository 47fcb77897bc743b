import type { DraftStore } from '../data/draft-store.js';
import type { Draft, OutboxEntry } from '../data/draft.js';
import type { FieldEdit, Mutation, MutationResult } from './protocol.js';
import { PUSH_BATCH_MAX } from './protocol.js';
import { SyncHttpError, type SyncTransport } from './sync-transport.js';

/** Keys of the sync facts kept on the device. */
export const SYNC_META = {
  token: 'sync-token',
  deviceId: 'sync-device-id',
  team: 'sync-team',
  cursor: 'sync-cursor',
  lastSynced: 'sync-last-synced',
} as const;

const PULL_PAGE = 200;
/** A push body stays well under the server's 1 MiB limit. */
const BATCH_BYTES = 512 * 1024;

export interface SyncOutcome {
  readonly pushed: number;
  readonly rejected: number;
  readonly pulled: number;
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

  async sync(): Promise<SyncOutcome> {
    const { pushed, rejected } = await this.push();
    const pulled = await this.pull();
    await this.store.setMeta(SYNC_META.lastSynced, String(Date.now()));
    return { pushed, rejected, pulled };
  }

  /** Turns an outbox entry into the mutation the server applies, from the draft as it is now. */
  private _mutation(entry: OutboxEntry, draft: Draft | undefined): Mutation | null {
    if (!draft) return null;
    const keys = entry.kind === 'create' ? Object.keys(draft.fields) : entry.fields;
    const fields: Record<string, FieldEdit> = {};
    for (const key of keys) {
      const field = draft.fields[key];
      if (field) fields[key] = { value: field.value, baseRev: field.rev ?? 0, changedAt: field.changedAt };
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

  async push(): Promise<{ pushed: number; rejected: number }> {
    let pushed = 0;
    let rejected = 0;
    // Refused entries stay in the outbox until discarded; the read moves past them.
    let after: number | undefined;
    // Only this engine moves the cursor while it holds the sync lock, so it is read once.
    let since = Number((await this.store.meta(SYNC_META.cursor)) ?? 0);
    for (;;) {
      const { entries: read, drafts } = await this.store.outboxBatch({ after, limit: PUSH_BATCH_MAX });
      if (read.length === 0) return { pushed, rejected };
      const waiting = read.filter((e) => !e.rejected);
      if (waiting.length === 0) {
        after = read.at(-1)!.seq;
        continue;
      }
      const batch: OutboxEntry[] = [];
      const mutations: Mutation[] = [];
      let bytes = 0;
      const orphans: MutationResult[] = [];
      for (const entry of waiting) {
        if (batch.length >= PUSH_BATCH_MAX) break;
        const mutation = this._mutation(entry, drafts.get(entry.draftId));
        if (!mutation) {
          orphans.push({
            seq: entry.seq!,
            status: 'rejected',
            reason: 'The draft is no longer on this device.',
            rev: 0,
          });
          batch.push(entry);
          continue;
        }
        const size = JSON.stringify(mutation).length;
        if (mutations.length > 0 && bytes + size > BATCH_BYTES) break;
        bytes += size;
        batch.push(entry);
        mutations.push(mutation);
      }
      const answer = mutations.length ? await this.transport.push({ mutations, since }) : { results: [] };
      const results = answer.results;
      const sent = new Set(mutations.map((m) => m.seq));
      if (!Array.isArray(results) || results.length !== mutations.length || results.some((r) => !sent.has(r.seq))) {
        // Not an acknowledgement we can trust: keep everything and try again later.
        throw new SyncHttpError(200, 'bad_ack', 'The server’s acknowledgement did not match what was sent.');
      }
      // When the server says the batch was the team's only change since this device's last pull,
      // the cursor moves past it (with the acknowledgement): no downloading its own changes again.
      const moved = typeof answer.cursor === 'number' && answer.cursor > since ? answer.cursor : undefined;
      await this.store.acknowledge(
        batch,
        [...results, ...orphans],
        moved === undefined ? undefined : { key: SYNC_META.cursor, value: String(moved) },
      );
      if (moved !== undefined) since = moved;
      // A batch cut short by its size goes on from its last entry; otherwise from the last read.
      after = batch.length < waiting.length ? batch.at(-1)!.seq : read.at(-1)!.seq;
      pushed += results.filter((r) => r.status !== 'rejected').length;
      rejected += results.filter((r) => r.status === 'rejected').length + orphans.length;
    }
  }

  /** Takes in every change since the last pull, page by page, saving the cursor after each. */
  async pull(): Promise<number> {
    let since = Number((await this.store.meta(SYNC_META.cursor)) ?? 0);
    let pulled = 0;
    for (;;) {
      const page = await this.transport.pull(since, PULL_PAGE);
      await this.store.applyRemote(page.drafts);
      pulled += page.drafts.length;
      since = page.cursor;
      await this.store.setMeta(SYNC_META.cursor, String(since));
      if (!page.more) return pulled;
    }
  }
}
