import { randomBytes } from 'node:crypto';

/**
 * A new name for a team's run of revisions (see PushResponse.history): random, so no two runs
 * share one, even a backup's run restored twice.
 */
export function newHistory(): string {
  return randomBytes(16).toString('base64url');
}
