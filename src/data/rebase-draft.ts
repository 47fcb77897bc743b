import type { ServerDraft } from '../sync/protocol.js';
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

function sameValue(a: DraftField, b: ServerDraft['fields'][string]): boolean {
  return JSON.stringify(a.value) === JSON.stringify(b.value);
}

/**
 * `local` (this device's copy, if any) against `remote` (the team's, from a server whose database
 * went back in time: see PushResponse.history). The revisions held here are of a history the
 * server no longer has, so they are all replaced by the server's, and times decide instead: a
 * value changed here (or heard of here) after the server's is one the server lost, and is kept
 * and sent again, based on the server's revision, so it lands as the field's latest change; an
 * earlier one gives way to the server's, unless a change of this device is waiting to replace
 * it: that change is then sent as made without seeing the server's, to meet it as a conflict
 * rather than replace it unseen.
 *
 * @param queued this draft's changes waiting in the outbox; an answer refused here (too long for
 *   the server) counts as waiting, so it is not queued again, to be refused again
 * @param own whether a field from the server is this device's own change (it keeps its own id)
 */
export function rebaseDraft(
  local: Draft | undefined,
  remote: ServerDraft,
  queued: readonly OutboxEntry[],
  own: (local: DraftField | undefined, remote: ServerDraft['fields'][string]) => boolean,
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
    } else if (sameValue(mine, theirs) && !(theirs.conflict && !mine.conflict && mine.changedAt > theirs.changedAt)) {
      fields[key] = waiting.has(key) ? { ...mine, rev: theirs.rev } : fromRemote(key);
    } else if (mine.changedAt > theirs.changedAt) {
      // Later here: a value the server lost, or a conflict settled here (the same value chosen
      // again) that the server still holds open: sent again, it settles it there too.
      fields[key] = { ...mine, rev: theirs.rev };
      if (!waiting.has(key)) resend.push(key);
    } else {
      // The server's is the later: a change waiting here meets it as made without seeing it.
      fields[key] = waiting.has(key) ? { ...mine, rev: 0 } : fromRemote(key);
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
