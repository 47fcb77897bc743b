import type { FieldValue } from '../content/worksheet.js';
import type { FieldConflict, MutationStatus } from '../sync/protocol.js';

/** How many days a deleted draft stays on the device (for Undo, and "Restore this draft") before it is erased. */
export const DELETED_KEEP_DAYS = 30;

/**
 * One field of a draft with when and where it last changed. A merge works field by field, so
 * each field carries its own history marker rather than the draft as a whole.
 */
export interface DraftField {
  readonly value: FieldValue;
  /** When the field last changed, in ms since the epoch, on the device that changed it. */
  readonly changedAt: number;
  /** The device that made the change (its id here, or its name when the change came from the team). */
  readonly changedBy: string;
  /** The server revision this value is, or was edited from; absent until the field first syncs. */
  readonly rev?: number;
  /** Another device's value for the field, kept until someone on the team chooses. */
  readonly conflict?: FieldConflict | null;
}

/** Who last changed an answer, and when: a teammate, named as the team's server knows them. */
export interface AnswerAuthor {
  readonly by: string;
  readonly at: number;
}

/**
 * The teammate whose change a draft's field is: a field the team's server sent (it has a
 * revision, and names its device) that this device, `deviceId`, has not changed since.
 */
export function teammateOf(field: DraftField | undefined, deviceId: string | undefined): AnswerAuthor | undefined {
  if (!field || field.rev === undefined || field.changedBy === deviceId) return undefined;
  return { by: field.changedBy, at: field.changedAt };
}

/** A strategy draft as stored on the device. */
export interface Draft {
  /** `crypto.randomUUID()`, made on the device that created the draft. */
  readonly id: string;
  /** The worksheet (and its version) the draft answers. */
  readonly worksheetId: string;
  readonly worksheetVersion: number;
  readonly createdAt: number;
  /** The latest change to any field, or the deletion; orders the drafts list. */
  readonly updatedAt: number;
  /** Context fields (title, community, date) and question answers, by id. */
  readonly fields: Readonly<Record<string, DraftField>>;
  /** A deleted draft stays as a tombstone, so the deletion can sync and be undone. */
  readonly deletedAt: number | null;
  /** The draft's server revision last seen here; absent until it first syncs. */
  readonly rev?: number;
  /** What the server said when it changed the draft on its own (such as restoring it). */
  readonly note?: string | null;
}

/**
 * An edit saved blind: one field's new value, written without reading its draft so that an
 * autosave costs one request. It is folded into its draft (and queued in the outbox) by the
 * store's next write to drafts; until then every read of the draft applies it (see withEdits).
 */
export interface FieldEdit {
  readonly draftId: string;
  readonly key: string;
  readonly value: FieldValue;
  /** When the edit was made, on this device. */
  readonly at: number;
  /** This device's id. */
  readonly by: string;
  /** Where the typing of the edit began, for an edit typed in a field (see AutosaveController). */
  readonly typed?: TypedFrom;
}

/**
 * What a field showed as the user began typing in it: a version the team's server sent since,
 * which the typist never saw, is not replaced unseen, nor is a conflict that came with it settled.
 */
export interface TypedFrom {
  /** The field's server revision then. */
  readonly rev: number;
  /** Whether it showed a conflict then: typing over one seen settles it, as choosing does. */
  readonly sawConflict: boolean;
}

/** When the draft's answers last changed (or it was made, if never). */
export function lastEdited(draft: Draft): number {
  return Math.max(draft.createdAt, ...Object.values(draft.fields).map((f) => f.changedAt));
}

/**
 * The draft with blind edits applied, as a read-merge-write of each would have left it (see
 * {@link editedField}). The same object when there are none.
 */
export function withEdits(draft: Draft, edits: readonly FieldEdit[]): Draft {
  if (edits.length === 0) return draft;
  const fields = { ...draft.fields };
  let updatedAt = 0;
  for (const edit of edits) {
    fields[edit.key] = editedField(draft.fields[edit.key], edit);
    updatedAt = Math.max(updatedAt, edit.at);
  }
  return { ...draft, fields, updatedAt };
}

