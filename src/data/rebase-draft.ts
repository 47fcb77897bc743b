import type { ServerDraft, ServerField } from '../sync/protocol.js';
import type { Draft, DraftField, OutboxEntry } from './draft.js';

/** A draft taken in again after the team's server went back in time, and what to send it again. */
export interface Rebased {
  readonly draft: Draft;
  /** The fields whose value here is later than the server's: queued again, unless already queued. */
  readonly resend: readonly string[];
  /** A deletion or restore made here later than the server's last word on the draft: queued again. */
  readonly lifecycle: 'delete' | 'restore' | undefined;
  /** The fields that took the server's value. */
  readonly taken: readonly string[];
}

function sameValue(a: DraftField, b: ServerField): boolean {
  return JSON.stringify(a.value) === JSON.stringify(b.value);
}

/**
 * Which of two differing values of a field is the later: this device's, the server's, or both
 * (each changed since the backup, neither having seen the other). Revisions tell where they can,
 * as clocks may disagree: one held here past `from` was given after the backup (the server lost
 * it), and one up to `from` is the same in the server's history, so the server's, if higher, is
 * newer. Otherwise the times tell.
 */
function later(mine: DraftField, theirs: ServerField, from: number | undefined): 'mine' | 'theirs' | 'both' {
  if (from !== undefined && mine.rev) {
    if (mine.rev > from) return theirs.rev > from ? 'both' : 'mine';
    if (theirs.rev > mine.rev) return 'theirs';
    // The server's value at the revision this one was based on was this one's base: this one is
    // an edit of it (sent, and taken as part of a conflict, which keeps revisions, then lost).
    if (theirs.rev === mine.rev) return 'mine';
  }
  return mine.changedAt > theirs.changedAt ? 'mine' : 'theirs';
}

/**
 * `local` (this device's copy, if any) against `remote` (the team's, from a server whose database
 * went back in time: see PushResponse.history). The revisions held here past the history's start
 * (`from`) are of a history the server no longer has, so every revision held here becomes the
 * server's, and {@link later} decides between two values: one later here is one the server lost,
 * kept and sent again, based on the server's revision, so it lands as the field's latest change;
 * one changed on both sides since the backup is sent as made without seeing the server's, to meet
 * it as a conflict; an earlier one gives way to the server's, unless a change of this device is
 * waiting to replace it: that change is then sent as based on what it was (a revision the server
 * shares) or on nothing, to meet the server's as a conflict rather than replace it unseen.
 *
 * @param queued this draft's changes waiting in the outbox; an answer refused here (too long for
 *   the server) counts as waiting, so it is not queued again, to be refused again
 * @param own whether a field from the server is this device's own change (it keeps its own id)
 * @param from the team's revision when its history was named (PullResponse.historyFrom), if known
 */
export function rebaseDraft(
  local: Draft | undefined,
  remote: ServerDraft,
  queued: readonly OutboxEntry[],
  own: (local: DraftField | undefined, remote: ServerField) => boolean,
  from?: number,
): Rebased {
  const taken: string[] = [];
  const fromRemote = (key: string): DraftField => {
    const f = remote.fields[key]!;
    taken.push(key);
    return {
      value: f.value,
      changedAt: f.changedAt,
      changedBy: own(local?.fields[key], f) ? local!.fields[key]!.changedBy : f.changedBy,
      rev: f.rev,
      conflict: f.conflict,
    };
  };
  if (!local) {
    const fields = Object.fromEntries(Object.keys(remote.fields).map((key) => [key, fromRemote(key)]));
    const updatedAt = Math.max(
      remote.createdAt,
      remote.deletedAt ?? 0,
      ...Object.values(remote.fields).map((f) => f.changedAt),
    );
    return {
      draft: { ...serverShape(remote), fields, updatedAt },
      resend: [],
      lifecycle: undefined,
      taken,
    };
  }
  const waiting = new Set(queued.flatMap((e) => e.fields));
  const fields: Record<string, DraftField> = {};
  const resend: string[] = [];
  for (const key of new Set([...Object.keys(local.fields), ...Object.keys(remote.fields)])) {
    const mine = local.fields[key];
    const theirs = remote.fields[key];
    if (!theirs) {
      // A field the server never had (or lost): sent as new.
      fields[key] = { ...mine!, rev: 0 };
      if (!waiting.has(key)) resend.push(key);
    } else if (!mine) {
      fields[key] = fromRemote(key);
    } else {
      const same = sameValue(mine, theirs);
      const which = later(mine, theirs, from);
      if (same && !(theirs.conflict && !mine.conflict && which !== 'theirs')) {
        fields[key] = waiting.has(key) ? { ...mine, rev: theirs.rev } : fromRemote(key);
      } else if (which !== 'theirs') {
        // Later here: a value the server lost, or a conflict settled here (the same value chosen
        // again) that the server still holds open: sent again, it settles it there too. Changed
        // there too since the backup: it meets the server's as a conflict.
        fields[key] = { ...mine, rev: which === 'mine' || same ? theirs.rev : 0 };
        if (!waiting.has(key)) resend.push(key);
      } else {
        // The server's is the later: a change waiting here meets it as made on what it was.
        const shared = from !== undefined && mine.rev !== undefined && mine.rev <= from;
        fields[key] = waiting.has(key) ? { ...mine, rev: shared ? mine.rev : 0 } : fromRemote(key);
      }
    }
  }

  const lastChange = Math.max(remote.createdAt, ...Object.values(remote.fields).map((f) => f.changedAt));
  const queuedLifecycle = queued.some((e) => e.kind === 'delete' || e.kind === 'restore');
  let deletedAt = remote.deletedAt;
  let lifecycle: Rebased['lifecycle'];
  let rev = remote.rev;
  if (queuedLifecycle) {
    deletedAt = local.deletedAt;
    // A deletion waiting here made before a teammate's edit the server holds: sent as based on
    // nothing, so the server keeps the draft for that edit, as it would have.
    if (deletedAt !== null && lastChange > deletedAt) rev = 0;
  } else if (local.deletedAt !== null && remote.deletedAt === null && local.deletedAt > lastChange) {
    deletedAt = local.deletedAt;
    lifecycle = 'delete';
  } else if (local.deletedAt === null && remote.deletedAt !== null && local.updatedAt > remote.deletedAt) {
    deletedAt = null;
    lifecycle = 'restore';
  }
  return {
    draft: {
      ...serverShape(remote),
      createdAt: local.createdAt,
      updatedAt: Math.max(local.updatedAt, lastChange, remote.deletedAt ?? 0),
      fields,
      deletedAt,
      rev,
    },
    resend,
    lifecycle,
    taken,
  };
}

/** A draft as the server holds it, before its fields and times are chosen. */
function serverShape(remote: ServerDraft): Omit<Draft, 'fields' | 'updatedAt'> {
  return {
    id: remote.id,
    worksheetId: remote.worksheetId,
    worksheetVersion: remote.worksheetVersion,
    createdAt: remote.createdAt,
    deletedAt: remote.deletedAt,
    rev: remote.rev,
    note: remote.note,
  };
}

/**
 * A draft the server does not have at all, though it had synced here: the server lost it (created
 * after the backup). Its revisions go, so it is sent again whole as new.
 */
export function unsynced(draft: Draft): Draft {
  const fields = Object.fromEntries(Object.entries(draft.fields).map(([key, f]) => [key, { ...f, rev: undefined }]));
  return { ...draft, fields, rev: undefined };
}
