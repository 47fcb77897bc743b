import type { Generated } from 'kysely';

/**
 * The PostgreSQL channel a team's new revision is told on (its id the payload), as the revision
 * commits: how instances sharing one database hear each other's pushes.
 */
export const TEAM_CHANGES_CHANNEL = 'efk_team_changes';

/** The server's tables, as Kysely sees them; the same on SQLite and PostgreSQL. */
export interface Database {
  teams: {
    id: string;
    name: string;
    /** Hash of the current join code; the code itself is derived from the server secret. */
    join_code_hash: string;
    join_version: number;
    /** The team's latest revision: every applied change takes the next one. */
    rev: number;
    created_at: number;
    /**
     * Names the team's run of revisions; a new one when the database went back in time (a backup
     * restored), so devices holding revisions from after the backup know to send again what the
     * server lost (see PushResponse.history).
     */
    history: string;
    /**
     * The team's revision when its history was named: revisions up to it are the same in the
     * history before (a restored backup holds the first of them), those after it are not.
     */
    history_from: number;
  };
  devices: {
    id: string;
    team_id: string;
    name: string;
    token_hash: string;
    created_at: number;
    revoked_at: number | null;
    /**
     * The device's changes below this seq will never be sent again (it said so with a push): their
     * records in applied_mutations may go once no request carrying them can still arrive.
     */
    settled_below: number;
    /** When the device last reached the server (joined, pushed, pulled), to within SEEN_EVERY_MS. */
    last_seen_at: number | null;
    /** When the device was reported lost and its team's drafts ordered off it (`team -- erase`). */
    erase_at: number | null;
    /** When the server first told that device to erase them (at its first request since). */
    erase_told_at: number | null;
    /**
     * The server's clock less the device's, as its last push found them, when CLOCK_TOLERANCE_MS
     * or more apart (null while they agree): a device set to the wrong time, for `team -- list`.
     */
    clock_offset: number | null;
  };
  drafts: {
    team_id: string;
    id: string;
    worksheet_id: string;
    worksheet_version: number;
    created_at: number;
    rev: number;
    deleted_at: number | null;
    note: string | null;
    /**
     * When the server erased the answers of this deleted draft, its retention over (see
     * eraseDeleted): the draft stays as a bare record of its deletion, and cannot come back.
     */
    erased_at: number | null;
  };
  draft_fields: {
    team_id: string;
    draft_id: string;
    key: string;
    /** JSON of the field's value. */
    value: string;
    rev: number;
    changed_at: number;
    changed_by: string;
    /** JSON of the losing value of a same-field conflict, until someone resolves it. */
    conflict: string | null;
  };
  /** Every mutation applied, by device and sequence: the record that makes a repeat a no-op. */
  applied_mutations: {
    device_id: string;
    seq: number;
    /** JSON of the result sent back, so a repeat gets the same answer. */
    result: string;
    applied_at: number;
  };
  /**
   * What was done with `npm run team` that changes teams or devices, or hands drafts out, by whom
   * and when: the agency's record of its administrators' actions. A deleted team's stay.
   */
  admin_actions: {
    /** A random UUID: a copy keeps it as it is, with no sequence to carry on. */
    id: string;
    at: number;
    /** The account on the server that ran the command. */
    actor: string;
    /** The command: create, rotate, revoke, erase, found, export, delete, restored; restore (npm run restore). */
    action: string;
    /** What it acted on, in words, with ids: the team or device may be gone since. */
    subject: string;
    /** What came of it, in words. */
    detail: string;
  };
  migrations_marker?: { id: Generated<number> };
}
