import { PostgresAdapter, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { historyNamedAt } from '../sync/team-history.js';
import { TEAM_CHANGES_CHANNEL } from './schema.js';

/**
 * Versioned migrations, the same for SQLite and PostgreSQL. Append new ones; never edit one that
 * has run somewhere. Kysely records which have run in its own table.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001-teams-devices-drafts': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('teams')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('join_code_hash', 'text', (c) => c.notNull().unique())
        .addColumn('join_version', 'integer', (c) => c.notNull())
        .addColumn('rev', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema
        .createTable('drafts')
        .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('worksheet_id', 'text', (c) => c.notNull())
        .addColumn('worksheet_version', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('rev', 'bigint', (c) => c.notNull())
        .addColumn('deleted_at', 'bigint')
        .addColumn('note', 'text')
        .addPrimaryKeyConstraint('drafts_pk', ['team_id', 'id'])
        .execute();
      await db.schema.createIndex('drafts_by_rev').on('drafts').columns(['team_id', 'rev']).execute();
      await db.schema
        .createTable('draft_fields')
        .addColumn('team_id', 'text', (c) => c.notNull())
        .addColumn('draft_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('rev', 'bigint', (c) => c.notNull())
        .addColumn('changed_at', 'bigint', (c) => c.notNull())
        .addColumn('changed_by', 'text', (c) => c.notNull())
        .addColumn('conflict', 'text')
        .addPrimaryKeyConstraint('draft_fields_pk', ['team_id', 'draft_id', 'key'])
        .execute();
      await db.schema
        .createTable('applied_mutations')
        .addColumn('device_id', 'text', (c) => c.notNull())
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('applied_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('applied_mutations_pk', ['device_id', 'seq'])
        .execute();
    },
  },
  '0002-devices-settled': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('devices')
        .addColumn('settled_below', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  },
  '0003-drafts-erased': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('drafts').addColumn('erased_at', 'bigint').execute();
      // What the erasing run looks for: deleted drafts, by when.
      await db.schema.createIndex('drafts_by_deleted').on('drafts').columns(['deleted_at']).execute();
    },
  },
  '0004-devices-last-seen': {
    async up(db: Kysely<unknown>) {
      // When each device last reached the server, to within SEEN_EVERY_MS: a lost phone shows.
      await db.schema.alterTable('devices').addColumn('last_seen_at', 'bigint').execute();
    },
  },
  '0005-teams-history': {
    async up(db: Kysely<unknown>) {
      // Each team's run of revisions, named (see PushResponse.history). Each named at random here,
      // not after anything the database holds: a backup from before this migration, restored and
      // migrated again, must name a history other than the one its devices heard.
      await db.schema
        .alterTable('teams')
        .addColumn('history', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      // The team's revision when its history was named: revisions up to it are the same in the
      // history before (a restored backup's are), those after it are not.
      await db.schema
        .alterTable('teams')
        .addColumn('history_from', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      const teams = db as unknown as Kysely<{
        teams: { id: string; rev: number; history: string; history_from: number };
      }>;
      for (const { id, rev } of await teams.selectFrom('teams').select(['id', 'rev']).execute())
        await teams
          .updateTable('teams')
          .set(historyNamedAt(Number(rev)))
          .where('id', '=', id)
          .execute();
    },
  },
  '0006-devices-erase': {
    async up(db: Kysely<unknown>) {
      // A device reported lost: when its team's drafts were ordered off it, and when the server
      // first told it so (it then erases them; a device never seen again never was told).
      await db.schema.alterTable('devices').addColumn('erase_at', 'bigint').execute();
      await db.schema.alterTable('devices').addColumn('erase_told_at', 'bigint').execute();
    },
  },
  '0007-admin-actions': {
    async up(db: Kysely<unknown>) {
      // The record of what administrators did with `npm run team` (see Database.admin_actions).
      await db.schema
        .createTable('admin_actions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('admin_actions_by_at').on('admin_actions').columns(['at']).execute();
    },
  },
  '0008-devices-clock': {
    async up(db: Kysely<unknown>) {
      // A device whose clock is set wrong, as its pushes show (see Database.devices.clock_offset).
      await db.schema.alterTable('devices').addColumn('clock_offset', 'bigint').execute();
    },
  },
  '0009-teams-notify': {
    async up(db: Kysely<unknown>) {
      // PostgreSQL only: a team's new revision is told on TEAM_CHANGES_CHANNEL as its transaction
      // commits (never before, never for one rolled back), whoever wrote it, so every instance
      // sharing the database wakes its devices waiting for the team's next change. SQLite is
      // served by one process, which hears its own pushes.
      if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
      await sql`create function efk_team_changed() returns trigger language plpgsql as $$
        begin
          perform pg_notify(${sql.lit(TEAM_CHANGES_CHANNEL)}, new.id);
          return null;
        end
        $$`.execute(db);
      await sql`create trigger teams_rev_notify after update of rev on teams
        for each row when (new.rev is distinct from old.rev) execute function efk_team_changed()`.execute(db);
    },
  },
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};
