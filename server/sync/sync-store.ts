import { randomUUID } from 'node:crypto';
import {
  PostgresAdapter,
  sql,
  type CompiledQuery,
  type Kysely,
  type OnConflictBuilder,
  type Transaction,
} from 'kysely';
import type { FieldValue } from '../../src/content/worksheet.js';
import type {
  FieldConflict,
  Mutation,
  MutationResult,
  MutationStatus,
  PullResponse,
  PushResponse,
  ServerDraft,
  ServerField,
} from '../../src/sync/protocol.js';
import {
  changeCount,
  changesOf,
  CLOCK_TOLERANCE_MS,
  PUSH_BATCH_MAX,
  QUIET_DEVICE_DAYS,
} from '../../src/sync/protocol.js';
import { CompiledOnce } from '../db/compiled-once.js';
import type { Database } from '../db/schema.js';
import { ERASED_REASON } from './erase-deleted.js';
import { DeviceCache } from './device-cache.js';
import { GroupCommit } from './group-commit.js';
import { historyNamedAt } from './team-history.js';
import { hashSecret, joinCode, randomSecret } from '../secrets.js';

export interface Team {
  readonly id: string;
  readonly name: string;
}

export interface Device {
  readonly id: string;
  readonly name: string;
  readonly teamId: string;
  readonly revokedAt: number | null;
  /** When it was reported lost and its team's drafts ordered off it (it is revoked too). */
  readonly eraseAt: number | null;
  /** Its changes below this seq will never be sent again (as it last said, see PushRequest.settled). */
  readonly settledBelow: number;
}

/** A push from a device revoked before its transaction began: refused, nothing applied. */
export class DeviceRevokedError extends Error {
  constructor() {
    super('This device was removed from the team.');
    this.name = 'DeviceRevokedError';
  }
}

/**
 * A push naming a history of its team other than the server's (see PushResponse.history): refused,
 * nothing applied. Its revisions are not the server's, so its edits would be merged as based on
 * what they were not.
 */
export class HistoryChangedError extends Error {
  constructor() {
    super(
      'The team’s server has gone back in time (its database was restored from a backup): this device takes in the team’s drafts again and sends what the server no longer has.',
    );
    this.name = 'HistoryChangedError';
  }
}

/** How long a device read by its token is used without reading it again (see DeviceCache). */
export const DEVICE_CACHE_MS = 2_000;

export interface SyncStoreOptions {
  /** How long a device read by its token is used without reading it again; 0 reads it every time. */
  readonly deviceCacheMs?: number;
  /**
   * The time now, which no change is taken as made after (see notAfter). Tests that run devices
   * on a simulated clock give the server the same one.
   */
  readonly now?: () => number;
  /**
   * Told when a device asked from a revision its team has not reached, and the team's history was
   * named anew for it: the database went back in time with no one saying so (see
   * PushResponse.history). An administrator wants to hear of it.
   */
  readonly onWentBack?: (event: { readonly teamId: string; readonly since: number; readonly rev: number }) => void;
}

/**
 * How often, at most, a device's last contact is written: an hour is close enough to tell a phone
 * in use from one lost or left in a drawer, and costs one write a device an hour, never one a request.
 */
export const SEEN_EVERY_MS = 60 * 60 * 1000;

/** Days without contact after which a device is pointed out as maybe lost (team list, metrics). */
const QUIET_DEVICE_MS = QUIET_DEVICE_DAYS * 24 * 60 * 60 * 1000;

/** Whether a device last in contact at `lastSeenAt` (null: not known) has been silent QUIET_DEVICE_DAYS by `now`. */
export function isQuiet(lastSeenAt: number | null, now = Date.now()): boolean {
  return lastSeenAt === null || now - lastSeenAt >= QUIET_DEVICE_MS;
}

/** What a push group answers for an item whose device turned out to be revoked. */
const DEVICE_REVOKED = 'revoked';
/** A group's answer to a push that named another history of its team (see HistoryChangedError). */
const OTHER_HISTORY = 'other-history';

/** A push group's answer to one of its pushes. */
type PushAnswer = PushResponse | typeof DEVICE_REVOKED | typeof OTHER_HISTORY;

/** The winner of two edits to one field: the later change, and on a tie the greater device id. */
function laterWins(a: { changedAt: number; device: string }, b: { changedAt: number; device: string }): boolean {
  return a.changedAt !== b.changedAt ? a.changedAt > b.changedAt : a.device > b.device;
}