/**
 * A field as an edit leaves it: the edit's value, keeping the field's server revision (what the
 * edit is based on), and settling any conflict on it: the user has seen both versions. Not so for
 * an edit typed since before the team's server sent the field a newer version (its `typed.rev`
 * older than the field's): that version appeared under the typist's fingers, unseen. A teammate's
 * value the typing replaced is kept as the field's conflict, and the edit goes based on what the
 * typist saw, which the server meets as a conflict too (the later change wins, the other stays);
 * a conflict that came with the newer version stays, and so does one that came during the typing
 * (it was not there when the typing began), until someone chooses.
 */
function editedField(field: DraftField | undefined, edit: FieldEdit): DraftField {
  const edited = { value: edit.value, changedAt: edit.at, changedBy: edit.by };
  const typed = edit.typed;
  if (!field || !typed) return { ...edited, rev: field?.rev ?? 0, conflict: null };
  if (field.rev !== undefined && field.rev > typed.rev) {
    if (field.changedBy !== edit.by && JSON.stringify(field.value) !== JSON.stringify(edit.value)) {
      const replaced = { value: field.value, changedAt: field.changedAt, changedBy: field.changedBy };
      return { ...edited, rev: typed.rev, conflict: replaced };
    }
    if (field.conflict) return { ...edited, rev: typed.rev, conflict: field.conflict };
  }
  const kept = typed.sawConflict ? null : (field.conflict ?? null);
  return { ...edited, rev: field.rev ?? 0, conflict: kept };
}

/** A recorded change, waiting in the outbox for the sync engine. */
export interface OutboxEntry {
  /** Assigned by IndexedDB, increasing: the order changes were made on this device. */
  readonly seq?: number;
  readonly draftId: string;
  readonly kind: 'create' | 'update' | 'delete' | 'restore';
  /** The fields this change touched (their values are read from the draft when sent). */
  readonly fields: readonly string[];
  readonly at: number;
  /** Set when the team's server refused the change: shown to the user until fixed or discarded. */
  readonly rejected?: string;
  /**
   * When this device refused the change itself: its answers the server would never take, which a
   * discard takes back to the team's version (none: the answers were too large only together).
   */
  readonly refused?: readonly string[];
}

/**
 * Changes of a batch this device refused itself, by seq: the answers the server would never take,
 * and why. Its other answers were sent, unless the change was refused whole.
 */
export type RefusedAnswers = ReadonlyMap<number, { readonly fields: readonly string[]; readonly reason: string }>;

/**
 * The draft once the team's server has taken one of its changes at revision `rev`: the change's
 * fields are now the server's latest there, so later edits to them build on that revision. The
 * draft's own revision (what a delete says it saw) moves only when the draft is first synced:
 * other devices may have changed it meanwhile, and only a pull shows that.
 *
 * A conflict's answer does not say which value the server kept for each field, so its fields keep
 * their revisions: the pull that follows brings the server's, and an edit made before it is sent
 * as based on what the device last saw, to meet the teammate's change as a conflict rather than
 * replace it unseen.
 */
export function withServerRevision(
  draft: Draft,
  fields: readonly string[],
  { status, rev }: { readonly status: MutationStatus; readonly rev: number },
): Draft {
  const next = { ...draft.fields };
  if (status !== 'conflict') {
    for (const key of fields) {
      const field = next[key];
      if (field) next[key] = { ...field, rev: Math.max(field.rev ?? 0, rev) };
    }
  }
  return { ...draft, fields: next, rev: draft.rev ?? rev };
}

/** The draft's title, or what to call it when it has none. */
export function draftTitle(draft: Draft): string {
  const title = draft.fields['title']?.value;
  return typeof title === 'string' && title.trim() ? title.trim() : 'Untitled draft';
}
