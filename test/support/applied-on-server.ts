import type { Kysely } from 'kysely';
import type { Database } from '../../server/db/schema.js';

export interface Applied {
  /** Changes the server recorded as applied: one each, however often a change was sent. */
  readonly changes: number;
  /**
   * Times the server applied something: the changes of one mutation (a draft's run of edits)
   * share one application and its recorded result.
   */
  readonly applications: number;
  /** The team's revision: every application takes one, so it equals `applications` when nothing was applied twice. */
  readonly rev: number;
  /** The changes recorded, by the id of the device that made them. */
  readonly seqs: ReadonlyMap<string, ReadonlySet<number>>;
}

/** What the server applied for a team. */
export async function appliedOnServer(db: Kysely<Database>, teamId: string): Promise<Applied> {
  const rows = await db
    .selectFrom('applied_mutations')
    .innerJoin('devices', 'devices.id', 'applied_mutations.device_id')
    .select(['applied_mutations.device_id', 'applied_mutations.seq', 'applied_mutations.result'])
    .where('devices.team_id', '=', teamId)
    .execute();
  const team = await db.selectFrom('teams').select('rev').where('id', '=', teamId).executeTakeFirstOrThrow();
  const seqs = new Map<string, Set<number>>();
  for (const r of rows) seqs.set(r.device_id, (seqs.get(r.device_id) ?? new Set()).add(Number(r.seq)));
  return {
    seqs,
    changes: rows.length,
    applications: new Set(rows.map((r) => `${r.device_id} ${r.result}`)).size,
    rev: Number(team.rev),
  };
}
