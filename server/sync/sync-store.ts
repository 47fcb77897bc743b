import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { FieldValue } from '../../src/content/worksheet.js';
import type {
  FieldConflict,
  Mutation,
  MutationResult,
  MutationStatus,
  PullResponse,
  ServerDraft,
  ServerField,
} from '../../src/sync/protocol.js';
import type { Database } from '../db/schema.js';
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
}

/** The winner of two edits to one field: the later change, and on a tie the greater device id. */
function laterWins(a: { changedAt: number; device: string }, b: { changedAt: number; device: string }): boolean {
  return a.changedAt !== b.changedAt ? a.changedAt > b.changedAt : a.device > b.device;
}

function sameValue(a: FieldValue, b: FieldValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Teams, devices and drafts on the server, over Kysely, so the same code runs on SQLite and on
 * PostgreSQL. Every mutation is applied in the same transaction as the record that it was applied,
 * so a mutation is applied exactly once however often it arrives.
 */
export class SyncStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** Derives join codes; the same on every instance that shares the database. */
    private readonly serverSecret: string,
  ) {}

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
      .values({ id, name, join_code_hash: hashSecret(code), join_version: 1, rev: 0, created_at: Date.now() })
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

  /** Joins a device to the team whose code this is; the token is shown once and stored as a hash. */
  async join(code: string, deviceName: string): Promise<{ token: string; device: Device; team: Team } | undefined> {
    const team = await this.db
      .selectFrom('teams')
      .select(['id', 'name'])
      .where('join_code_hash', '=', hashSecret(code))
      .executeTakeFirst();
    if (!team) return undefined;
    const token = randomSecret();
    const device: Device = { id: randomUUID(), name: deviceName, teamId: team.id, revokedAt: null };
    await this.db
      .insertInto('devices')
      .values({
        id: device.id,
        team_id: team.id,
        name: deviceName,
        token_hash: hashSecret(token),
        created_at: Date.now(),
        revoked_at: null,
      })
      .execute();
    return { token, device, team };
  }

  /** The device a token belongs to, revoked or not; undefined for an unknown token. */
  async deviceByToken(token: string): Promise<(Device & { teamName: string }) | undefined> {
    const row = await this.db
      .selectFrom('devices')
      .innerJoin('teams', 'teams.id', 'devices.team_id')
      .select(['devices.id', 'devices.name', 'devices.team_id', 'devices.revoked_at', 'teams.name as team_name'])
      .where('devices.token_hash', '=', hashSecret(token))
      .executeTakeFirst();
    return (
      row && {
        id: row.id,
        name: row.name,
        teamId: row.team_id,
        revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
        teamName: row.team_name,
      }
    );
  }

  async devices(teamId: string): Promise<(Device & { createdAt: number })[]> {
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
      createdAt: Number(r.created_at),
    }));
  }

  async renameDevice(deviceId: string, name: string): Promise<void> {
    await this.db.updateTable('devices').set({ name }).where('id', '=', deviceId).execute();
  }

  async revokeDevice(deviceId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('devices')
      .set({ revoked_at: Date.now() })
      .where('id', '=', deviceId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  // — Push —

  /**
   * Applies a batch in order, in one transaction; each mutation exactly once, each with its own
   * result. The team row is locked first, so every change to the team's drafts (on any instance)
   * is read and written one batch at a time, and the applied records read under the lock are the
   * truth: a repeat, sequential or concurrent (it waited on the lock), gets the stored result.
   * One commit a batch rather than one a mutation: the commit is most of a write's cost.
   */
  async push(device: Device, mutations: readonly Mutation[]): Promise<MutationResult[]> {
    if (mutations.length === 0) return [];
    return this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('teams')
        .set((eb) => ({ rev: eb.ref('rev') }))
        .where('id', '=', device.teamId)
        .execute();
      const seqs = [...new Set(mutations.map((m) => m.seq))];
      const applied = new Map<number, MutationResult>();
      for (let i = 0; i < seqs.length; i += 500) {
        const rows = await trx
          .selectFrom('applied_mutations')
          .select(['seq', 'result'])
          .where('device_id', '=', device.id)
          .where('seq', 'in', seqs.slice(i, i + 500))
          .execute();
        for (const row of rows) applied.set(Number(row.seq), JSON.parse(row.result) as MutationResult);
      }
      const results: MutationResult[] = [];
      const records: Insertable<Database['applied_mutations']>[] = [];
      for (const m of mutations) {
        let result = applied.get(m.seq);
        if (!result) {
          result = await this._apply(trx, device, m);
          applied.set(m.seq, result);
          records.push({ device_id: device.id, seq: m.seq, result: JSON.stringify(result), applied_at: Date.now() });
        }
        results.push(result);
      }
      // Rows of 4 values, well under SQLite's 32,766 bound parameters a statement.
      for (let i = 0; i < records.length; i += 1_000) {
        await trx
          .insertInto('applied_mutations')
          .values(records.slice(i, i + 1_000))
          .execute();
      }
      return results;
    });
  }

  private async _apply(trx: Transaction<Database>, device: Device, m: Mutation): Promise<MutationResult> {
    const reject = (reason: string): MutationResult => ({ seq: m.seq, status: 'rejected', reason, rev: 0 });
    // Under the team lock (see push), so revisions commit in order and a pull never skips a change.
    const { rev } = await trx
      .updateTable('teams')
      .set((eb) => ({ rev: eb('rev', '+', 1) }))
      .where('id', '=', device.teamId)
      .returning('rev')
      .executeTakeFirstOrThrow();
    const newRev = Number(rev);
    const existing = await trx
      .selectFrom('drafts')
      .selectAll()
      .where('team_id', '=', device.teamId)
      .where('id', '=', m.draftId)
      .executeTakeFirst();
    if (!existing && m.kind !== 'upsert') return reject('There is no such draft on the team’s server.');
    if (existing && existing.worksheet_id !== m.worksheetId) return reject('This draft belongs to another worksheet.');

    let status: MutationStatus = 'applied';
    let note: string | null = existing?.note ?? null;
    let deletedAt =
      existing?.deleted_at === undefined || existing.deleted_at === null ? null : Number(existing.deleted_at);

    if (m.kind === 'delete') {
      if (existing && Number(existing.rev) > m.baseRev && deletedAt === null) {
        // Someone edited the draft after this device last saw it: the edit wins over the delete.
        await trx
          .updateTable('drafts')
          .set({ rev: newRev, note: `Kept: ${device.name} deleted it, but it had been edited since.` })
          .where('team_id', '=', device.teamId)
          .where('id', '=', m.draftId)
          .execute();
        return {
          seq: m.seq,
          status: 'conflict',
          reason: 'The draft was edited after this device last saw it, so it was kept.',
          rev: newRev,
        };
      }
      await trx
        .updateTable('drafts')
        .set({ rev: newRev, deleted_at: Date.now(), note: null })
        .where('team_id', '=', device.teamId)
        .where('id', '=', m.draftId)
        .execute();
      return { seq: m.seq, status: 'applied', rev: newRev };
    }

    if (m.kind === 'restore' || (deletedAt !== null && Object.keys(m.fields).length > 0)) {
      if (deletedAt !== null && m.kind !== 'restore') {
        note = `Restored: ${device.name} edited it after it was deleted.`;
        status = 'conflict';
      }
      deletedAt = null;
    }

    if (!existing) {
      await trx
        .insertInto('drafts')
        .values({
          team_id: device.teamId,
          id: m.draftId,
          worksheet_id: m.worksheetId,
          worksheet_version: m.worksheetVersion,
          created_at: m.createdAt,
          rev: newRev,
          deleted_at: null,
          note: null,
        })
        .execute();
    } else {
      await trx
        .updateTable('drafts')
        .set({ rev: newRev, deleted_at: deletedAt, note })
        .where('team_id', '=', device.teamId)
        .where('id', '=', m.draftId)
        .execute();
    }

    const keys = Object.keys(m.fields);
    // A draft new to the server has no fields yet.
    const current =
      keys.length && existing
        ? await trx
            .selectFrom('draft_fields')
            .selectAll()
            .where('team_id', '=', device.teamId)
            .where('draft_id', '=', m.draftId)
            .where('key', 'in', keys)
            .execute()
        : [];
    const byKey = new Map(current.map((f) => [f.key, f]));
    let keptOthers = false;
    const inserts: Insertable<Database['draft_fields']>[] = [];
    for (const key of keys) {
      const edit = m.fields[key]!;
      const stored = byKey.get(key);
      const row = {
        team_id: device.teamId,
        draft_id: m.draftId,
        key,
        value: JSON.stringify(edit.value),
        rev: newRev,
        changed_at: edit.changedAt,
        changed_by: device.id,
        conflict: null as string | null,
      };
      if (!stored) {
        inserts.push(row);
        continue;
      }
      const storedRev = Number(stored.rev);
      const storedValue = JSON.parse(stored.value) as FieldValue;
      if (edit.baseRev >= storedRev || stored.changed_by === device.id) {
        // Based on the latest value (or on this device's own): a plain edit; it also settles a conflict.
        await trx
          .updateTable('draft_fields')
          .set({
            value: row.value,
            rev: newRev,
            changed_at: row.changed_at,
            changed_by: row.changed_by,
            conflict: null,
          })
          .where('team_id', '=', device.teamId)
          .where('draft_id', '=', m.draftId)
          .where('key', '=', key)
          .execute();
        continue;
      }
      keptOthers = true;
      if (sameValue(storedValue, edit.value)) continue; // both devices wrote the same thing
      // Two devices changed this field independently: one rule picks the same winner everywhere,
      // and the other value stays visible as the conflict.
      const incomingWins = laterWins(
        { changedAt: edit.changedAt, device: device.id },
        { changedAt: Number(stored.changed_at), device: stored.changed_by },
      );
      const loser: FieldConflict = incomingWins
        ? { value: storedValue, changedAt: Number(stored.changed_at), changedBy: stored.changed_by }
        : { value: edit.value, changedAt: edit.changedAt, changedBy: device.id };
      const winner = incomingWins ? { value: row.value, changed_at: row.changed_at, changed_by: row.changed_by } : {};
      await trx
        .updateTable('draft_fields')
        .set({ ...winner, rev: newRev, conflict: JSON.stringify(loser) })
        .where('team_id', '=', device.teamId)
        .where('draft_id', '=', m.draftId)
        .where('key', '=', key)
        .execute();
      status = 'conflict';
    }
    if (inserts.length) await trx.insertInto('draft_fields').values(inserts).execute();
    if (status === 'applied' && keptOthers) status = 'merged';
    return { seq: m.seq, status, rev: newRev };
  }

  // — Pull —

  /** The drafts changed since `since`, oldest change first, at most `limit` of them. */
  async pull(teamId: string, since: number, limit: number): Promise<PullResponse> {
    const drafts = await this.db
      .selectFrom('drafts')
      .selectAll()
      .where('team_id', '=', teamId)
      .where('rev', '>', since)
      .orderBy('rev')
      .limit(limit + 1)
      .execute();
    const more = drafts.length > limit;
    const page = drafts.slice(0, limit);
    const ids = page.map((d) => d.id);
    const fields = ids.length
      ? await this.db
          .selectFrom('draft_fields')
          .selectAll()
          .where('team_id', '=', teamId)
          .where('draft_id', 'in', ids)
          .execute()
      : [];
    const names = new Map(
      (await this.db.selectFrom('devices').select(['id', 'name']).where('team_id', '=', teamId).execute()).map((d) => [
        d.id,
        d.name,
      ]),
    );
    const byDraft = new Map<string, Record<string, ServerField>>();
    for (const f of fields) {
      const record = byDraft.get(f.draft_id) ?? {};
      const conflict = f.conflict ? (JSON.parse(f.conflict) as FieldConflict) : null;
      record[f.key] = {
        value: JSON.parse(f.value) as FieldValue,
        rev: Number(f.rev),
        changedAt: Number(f.changed_at),
        changedBy: names.get(f.changed_by) ?? 'a device no longer in the team',
        conflict: conflict && {
          ...conflict,
          changedBy: names.get(conflict.changedBy) ?? 'a device no longer in the team',
        },
      };
      byDraft.set(f.draft_id, record);
    }
    const result: ServerDraft[] = page.map((d) => ({
      id: d.id,
      worksheetId: d.worksheet_id,
      worksheetVersion: d.worksheet_version,
      createdAt: Number(d.created_at),
      rev: Number(d.rev),
      deletedAt: d.deleted_at === null ? null : Number(d.deleted_at),
      note: d.note,
      fields: byDraft.get(d.id) ?? {},
    }));
    return { drafts: result, cursor: page.length ? Number(page[page.length - 1]!.rev) : since, more };
  }
}
