import { randomBytes } from 'node:crypto';

/**
 * A team's columns for its history named anew at revision `rev` (see PushResponse.history and
 * historyFrom): the name random, so no two runs share one, even a backup's run restored twice; and
 * never without where the run began.
 */
export function historyNamedAt(rev: number): { history: string; history_from: number } {
  return { history: randomBytes(16).toString('base64url'), history_from: rev };
}
