import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import type { Kysely } from 'kysely';
import type { Database } from './db/schema.js';

/** One thing an administrator did (see Database.admin_actions). */
export interface AdminAction {
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly detail: string;
}

/**
 * Who is running this command: the account that ran sudo if it was run so (root says nothing of
 * who), else this process's account; its uid where the account has no name (a container's).
 */
export function currentActor(env: NodeJS.ProcessEnv = process.env): string {
  const sudo = env['SUDO_USER']?.trim();
  if (sudo) return `${sudo} (through sudo)`;
  try {
    return userInfo().username;
  } catch {
    return `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

/** The record of administrators' actions, kept in the server's database beside what they acted on. */
export class AdminLog {
  constructor(private readonly db: Kysely<Database>) {}

  async note(action: Omit<AdminAction, 'at' | 'actor'>, actor = currentActor(), at = Date.now()): Promise<void> {
    await this.db
      .insertInto('admin_actions')
      .values({ id: randomUUID(), at, actor, ...action })
      .execute();
  }

  /**
   * Notes a change a command has made. Made is made: a note that cannot be written (a full disk)
   * is said on stderr, and the command goes on to report what it did.
   */
  async noteOrSay(action: Omit<AdminAction, 'at' | 'actor'>): Promise<void> {
    try {
      await this.note(action);
    } catch (error) {
      console.error(
        `Not written to the administrators' record (npm run team -- log): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** The latest `limit` actions, newest first. */
  async latest(limit: number): Promise<AdminAction[]> {
    const rows = await this.db
      .selectFrom('admin_actions')
      .select(['at', 'actor', 'action', 'subject', 'detail'])
      .orderBy('at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ ...r, at: Number(r.at) }));
  }
}
