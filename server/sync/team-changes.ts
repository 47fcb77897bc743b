/** Why a wait ended: a change was told, or the wait is over (its time, the device gone, the server stopping). */
export type WaitEnd = 'changed' | 'ended';

/** A request waiting for its team's next change. */
interface Waiter {
  readonly wake: (why: WaitEnd) => void;
}

/**
 * Requests waiting for a team's next change (`GET /api/changes`), woken when a change is told:
 * by a push of this instance, or, on PostgreSQL, by any instance sharing the database (LISTEN;
 * see TEAM_CHANGES_CHANNEL). A teammate's change reaches a device that has the kit open within a
 * moment, where its poll took up to half a minute. A wake is a hint, not a promise: the woken
 * request compares the team's revision and waits on when nothing changed for it.
 */
export class TeamChanges {
  private readonly _waiting = new Map<string, Set<Waiter>>();
  private _closed = false;

  /** How many requests are waiting, for the metrics. */
  get waiting(): number {
    let count = 0;
    for (const set of this._waiting.values()) count += set.size;
    return count;
  }

  /**
   * Resolves 'changed' once a change to the team is told, or 'ended' once `ms` have passed,
   * `signal` aborts (the device went away) or the server closes: whichever comes first.
   * Registered at once, so a change told while the caller then reads the team's revision is not missed.
   */
  next(teamId: string, ms: number, signal?: AbortSignal): Promise<WaitEnd> {
    if (this._closed || signal?.aborted) return Promise.resolve('ended');
    return new Promise<WaitEnd>((resolve) => {
      const set = this._waiting.get(teamId) ?? new Set<Waiter>();
      this._waiting.set(teamId, set);
      const ended = (): void => waiter.wake('ended');
      const timer = setTimeout(ended, ms);
      const waiter: Waiter = {
        wake: (why) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', ended);
          set.delete(waiter);
          if (set.size === 0 && this._waiting.get(teamId) === set) this._waiting.delete(teamId);
          resolve(why);
        },
      };
      set.add(waiter);
      signal?.addEventListener('abort', ended, { once: true });
    });
  }

  /** A change to the team was committed: its waiting requests look now. */
  changed(teamId: string): void {
    for (const waiter of [...(this._waiting.get(teamId) ?? [])]) waiter.wake('changed');
  }

  /** Changes may have gone untold (the instances' channel was lost a while): every waiting request looks now. */
  missed(): void {
    this._wakeAll('changed');
  }

  /** The server is stopping: every waiting request answers now, so none holds the stop up. */
  close(): void {
    this._closed = true;
    this._wakeAll('ended');
  }

  private _wakeAll(why: WaitEnd): void {
    for (const set of [...this._waiting.values()]) for (const waiter of [...set]) waiter.wake(why);
  }
}
