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
  private readonly actor: string;
  private readonly warn: (text: string) => void;

  constructor(
    private readonly db: Kysely<Database>,
    {
      actor = currentActor(),
      warn = (text) => console.error(text),
    }: {
      /** Who the actions noted are by (default: this process's account, as currentActor says). */
      readonly actor?: string;
      /** Where a note that could not be written is said (default: stderr). */
      readonly warn?: (text: string) => void;
    } = {},
  ) {
    this.actor = actor;
    this.warn = warn;
  }

  async note(action: Omit<AdminAction, 'at' | 'actor'>, actor = this.actor, at = Date.now()): Promise<void> {
    await this.db
      .insertInto('admin_actions')
      .values({ id: randomUUID(), at, actor, ...action })
      .execute();
  }

  /**
   * Notes a change a command has made. Made is made: a note that cannot be written (a full disk)
   * is said (on stderr, by default), and the command goes on to report what it did.
   */
  async noteOrSay(action: Omit<AdminAction, 'at' | 'actor'>): Promise<void> {
    try {
      await this.note(action);
    } catch (error) {
      this.warn(
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