function sameValue(a: FieldValue, b: FieldValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

type DraftRow = Database['drafts'];
type FieldRow = Database['draft_fields'];
type RecordRow = Database['applied_mutations'];

/** Each written table's columns, in the order its rows' values are given to an insert. */
const DRAFT_COLUMNS = [
  'team_id',
  'id',
  'worksheet_id',
  'worksheet_version',
  'created_at',
  'rev',
  'deleted_at',
  'note',
] as const satisfies readonly (keyof DraftRow)[];
const FIELD_COLUMNS = [
  'team_id',
  'draft_id',
  'key',
  'value',
  'rev',
  'changed_at',
  'changed_by',
  'conflict',
] as const satisfies readonly (keyof FieldRow)[];
const RECORD_COLUMNS = ['device_id', 'seq', 'result', 'applied_at'] as const satisfies readonly (keyof RecordRow)[];

/** The rows' values in the order an insert of `columns` takes them. */
function valuesOf<T>(rows: readonly T[], columns: readonly (keyof T)[]): unknown[] {
  return rows.flatMap((row) => columns.map((c) => row[c]));
}

/** The rows with exactly `columns`, in that order: what an insert's SQL is compiled from. */
function inColumns<T, K extends keyof T>(rows: readonly T[], columns: readonly K[]): Pick<T, K>[] {
  return rows.map((row) => Object.fromEntries(columns.map((c) => [c, row[c]])) as Pick<T, K>);
}

/** A draft of a push batch: as stored (or created by the batch), with what the batch changed. */
interface BatchDraft {
  row: DraftRow;
  /** Whether the batch changed the draft's row (it is then written once, at the end). */
  dirty: boolean;
  readonly fields: Map<string, FieldRow>;
  readonly dirtyFields: Set<string>;
}

type Batch = Map<string, BatchDraft>;

interface PushItem {
  readonly device: Device;
  readonly mutations: readonly Mutation[];
  readonly since: number | undefined;
  readonly settled: number | undefined;
  readonly history: string | undefined;
}

/**
 * JSON a pull page holds, about: on a weak signal a page must arrive well within the device's
 * 30 s timeout, or a team of long answers could never be pulled. 1,000 drafts of short answers
 * (~750 KB) still come in one page.
 */
const PULL_PAGE_BYTES = 1024 * 1024;
/** Drafts whose fields a pull reads at a time, so a page of long answers stops early. */
const PULL_FIELDS_PART = 250;
/** A field's and a draft's JSON besides their values, about (names, revisions, times). */
const FIELD_OVERHEAD_BYTES = 100;
const DRAFT_OVERHEAD_BYTES = 200;

/**
 * Rows a group may write in one statement on PostgreSQL: at 8 parameters a row at most, well
 * inside its 65,535 parameters a statement.
 */
const ONE_STATEMENT_ROWS = 4_000;

/** The most parameters the group's read takes in one statement on PostgreSQL (it allows 65,535). */
const ONE_READ_PARAMETERS = 20_000;

/** A draft written again takes the group's revision, deletion and note. */
function onDraftConflict(oc: OnConflictBuilder<Database, 'drafts'>) {
  return oc.columns(['team_id', 'id']).doUpdateSet((eb) => ({
    rev: eb.ref('excluded.rev'),
    deleted_at: eb.ref('excluded.deleted_at'),
    note: eb.ref('excluded.note'),
  }));
}

/** A field written again takes everything the group decided for it. */
function onFieldConflict(oc: OnConflictBuilder<Database, 'draft_fields'>) {
  return oc.columns(['team_id', 'draft_id', 'key']).doUpdateSet((eb) => ({
    value: eb.ref('excluded.value'),
    rev: eb.ref('excluded.rev'),
    changed_at: eb.ref('excluded.changed_at'),
    changed_by: eb.ref('excluded.changed_by'),
    conflict: eb.ref('excluded.conflict'),
  }));
}

/**
 * `m` without the fields whose change is already applied: a run of changes sent again after its
 * answer was lost, and grown since, applies only what it gained.
 */
function withoutApplied(m: Mutation, unapplied: readonly number[]): Mutation {
  if (unapplied.length === changesOf(m).length) return m;
  const fresh = new Set(unapplied);
  return {
    ...m,
    fields: Object.fromEntries(Object.entries(m.fields).filter(([, edit]) => fresh.has(edit.seq ?? m.seq))),
  };
}

/**
 * `m` with no time later than `now`, when it arrived: nothing was changed after it reached the
 * server, and a device whose clock runs ahead (set by hand, or reset) would otherwise win every
 * conflict (the later change wins) and stamp its answers months on. A clock behind cannot be told
 * from an edit made long ago offline, so it stands.
 */
function notAfter(m: Mutation, now: number): Mutation {
  const ahead = m.createdAt > now || Object.values(m.fields).some((edit) => edit.changedAt > now);
  if (!ahead) return m;
  return {
    ...m,
    createdAt: Math.min(m.createdAt, now),
    fields: Object.fromEntries(
      Object.entries(m.fields).map(([key, edit]) => [key, { ...edit, changedAt: Math.min(edit.changedAt, now) }]),
    ),
  };
}

/**
 * `result` with the answers of the changes `m` covers that were applied apart from it (a run sent
 * again after its answer was lost), where those differ from it: see MutationResult.earlier.
 */
function withEarlier(result: MutationResult, m: Mutation, recorded: (seq: number) => MutationResult): MutationResult {
  const earlier: MutationResult[] = [];
  for (const seq of changesOf(m)) {
    if (seq === m.seq) continue;
    const { status, reason, rev } = recorded(seq);
    if (rev !== result.rev || status !== result.status)
      earlier.push(reason === undefined ? { seq, status, rev } : { seq, status, reason, rev });
  }
  return earlier.length ? { ...result, earlier } : result;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Applies one mutation to the batch's drafts in memory, at revision `rev`. The rules: a delete
 * loses to another device's edit made after the deleting device last saw the draft; an edit to a
 * deleted draft restores it; a field edit based on the latest value (or on this device's own)
 * replaces it, and otherwise the later change wins with the other kept as the field's conflict.
 */
function applyMutation(batch: Batch, device: Device, m: Mutation, rev: number): MutationResult {
  const reject = (reason: string): MutationResult => ({ seq: m.seq, status: 'rejected', reason, rev: 0 });
  const existing = batch.get(m.draftId);
  if (!existing && m.kind !== 'upsert') return reject('There is no such draft on the team’s server.');
  if (existing && existing.row.worksheet_id !== m.worksheetId)
    return reject('This draft belongs to another worksheet.');
  // Its retention over, the server erased its answers: a restore or an edit would bring back a
  // draft missing every answer it did not carry, on every device, as if that were all of it.
  if (existing?.row.erased_at != null && (m.kind === 'restore' || Object.keys(m.fields).length > 0))
    return reject(ERASED_REASON);

  if (m.kind === 'delete') {
    const draft = existing!;
    draft.dirty = true;
    // Another device edited the draft after this one last saw it: the edit wins over the delete.
    // (This device's own later edits, in this batch or one it had not heard back about, do not.)
    const editedByOthers = [...draft.fields.values()].some((f) => f.rev > m.baseRev && f.changed_by !== device.id);
    if (editedByOthers && draft.row.deleted_at === null) {
      draft.row = { ...draft.row, rev, note: `Kept: ${device.name} deleted it, but it had been edited since.` };
      return {
        seq: m.seq,
        status: 'conflict',
        reason: 'The draft was edited after this device last saw it, so it was kept.',
        rev,
      };
    }
    draft.row = { ...draft.row, rev, deleted_at: Date.now(), note: null };
    return { seq: m.seq, status: 'applied', rev };
  }

  let status: MutationStatus = 'applied';
  let note = existing?.row.note ?? null;
  let deletedAt = existing?.row.deleted_at ?? null;
  if (m.kind === 'restore' || (deletedAt !== null && Object.keys(m.fields).length > 0)) {
    if (deletedAt !== null && m.kind !== 'restore') {
      note = `Restored: ${device.name} edited it after it was deleted.`;
      status = 'conflict';
    }
    deletedAt = null;
  }
  const draft: BatchDraft = existing ?? {
    row: {
      team_id: device.teamId,
      id: m.draftId,
      worksheet_id: m.worksheetId,
      worksheet_version: m.worksheetVersion,
      created_at: m.createdAt,
      rev,
      deleted_at: null,
      note: null,
      erased_at: null,
    },
    dirty: true,
    fields: new Map(),
    dirtyFields: new Set(),
  };
  if (existing) draft.row = { ...draft.row, rev, deleted_at: deletedAt, note };
  draft.dirty = true;
  batch.set(m.draftId, draft);

  let keptOthers = false;
  for (const [key, edit] of Object.entries(m.fields)) {
    const stored = draft.fields.get(key);
    draft.dirtyFields.add(key);
    const value = JSON.stringify(edit.value);
    if (!stored || edit.baseRev >= stored.rev || stored.changed_by === device.id) {
      // New, or based on the latest value (or on this device's own): a plain edit. It settles a
      // conflict the device has seen; one its value won after its base stays, so the teammate's
      // losing value is not gone before anyone saw it (answered as a conflict: the device pulls it).
      const unseen = stored && edit.baseRev < stored.rev ? stored.conflict : null;
      draft.fields.set(key, {
        team_id: device.teamId,
        draft_id: m.draftId,
        key,
        value,
        rev,
        changed_at: edit.changedAt,
        changed_by: device.id,
        conflict: unseen,
      });
      if (unseen) status = 'conflict';
      continue;
    }
    keptOthers = true;
    const storedValue = JSON.parse(stored.value) as FieldValue;
    // Two devices changed this field independently: one rule picks the same winner everywhere,
    // and the other value stays visible as the conflict.
    const incomingWins = laterWins(
      { changedAt: edit.changedAt, device: device.id },
      { changedAt: stored.changed_at, device: stored.changed_by },
    );
    if (sameValue(storedValue, edit.value)) {
      // Both wrote the same thing: no conflict. The later of the two is the field's latest change,
      // at a new revision, so a change met after it that was made between them, or was based on
      // the earlier without having seen this one, meets it as a conflict, as it would had the
      // two values differed (and the later change wins), rather than silently replacing it.
      if (incomingWins) draft.fields.set(key, { ...stored, rev, changed_at: edit.changedAt, changed_by: device.id });
      continue;
    }
    const loser: FieldConflict = incomingWins
      ? { value: storedValue, changedAt: stored.changed_at, changedBy: stored.changed_by }
      : { value: edit.value, changedAt: edit.changedAt, changedBy: device.id };
    draft.fields.set(key, {
      ...stored,
      ...(incomingWins ? { value, changed_at: edit.changedAt, changed_by: device.id } : {}),
      rev,
      conflict: JSON.stringify(loser),
    });
    status = 'conflict';
  }
  if (status === 'applied' && keptOthers) status = 'merged';
  return { seq: m.seq, status, rev };
}

/**
 * Puts drafts and their fields as read into a batch: numbers as numbers (PostgreSQL gives a
 * bigint as text), nothing yet changed.
 */
function addToBatch(batch: Batch, drafts: readonly DraftRow[], fields: readonly FieldRow[]): void {
  for (const row of drafts) {
    batch.set(row.id, {
      row: {
        ...row,
        rev: Number(row.rev),
        deleted_at: row.deleted_at === null ? null : Number(row.deleted_at),
        erased_at: row.erased_at === null ? null : Number(row.erased_at),
      },
      dirty: false,
      fields: new Map(),
      dirtyFields: new Set(),
    });
  }
  for (const f of fields) {
    batch.get(f.draft_id)?.fields.set(f.key, { ...f, rev: Number(f.rev), changed_at: Number(f.changed_at) });
  }
}

/** Each device's new settled mark from a group's pushes, where it rose (see {@link settle}). */
function settleMarks(items: readonly PushItem[]): Map<string, number> {
  const marks = new Map<string, number>();
  for (const { device, settled } of items) {
    if (settled !== undefined && settled > Math.max(device.settledBelow, marks.get(device.id) ?? 0))
      marks.set(device.id, settled);
  }
  return marks;
}

/**
 * Records how far each device of a group says its changes are settled, where that rose: what
 * lets `forgetSettled` remove their records. A mark only rises (a late push cannot lower it).
 */
async function settle(trx: Transaction<Database>, compiled: CompiledOnce, items: readonly PushItem[]): Promise<void> {
  for (const [id, mark] of settleMarks(items))
    await trx.executeQuery(
      compiled.query('push-settle', [mark, id, mark], () =>
        trx.updateTable('devices').set({ settled_below: mark }).where('id', '=', id).where('settled_below', '<', mark),
      ),
    );
}

/**
 * Teams, devices and drafts on the server, over Kysely, so the same code runs on SQLite and on
 * PostgreSQL. Every mutation is applied in the same transaction as the record that it was applied,
 * so a mutation is applied exactly once however often it arrives.
 */
export class SyncStore {
  /** Statements are round trips on PostgreSQL, and in-process calls on SQLite. */
  private readonly _postgres: boolean;

  private readonly _devices: DeviceCache<Device & { teamName: string }>;

  /** When this process last wrote each device's last contact (see SEEN_EVERY_MS). */
  private readonly _seenWritten = new Map<string, number>();

  /** What this process last wrote of each device's clock (see noteClock). */
  private readonly _clockWritten = new Map<string, number | null>();

  constructor(
    private readonly db: Kysely<Database>,
    /** Derives join codes; the same on every instance that shares the database. */
    private readonly serverSecret: string,
    { deviceCacheMs = DEVICE_CACHE_MS, now = Date.now, onWentBack }: SyncStoreOptions = {},
  ) {
    this._now = now;
    this._onWentBack = onWentBack;
    this._postgres = db.getExecutor().adapter instanceof PostgresAdapter;
    this._devices = new DeviceCache(deviceCacheMs);
  }

  private readonly _now: () => number;
  private readonly _onWentBack: SyncStoreOptions['onWentBack'];

  /** The push's statements, compiled once per shape: see CompiledOnce. */
  private readonly _compiled = new CompiledOnce();

  /** Whether the database answers (for /ready). */
  async ping(): Promise<boolean> {
    await sql`SELECT 1`.execute(this.db);
    return true;
  }

  // — Teams and devices —

  async createTeam(name: string): Promise<Team & { code: string }> {
    const id = randomUUID();
    const code = joinCode(this.serverSecret, id, 1);
    await this.db
      .insertInto('teams')
      .values({
        id,
        name,
        join_code_hash: hashSecret(code),
        join_version: 1,
        rev: 0,
        created_at: Date.now(),
        ...historyNamedAt(0),
      })
      .execute();
    return { id, name, code };
  }

  async teams(): Promise<(Team & { devices: number; createdAt: number })[]> {
    const rows = await this.db
      .selectFrom('teams')
      .leftJoin('devices', (j) => j.onRef('devices.team_id', '=', 'teams.id').on('devices.revoked_at', 'is', null))
      .select((eb) => ['teams.id', 'teams.name', 'teams.created_at', eb.fn.count<number>('devices.id').as('devices')])
      .groupBy(['teams.id', 'teams.name', 'teams.created_at'])
      .orderBy('teams.created_at')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: Number(r.created_at), devices: Number(r.devices) }));
  }

  /** The team's latest revision: what a device that has pulled up to it has seen of the team. */
  async teamRev(teamId: string): Promise<number> {
    const team = await this.db.selectFrom('teams').select(['rev']).where('id', '=', teamId).executeTakeFirst();
    return Number(team?.rev ?? 0);
  }

  async firstTeam(): Promise<Team | undefined> {
    return this.db.selectFrom('teams').select(['id', 'name']).orderBy('created_at').limit(1).executeTakeFirst();
  }

  async findTeam(idOrName: string): Promise<Team | undefined> {
    return this.db
      .selectFrom('teams')
      .select(['id', 'name'])
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .orderBy('created_at')
      .executeTakeFirst();
  }

  /** The team's current join code (derivable, never stored). */
  async joinCodeOf(teamId: string): Promise<string | undefined> {
    const team = await this.db.selectFrom('teams').select(['join_version']).where('id', '=', teamId).executeTakeFirst();
    return team && joinCode(this.serverSecret, teamId, team.join_version);
  }

  /** Makes a new join code; the old link stops working at once. Devices already joined stay. */
  async rotateJoinCode(teamId: string): Promise<string> {
    const team = await this.db
      .selectFrom('teams')
      .select(['join_version'])
      .where('id', '=', teamId)
      .executeTakeFirstOrThrow();
    const version = team.join_version + 1;
    const code = joinCode(this.serverSecret, teamId, version);
    await this.db
      .updateTable('teams')
      .set({ join_version: version, join_code_hash: hashSecret(code) })
      .where('id', '=', teamId)
      .execute();
    return code;
  }

  /**
   * Deletes a team and everything of it on this server, in one transaction: its drafts and their
   * fields, its devices (whose tokens stop working) and their record of applied changes. For a
   * project that has ended and whose community's words should not be kept. Says what went.
   */
  async deleteTeam(teamId: string): Promise<{ drafts: number; devices: number } | undefined> {
    const result = await this.db.transaction().execute(async (trx) => {
      const team = await trx.selectFrom('teams').select('id').where('id', '=', teamId).executeTakeFirst();
      if (!team) return undefined;
      const devices = await trx.selectFrom('devices').select('id').where('team_id', '=', teamId).execute();
      const ids = devices.map((d) => d.id);
      for (const part of chunks(ids, 500))
        await trx.deleteFrom('applied_mutations').where('device_id', 'in', part).execute();
      await trx.deleteFrom('draft_fields').where('team_id', '=', teamId).execute();
      const drafts = await trx.deleteFrom('drafts').where('team_id', '=', teamId).executeTakeFirst();
      await trx.deleteFrom('devices').where('team_id', '=', teamId).execute();
      await trx.deleteFrom('teams').where('id', '=', teamId).execute();
      return { drafts: Number(drafts.numDeletedRows), devices: ids };
    });
    if (!result) return undefined;
    for (const id of result.devices) this._devices.forget(id);
    return { drafts: result.drafts, devices: result.devices.length };
  }

  /** Joins a device to the team whose code this is; the token is shown once and stored as a hash. */
  async join(code: string, deviceName: string): Promise<{ token: string; device: Device; team: Team } | undefined> {
    const team = await this.db
      .selectFrom('teams')
      .select(['id', 'name'])
      .where('join_code_hash', '=', hashSecret(code))
      .executeTakeFirst();
    if (!team) return undefined;
    const token = randomSecret();
    const device: Device = {
      id: randomUUID(),
      name: deviceName,
      teamId: team.id,
      revokedAt: null,
      eraseAt: null,
      settledBelow: 0,
    };
    const now = Date.now();
    await this.db
      .insertInto('devices')
      .values({
        id: device.id,
        team_id: team.id,
        name: deviceName,
        token_hash: hashSecret(token),
        created_at: now,
        revoked_at: null,
        settled_below: 0,
        last_seen_at: now,
        erase_at: null,
        erase_told_at: null,
      })
      .execute();
    this._seenWritten.set(device.id, now);
    return { token, device, team };
  }

  /**
   * Notes that `deviceId` reached the server at `now`: written when this process last wrote it
   * SEEN_EVERY_MS or more ago (an instance of several writes its own hourly at most).
   */
  async seen(deviceId: string, now = Date.now()): Promise<void> {
    const written = this._seenWritten.get(deviceId);
    if (written !== undefined && now - written < SEEN_EVERY_MS) return;
    this._seenWritten.set(deviceId, now);
    await this.db
      .updateTable('devices')
      .set({ last_seen_at: now })
      .where('id', '=', deviceId)
      .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<', now)]))
      .execute();
  }

  /**
   * Notes how far `deviceId`'s clock, `clock` as it sent a push, is from the server's: kept while
   * CLOCK_TOLERANCE_MS or more (its changes are timed by the server's clock meanwhile, but its
   * user may not have set it right), for `team -- list`. Written when it comes or goes, or moves by
   * the tolerance again, as this process last wrote it: a push in transit makes a few seconds.
   * @returns the offset kept (null: the clocks agree), and whether it was written now
   */
  async noteClock(deviceId: string, clock: number): Promise<{ offset: number | null; written: boolean }> {
    const off = this._now() - clock;
    const offset = Math.abs(off) < CLOCK_TOLERANCE_MS ? null : off;
    const written = this._clockWritten.get(deviceId);
    const same =
      written !== undefined &&
      (written === null || offset === null ? written === offset : Math.abs(written - offset) < CLOCK_TOLERANCE_MS);
    if (same) return { offset: written, written: false };
    this._clockWritten.set(deviceId, offset);
    await this.db.updateTable('devices').set({ clock_offset: offset }).where('id', '=', deviceId).execute();
    return { offset, written: true };
  }

  /**
   * The device a token belongs to, revoked or not; undefined for an unknown token. As read up to
   * `deviceCacheMs` ago: a change made through this store is seen at once, one made elsewhere
   * within that time (a push checks revocation in its own transaction).
   */
  async deviceByToken(token: string): Promise<(Device & { teamName: string }) | undefined> {
    const tokenHash = hashSecret(token);
    const cached = this._devices.get(tokenHash);
    if (cached) return cached;
    const mark = this._devices.mark;
    const row = await this.db
      .selectFrom('devices')
      .innerJoin('teams', 'teams.id', 'devices.team_id')
      .select([
        'devices.id',
        'devices.name',
        'devices.team_id',
        'devices.revoked_at',
        'devices.erase_at',
        'devices.settled_below',
        'teams.name as team_name',
      ])
      .where('devices.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!row) return undefined;
    const device = {
      id: row.id,
      name: row.name,
      teamId: row.team_id,
      revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
      eraseAt: row.erase_at === null ? null : Number(row.erase_at),
      settledBelow: Number(row.settled_below),
      teamName: row.team_name,
    };
    this._devices.set(tokenHash, device, mark);
    return device;
  }

  async devices(teamId: string): Promise<
    (Device & {
      createdAt: number;
      lastSeenAt: number | null;
      eraseToldAt: number | null;
      clockOffset: number | null;
    })[]
  > {
    const rows = await this.db
      .selectFrom('devices')
      .selectAll()
      .where('team_id', '=', teamId)
      .orderBy('created_at')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      teamId: r.team_id,
      revokedAt: r.revoked_at === null ? null : Number(r.revoked_at),
      eraseAt: r.erase_at === null ? null : Number(r.erase_at),
      settledBelow: Number(r.settled_below),
      createdAt: Number(r.created_at),
      lastSeenAt: r.last_seen_at === null ? null : Number(r.last_seen_at),
      eraseToldAt: r.erase_told_at === null ? null : Number(r.erase_told_at),
      clockOffset: r.clock_offset === null ? null : Number(r.clock_offset),
    }));
  }

  /** How many devices, not revoked, are quiet by `now` (see isQuiet). */
  async quietDevices(now = Date.now()): Promise<number> {
    const row = await this.db
      .selectFrom('devices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('last_seen_at', 'is', null), eb('last_seen_at', '<=', now - QUIET_DEVICE_MS)]))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** How many devices, not revoked, showed their clock set apart from the server's (see noteClock). */
  async clockApartDevices(): Promise<number> {
    const row = await this.db
      .selectFrom('devices')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('revoked_at', 'is', null)
      .where('clock_offset', 'is not', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async renameDevice(deviceId: string, name: string): Promise<void> {
    await this.db.updateTable('devices').set({ name }).where('id', '=', deviceId).execute();
    this._devices.forget(deviceId);
  }

  async revokeDevice(deviceId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('devices')
      .set({ revoked_at: Date.now() })
      .where('id', '=', deviceId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    this._devices.forget(deviceId);
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * A device reported lost or stolen: revoked (if it was not already), and told at its next request
   * to erase its team's drafts and unsent changes. False for no such device, or one already told to.
   */
  async eraseDevice(deviceId: string, now = Date.now()): Promise<boolean> {
    const result = await this.db
      .updateTable('devices')
      .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(now)), erase_at: now }))
      .where('id', '=', deviceId)
      .where('erase_at', 'is', null)
      .executeTakeFirst();
    this._devices.forget(deviceId);
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Takes back an erase order the device has not been told of yet (it was found): it stays revoked,
   * and keeps what it holds until it rejoins. False when there is no such order, or it was told.
   */
  async cancelErase(deviceId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('devices')
      .set({ erase_at: null })
      .where('id', '=', deviceId)
      .where('erase_at', 'is not', null)
      .where('erase_told_at', 'is', null)
      .executeTakeFirst();
    this._devices.forget(deviceId);
    return Number(result.numUpdatedRows) > 0;
  }

  /** Whether `deviceId` has been ordered to erase its team's drafts (read now, not as cached). */
  async eraseOrdered(deviceId: string): Promise<boolean> {
    const row = await this.db.selectFrom('devices').select('erase_at').where('id', '=', deviceId).executeTakeFirst();
    return row?.erase_at != null;
  }

  /**
   * Notes the first time the server told a lost device to erase its drafts, what `team -- list`
   * reports; says whether this was that first time.
   */
  async eraseTold(deviceId: string, now = Date.now()): Promise<boolean> {
    const result = await this.db
      .updateTable('devices')
      .set({ erase_told_at: now })
      .where('id', '=', deviceId)
      .where('erase_told_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // — Push —

  /** Pushes waiting on their team's previous transaction, written together when it ends. */
  private readonly _pushes = new GroupCommit<PushItem, PushAnswer>({
    run: (items) => this._pushGroup(items),
    sizeOf: (item) => changeCount(item.mutations),
    maxSize: PUSH_BATCH_MAX,
  });

  /**
   * Applies a batch in order, in one transaction; each mutation exactly once, each with its own
   * result. The team row is locked first, so every change to the team's drafts (on any instance)
   * is read and written one transaction at a time, and what is read under the lock is the truth: a
   * repeat, sequential or concurrent (it waited on the lock), gets the stored result.
   *
   * Pushes to one team that arrive while its previous transaction is being written share the next
   * one (group commit): many devices syncing at once pay for one durable commit, not one each.
   */
  async push(
    device: Device,
    mutations: readonly Mutation[],
    since?: number,
    settled?: number,
    history?: string,
  ): Promise<PushResponse> {
    if (mutations.length === 0) return { results: [] };
    const answer = await this._pushes.submit(device.teamId, { device, mutations, since, settled, history });
    if (answer === DEVICE_REVOKED) throw new DeviceRevokedError();
    if (answer === OTHER_HISTORY) throw new HistoryChangedError();
    return answer;
  }

  /**
   * One transaction for a group of pushes to one team, applied in arrival order as if one after
   * another. The group's drafts and fields are read in two queries, the mutations applied to them
   * in memory in order, and each changed row written once at the end: a handful of statements a
   * group, where a statement a field per mutation made the database most of the push's time.
   */
  private async _pushGroup(items: readonly PushItem[]): Promise<PushAnswer[]> {
    const teamId = items[0]!.device.teamId;
    const deviceIds = [...new Set(items.map((i) => i.device.id))];
    return this.db.transaction().execute(async (trx) => {
      // The team's lock, and whether any of the group's devices has been revoked since its token
      // was checked (a cached device can be up to deviceCacheMs old): in the same statement, as
      // every statement is a round trip on PostgreSQL. A revocation committed before it began is seen.
      // On PostgreSQL the devices' settled marks are written in the same statement (a round trip
      // less); they only rise, and a mark is the device's word alone, whatever the group does.
      const marks = this._postgres ? settleMarks(items) : new Map<string, number>();
      const [team] = (
        marks.size > 0
          ? await trx.executeQuery(this._lockAndSettle(trx, teamId, deviceIds, marks))
          : await trx.executeQuery(
              this._compiled.query(`push-lock:${deviceIds.length}`, [teamId, ...deviceIds], () =>
                trx
                  .updateTable('teams')
                  .set((eb) => ({ rev: eb.ref('rev') }))
                  .where('id', '=', teamId)
                  .returning((eb) => [
                    'rev',
                    'history',
                    eb
                      .selectFrom('devices')
                      .select((d) => d.fn.countAll<number>().as('n'))
                      .where('id', 'in', deviceIds)
                      .where('revoked_at', 'is not', null)
                      .as('revoked'),
                  ]),
              ),
            )
      ).rows;
      // Deleted (npm run team -- delete) since its devices were read: they are in no team now.
      if (!team) return items.map(() => DEVICE_REVOKED);
      const revoked = new Set<string>();
      if (Number(team.revoked) > 0) {
        const rows = await trx
          .selectFrom('devices')
          .select('id')
          .where('id', 'in', deviceIds)
          .where('revoked_at', 'is not', null)
          .execute();
        for (const row of rows) revoked.add(row.id);
      }
      let history = team.history;
      // A device that has seen a revision the team has not reached: the database went back in time
      // (a backup restored without `npm run restore` or `team restored`, which name a new history).
      // The team's history is named anew, so every device of it learns, not only this one.
      const ahead = Math.max(...items.filter((i) => !revoked.has(i.device.id)).map((i) => i.since ?? 0));
      if (ahead > Number(team.rev)) {
        const named = historyNamedAt(Number(team.rev));
        history = named.history;
        await trx.updateTable('teams').set(named).where('id', '=', teamId).execute();
        this._onWentBack?.({ teamId, since: ahead, rev: Number(team.rev) });
      }
      /** Pushes whose revisions are of another history: their merge would be based on what they were not. */
      const elsewhere = (i: PushItem): boolean =>
        (i.history !== undefined && i.history !== history) || (i.since !== undefined && i.since > Number(team.rev));
      const live = items.filter((i) => !revoked.has(i.device.id) && !elsewhere(i));
      /** Each item's answer, in the group's order: the live items' answers, or why an item was not applied. */
      const answered = (answers: readonly PushResponse[]): PushAnswer[] => {
        let next = 0;
        return items.map((i) =>
          revoked.has(i.device.id) ? DEVICE_REVOKED : elsewhere(i) ? OTHER_HISTORY : answers[next++]!,
        );
      };
      let rev = Number(team.rev);
      const now = this._now();
      const applied = new Map<string, MutationResult>();
      const key = (deviceId: string, seq: number): string => `${deviceId} ${seq}`;
      /** The changes of `m` not yet applied: usually all or none, some when a run grew since. */
      const fresh = (device: Device, m: Mutation): number[] =>
        changesOf(m).filter((seq) => !applied.has(key(device.id, seq)));
      const seqs = [...new Set(live.flatMap((i) => i.mutations.flatMap(changesOf)))];
      const draftIds = [...new Set(live.flatMap((i) => i.mutations.map((m) => m.draftId)))];
      let batch: Batch;
      if (this._postgres && seqs.length > 0 && seqs.length + 2 * draftIds.length <= ONE_READ_PARAMETERS) {
        // One statement, not three: on PostgreSQL each is a round trip, and the team's next group
        // waits for this one. Every draft of the group is read, a repeat's too (it is then left as is).
        const read = await this._readGroup(trx, teamId, deviceIds, seqs, draftIds);
        for (const [deviceId, seq, result] of read.applied)
          applied.set(key(deviceId, Number(seq)), JSON.parse(result) as MutationResult);
        batch = read.batch;
      } else {
        for (const part of chunks(seqs, 500)) {
          // Devices × seqs can over-read (another device's seq); the key below keeps only the pairs asked.
          const { rows } = await trx.executeQuery(
            this._compiled.query(`push-applied:${deviceIds.length}:${part.length}`, [...deviceIds, ...part], () =>
              trx
                .selectFrom('applied_mutations')
                .select(['device_id', 'seq', 'result'])
                .where('device_id', 'in', deviceIds)
                .where('seq', 'in', part),
            ),
          );
          for (const row of rows)
            applied.set(key(row.device_id, Number(row.seq)), JSON.parse(row.result) as MutationResult);
        }
        batch = await this._loadBatch(trx, teamId, [
          ...new Set(
            live.flatMap((i) => i.mutations.filter((m) => fresh(i.device, m).length > 0).map((m) => m.draftId)),
          ),
        ]);
      }

      const answers: PushResponse[] = [];
      const records: RecordRow[] = [];
      for (const { device, mutations, since } of live) {
        const before = rev;
        const results: MutationResult[] = [];
        for (const m of mutations) {
          const unapplied = fresh(device, m);
          let result: MutationResult;
          if (unapplied.length === 0) {
            result = { ...applied.get(key(device.id, m.seq))!, seq: m.seq };
          } else {
            // Every mutation takes the team's next revision, as it always has (refused ones too).
            rev += 1;
            result = applyMutation(batch, device, notAfter(withoutApplied(m, unapplied), now), rev);
            const stored = JSON.stringify(result);
            for (const seq of unapplied) {
              applied.set(key(device.id, seq), result);
              records.push({ device_id: device.id, seq, result: stored, applied_at: Date.now() });
            }
          }
          results.push(withEarlier(result, m, (seq) => applied.get(key(device.id, seq))!));
        }
        // The device saw everything up to `since`; if that was the team's revision before this push
        // and nothing merged or conflicted, the push's revisions hold only what the device sent.
        const echoOnly = since === before && results.every((r) => r.status === 'applied' || r.status === 'rejected');
        answers.push(echoOnly ? { results, cursor: rev, history } : { results, history });
      }
      if (!this._postgres) await settle(trx, this._compiled, live);
      if (records.length === 0) return answered(answers);

      const drafts = [...batch.values()].filter((d) => d.dirty).map((d) => d.row);
      const fields = [...batch.values()].flatMap((d) => [...d.dirtyFields].map((key) => d.fields.get(key)!));
      await this._writeGroup(trx, teamId, rev, drafts, fields, records);
      return answered(answers);
    });
  }

  /**
   * Writes a group's changes and the team's new revision. On PostgreSQL in one statement (through
   * data-modifying CTEs) when it is small enough: every statement is a round trip, and the team's
   * next group waits for this one to commit. SQLite runs in process (no trips) and has no
   * data-modifying CTEs, so there, and for a group too large for one statement's parameters, the
   * rows go in statements of at most 1,000.
   */
  private async _writeGroup(
    trx: Transaction<Database>,
    teamId: string,
    rev: number,
    drafts: readonly DraftRow[],
    fields: readonly FieldRow[],
    records: readonly RecordRow[],
  ): Promise<void> {
    const rows = drafts.length + fields.length + records.length;
    if (this._postgres && drafts.length > 0 && fields.length > 0 && rows <= ONE_STATEMENT_ROWS) {
      const shape = `push-write:${drafts.length}:${fields.length}:${records.length}`;
      const parameters = [
        ...valuesOf(drafts, DRAFT_COLUMNS),
        ...valuesOf(fields, FIELD_COLUMNS),
        ...valuesOf(records, RECORD_COLUMNS),
        rev,
        teamId,
      ];
      await trx.executeQuery(
        this._compiled.query(shape, parameters, () =>
          trx
            .with('written_drafts', (db) =>
              db.insertInto('drafts').values(inColumns(drafts, DRAFT_COLUMNS)).onConflict(onDraftConflict),
            )
            .with('written_fields', (db) =>
              db.insertInto('draft_fields').values(inColumns(fields, FIELD_COLUMNS)).onConflict(onFieldConflict),
            )
            .with('written_mutations', (db) =>
              db.insertInto('applied_mutations').values(inColumns(records, RECORD_COLUMNS)),
            )
            .updateTable('teams')
            .set({ rev })
            .where('id', '=', teamId),
        ),
      );
      return;
    }
    await trx.executeQuery(
      this._compiled.query('push-rev', [rev, teamId], () =>
        trx.updateTable('teams').set({ rev }).where('id', '=', teamId),
      ),
    );
    for (const part of chunks(drafts, 1_000))
      await trx.executeQuery(
        this._compiled.query(`push-drafts-write:${part.length}`, valuesOf(part, DRAFT_COLUMNS), () =>
          trx.insertInto('drafts').values(inColumns(part, DRAFT_COLUMNS)).onConflict(onDraftConflict),
        ),
      );
    for (const part of chunks(fields, 1_000))
      await trx.executeQuery(
        this._compiled.query(`push-fields-write:${part.length}`, valuesOf(part, FIELD_COLUMNS), () =>
          trx.insertInto('draft_fields').values(inColumns(part, FIELD_COLUMNS)).onConflict(onFieldConflict),
        ),
      );
    for (const part of chunks(records, 1_000))
      await trx.executeQuery(
        this._compiled.query(`push-records-write:${part.length}`, valuesOf(part, RECORD_COLUMNS), () =>
          trx.insertInto('applied_mutations').values(inColumns(part, RECORD_COLUMNS)),
        ),
      );
  }

  /**
   * The push's lock statement with the devices' new settled marks written in it (PostgreSQL: a
   * data-modifying CTE): the team's revision, and how many of the group's devices are revoked.
   */
  private _lockAndSettle(
    trx: Transaction<Database>,
    teamId: string,
    deviceIds: readonly string[],
    marks: ReadonlyMap<string, number>,
  ): CompiledQuery<{ rev: number | string; history: string; revoked: number | string }> {
    const settled = [...marks];
    const parameters = [...settled.flat(), teamId, ...deviceIds];
    return this._compiled.query(`push-lock-settle:${settled.length}:${deviceIds.length}`, parameters, () => ({
      compile: () =>
        sql<{ rev: number | string; history: string; revoked: number | string }>`with settled as (
            update devices set settled_below = v.mark
            from (values ${sql.join(settled.map(([id, mark]) => sql`(${id}, ${mark}::bigint)`))}) as v (id, mark)
            where devices.id = v.id and devices.settled_below < v.mark
          )
          update teams set rev = rev where id = ${teamId}
          returning rev, history, (select count(*) from devices where id in (${sql.join(deviceIds.map((d) => sql`${d}`))})
            and revoked_at is not null) as revoked`.compile(trx),
    }));
  }

  /**
   * On PostgreSQL, in one statement: the records of the group's changes already applied (device,
   * seq, result) and the group's drafts with their fields, as {@link _loadBatch} reads them.
   */
  private async _readGroup(
    trx: Transaction<Database>,
    teamId: string,
    deviceIds: readonly string[],
    seqs: readonly number[],
    draftIds: readonly string[],
  ): Promise<{ applied: [string, number | string, string][]; batch: Batch }> {
    const shape = `push-read:${deviceIds.length}:${seqs.length}:${draftIds.length}`;
    const parameters = [...deviceIds, ...seqs, teamId, ...draftIds, teamId, ...draftIds];
    const list = (values: readonly unknown[]) => sql.join(values.map((v) => sql`${v}`));
    const {
      rows: [read],
    } = await trx.executeQuery(
      this._compiled.query(shape, parameters, () => ({
        compile: () =>
          sql<{ applied: [string, number | string, string][]; drafts: DraftRow[]; fields: FieldRow[] }>`select
            (select coalesce(json_agg(json_build_array(a.device_id, a.seq, a.result)), '[]'::json)
              from applied_mutations a where a.device_id in (${list(deviceIds)}) and a.seq in (${list(seqs)})) as applied,
            (select coalesce(json_agg(d), '[]'::json)
              from drafts d where d.team_id = ${teamId} and d.id in (${list(draftIds)})) as drafts,
            (select coalesce(json_agg(f), '[]'::json)
              from draft_fields f where f.team_id = ${teamId} and f.draft_id in (${list(draftIds)})) as fields`.compile(
            trx,
          ),
      })),
    );
    const batch: Batch = new Map();
    addToBatch(batch, read!.drafts, read!.fields);
    return { applied: read!.applied, batch };
  }

  /** The batch's drafts as stored, with their fields, keyed by draft id. */
  private async _loadBatch(trx: Transaction<Database>, teamId: string, ids: readonly string[]): Promise<Batch> {
    const batch: Batch = new Map();
    for (const part of chunks(ids, 500)) {
      const { rows: drafts } = await trx.executeQuery(
        this._compiled.query(`push-drafts-read:${part.length}`, [teamId, ...part], () =>
          trx.selectFrom('drafts').selectAll().where('team_id', '=', teamId).where('id', 'in', part),
        ),
      );
      const { rows: fields } = await trx.executeQuery(
        this._compiled.query(`push-fields-read:${part.length}`, [teamId, ...part], () =>
          trx.selectFrom('draft_fields').selectAll().where('team_id', '=', teamId).where('draft_id', 'in', part),
        ),
      );
      addToBatch(batch, drafts, fields);
    }
    return batch;
  }

  // — Pull —

  /**
   * The drafts changed since `since`, oldest change first: at most `limit` of them, and about
   * PULL_PAGE_BYTES of JSON (always at least one draft). Their fields are read a part at a time,
   * so a page of long answers is cut before it is all in memory.
   */
  async pull(teamId: string, since: number, limit: number): Promise<PullResponse> {
    const { history, historyFrom } = await this._historyAfter(teamId, since);
    const drafts = await this.db
      .selectFrom('drafts')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('rev', '>', since)
      .orderBy('rev')
      .limit(limit + 1)
      .execute();
    const nameOf = await this._deviceNames(teamId);
    const result: ServerDraft[] = [];
    let bytes = 0;
    let full = false;
    for (const part of chunks(drafts.slice(0, limit), PULL_FIELDS_PART)) {
      const fields = await this.db
        .selectFrom('draft_fields')
        .selectAll()
        .where('team_id', '=', teamId)
        .where(
          'draft_id',
          'in',
          part.map((d) => d.id),
        )
        .execute();
      const byDraft = new Map<string, { fields: Record<string, ServerField>; bytes: number }>();
      for (const f of fields) {
        const entry = byDraft.get(f.draft_id) ?? { fields: {}, bytes: 0 };
        entry.fields[f.key] = serverField(f, nameOf);
        // The stored JSON is what goes out, plus the field's other members; in UTF-8 bytes, as a
        // character of an answer in Vietnamese or Chinese takes two to four.
        entry.bytes +=
          Buffer.byteLength(f.value) + (f.conflict ? Buffer.byteLength(f.conflict) : 0) + FIELD_OVERHEAD_BYTES;
        byDraft.set(f.draft_id, entry);
      }
      for (const d of part) {
        const entry = byDraft.get(d.id);
        const size = DRAFT_OVERHEAD_BYTES + (d.note ? Buffer.byteLength(d.note) : 0) + (entry?.bytes ?? 0);
        if (result.length > 0 && bytes + size > PULL_PAGE_BYTES) {
          full = true;
          break;
        }
        bytes += size;
        result.push(serverDraft(d, entry?.fields ?? {}));
      }
      if (full) break;
    }
    const last = result.at(-1);
    return {
      drafts: result,
      cursor: last ? last.rev : since,
      more: full || drafts.length > limit,
      history,
      historyFrom,
    };
  }

  /**
   * The team's history, for a device that has seen its revisions up to `since`. A device that has
   * seen one the team has not reached shows that the database went back in time (a backup restored
   * as it was): the team's history is then named anew, once, so each of its devices learns.
   */
  private async _historyAfter(teamId: string, since: number): Promise<{ history: string; historyFrom: number }> {
    const read = () =>
      this.db
        .selectFrom('teams')
        .select(['rev', 'history', 'history_from'])
        .where('id', '=', teamId)
        .executeTakeFirst();
    const team = await read();
    if (!team || since <= Number(team.rev))
      return { history: team?.history ?? '', historyFrom: Number(team?.history_from ?? 0) };
    const named = historyNamedAt(Number(team.rev));
    // Only over the history read: a push or another pull may have named it anew meanwhile.
    const { numUpdatedRows } = await this.db
      .updateTable('teams')
      .set(named)
      .where('id', '=', teamId)
      .where('history', '=', team.history)
      .executeTakeFirst();
    if (Number(numUpdatedRows) > 0) {
      this._onWentBack?.({ teamId, since, rev: Number(team.rev) });
      return { history: named.history, historyFrom: named.history_from };
    }
    const now = await read();
    return { history: now?.history ?? '', historyFrom: Number(now?.history_from ?? 0) };
  }

  /**
   * Names every team's history anew (or `teamId`'s): after a database is restored from a backup by
   * other means than `npm run restore` (pg_restore), so devices holding revisions from after the
   * backup send again what the server lost. Harmless when nothing was lost: each device takes the
   * team in again.
   */
  async renameHistories(teamId?: string): Promise<number> {
    const teams = await this.db
      .selectFrom('teams')
      .select(['id', 'rev'])
      .$if(teamId !== undefined, (q) => q.where('id', '=', teamId!))
      .execute();
    for (const { id, rev } of teams)
      await this.db
        .updateTable('teams')
        .set(historyNamedAt(Number(rev)))
        .where('id', '=', id)
        .execute();
    return teams.length;
  }

  /** One draft as the team holds it (deleted ones too), or undefined when the team has no such draft. */
  async draft(teamId: string, id: string): Promise<ServerDraft | undefined> {
    const row = await this.db
      .selectFrom('drafts')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const nameOf = await this._deviceNames(teamId);
    const fields = await this.db
      .selectFrom('draft_fields')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('draft_id', '=', id)
      .execute();
    return serverDraft(row, Object.fromEntries(fields.map((f) => [f.key, serverField(f, nameOf)])));
  }

  /** The team's devices' names by id: a change goes out named for the device that made it. */
  private async _deviceNames(teamId: string): Promise<(id: string) => string> {
    const names = new Map(
      (await this.db.selectFrom('devices').select(['id', 'name']).where('team_id', '=', teamId).execute()).map((d) => [
        d.id,
        d.name,
      ]),
    );
    return (id) => names.get(id) ?? 'a device no longer in the team';
  }
}

/** A stored field as it goes out, its changes named for their devices. */
function serverField(f: FieldRow, nameOf: (id: string) => string): ServerField {
  const conflict = f.conflict ? (JSON.parse(f.conflict) as FieldConflict) : null;
  return {
    value: JSON.parse(f.value) as FieldValue,
    rev: Number(f.rev),
    changedAt: Number(f.changed_at),
    changedBy: nameOf(f.changed_by),
    conflict: conflict && { ...conflict, changedBy: nameOf(conflict.changedBy) },
  };
}

/** A stored draft as it goes out, with its fields. */
function serverDraft(d: DraftRow, fields: Record<string, ServerField>): ServerDraft {
  return {
    id: d.id,
    worksheetId: d.worksheet_id,
    worksheetVersion: d.worksheet_version,
    createdAt: Number(d.created_at),
    rev: Number(d.rev),
    deletedAt: d.deleted_at === null ? null : Number(d.deleted_at),
    note: d.note,
    fields,
  };
}
