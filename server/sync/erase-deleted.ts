import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** How long the server keeps a deleted draft's answers by default: the `DELETED_DRAFTS_KEEP_DAYS` setting. */
export const DELETED_KEEP_DAYS = 30;

/** Why a restore or an edit of an erased draft is refused; the device shows it with the refused change. */
export const ERASED_REASON =
  'This draft was deleted long enough ago that the team’s server has erased its answers, so it cannot be restored or edited.';

/** Drafts erased a transaction: each is short, so pushes run in between. */
const CHUNK = 500;

export interface EraseOptions {
  /** The time the keeping period counts back from (tests move it). */
  readonly now?: number;
  readonly keepMs?: number;
}

/**
 * Erases the answers (and their conflicts, and the draft's note) of every draft deleted more than
 * `keepMs` ago, and returns how many drafts it erased. The draft stays as a bare record that it
 * was deleted, so a device that still shows it learns so; a restore or an edit of it is refused
 * from then on. Without this, the words of a community that a team deleted would stay on the
 * server, and reach every device that joins, for as long as the team exists.
 */
export async function eraseDeleted(
  db: Kysely<Database>,
  { now = Date.now(), keepMs = DELETED_KEEP_DAYS * 24 * 60 * 60 * 1000 }: EraseOptions = {},
): Promise<number> {
  const before = now - keepMs;
  const teams = await db
    .selectFrom('drafts')
    .select('team_id')
    .distinct()
    .where('deleted_at', '<', before)
    .where('erased_at', 'is', null)
    .execute();
  let erased = 0;
  for (const { team_id: teamId } of teams) {
    for (;;) {
      const done = await db.transaction().execute(async (trx) => {
        // The team's lock, as a push takes it: a restore cannot commit between the read below and
        // the erasing, and bring back a draft whose answers this transaction then removes.
        await trx
          .updateTable('teams')
          .set((eb) => ({ rev: eb.ref('rev') }))
          .where('id', '=', teamId)
          .execute();
        const ids = (
          await trx
            .selectFrom('drafts')
            .select('id')
            .where('team_id', '=', teamId)
            .where('deleted_at', '<', before)
            .where('erased_at', 'is', null)
            .limit(CHUNK)
            .execute()
        ).map((d) => d.id);
        if (ids.length === 0) return 0;
        await trx.deleteFrom('draft_fields').where('team_id', '=', teamId).where('draft_id', 'in', ids).execute();
        await trx
          .updateTable('drafts')
          .set({ erased_at: now, note: null })
          .where('team_id', '=', teamId)
          .where('id', 'in', ids)
          .execute();
        return ids.length;
      });
      erased += done;
      if (done < CHUNK) break;
      // SQLite runs on this thread: let waiting requests go between transactions.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return erased;
}
