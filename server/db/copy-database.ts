import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/** The tables in an order that keeps every reference whole. */
const TABLES = [
  'teams',
  'devices',
  'drafts',
  'draft_fields',
  'applied_mutations',
  'admin_actions',
] as const satisfies readonly (keyof Database)[];

type Table = (typeof TABLES)[number];

/** Rows a statement: well under PostgreSQL's 65,535 parameters at nine columns a row. */
const ROWS_A_STATEMENT = 500;

export class CopyDatabaseError extends Error {
  override name = 'CopyDatabaseError';
}

/** How many rows of each table a copy wrote. */
export type Copied = Record<Table, number>;

/**
 * Copies every row of `from` (an SQLite database) into `to` (both migrated to the same version), in one transaction of
 * `to`: all of it or, on any failure, nothing. Ids, token hashes, revisions and the teams'
 * histories go as they are, so the devices carry on against the copy as if nothing had moved
 * (their tokens work, their cursors and revisions hold). `to` must hold no team: a copy never
 * mixes two servers' teams, nor writes over one.
 */
export async function copyDatabase(from: Kysely<Database>, to: Kysely<Database>): Promise<Copied> {
  const held = await to
    .selectFrom('teams')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(held.n) > 0)
    throw new CopyDatabaseError(
      `The database to copy into already holds ${Number(held.n)} team${Number(held.n) === 1 ? '' : 's'}: copy only into a new, empty one ` +
        '(the server makes a team when it first starts on a database: copy before starting it there).',
    );
  const copied = Object.fromEntries(TABLES.map((table) => [table, 0])) as Copied;
  // Read in one transaction of `from`: a snapshot, whole even if a server writes to it meanwhile.
  await from.transaction().execute((snapshot) =>
    to.transaction().execute(async (trx) => {
      for (const table of TABLES) {
        let after = 0;
        for (;;) {
          // Read a part at a time, so a large team's answers are never all in memory at once, by
          // SQLite's rowid from where the last part ended: an offset would read every row before
          // it again, each part longer than the last (40,000 drafts took 13 s, 10,000 took 2).
          // In SQL of Kysely's making, as the table is a loop's variable: its rows have no one type.
          const rows = await sql<Record<string, unknown> & { readonly _rowid: number }>`select rowid as _rowid, *
            from ${sql.table(table)} where rowid > ${after} order by rowid limit ${ROWS_A_STATEMENT}`.execute(snapshot);
          if (rows.rows.length === 0) break;
          after = rows.rows.at(-1)!._rowid;
          const columns = Object.keys(rows.rows[0]!).filter((c) => c !== '_rowid');
          await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${sql.join(
            rows.rows.map((row) => sql`(${sql.join(columns.map((c) => row[c]))})`),
          )}`.execute(trx);
          copied[table] += rows.rows.length;
        }
      }
    }),
  );
  return copied;
}
