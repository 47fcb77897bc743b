/** A request waiting for its team's next change. */
interface Waiter {
  readonly wake: () => void;
}

/**
 * Requests waiting for a team's next change (`GET /api/changes`), woken when a push of this
 * instance commits one: a teammate's change reaches a device that has the kit open within a
 * moment, where its poll took up to half a minute. Changes committed by another instance (or by
 * the team CLI) are not heard here; a waiting request ends at CHANGES_WAIT_MS anyway, and the
 * device's next one compares the team's revision again, so those arrive within that.
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
   * Resolves once the team has a change committed by this instance, `ms` have passed, `signal`
   * aborts (the device went away) or the server closes: whichever comes first. Registered at
   * once, so a change committed while the caller then reads the team's revision is not missed.
   */
  next(teamId: string, ms: number, signal?: AbortSignal): Promise<void> {
    if (this._closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const set = this._waiting.get(teamId) ?? new Set<Waiter>();
      this._waiting.set(teamId, set);
      const timer = setTimeout(() => waiter.wake(), ms);
      const waiter: Waiter = {
        wake: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', waiter.wake);
          set.delete(waiter);
          if (set.size === 0 && this._waiting.get(teamId) === set) this._waiting.delete(teamId);
          resolve();
        },
      };
      set.add(waiter);
      signal?.addEventListener('abort', waiter.wake, { once: true });
    });
  }

  /** A push committed a change to the team: its waiting requests answer now. */
  changed(teamId: string): void {
    for (const waiter of [...(this._waiting.get(teamId) ?? [])]) waiter.wake();
  }

  /** The server is stopping: every waiting request answers now, so none holds the stop up. */
  close(): void {
    this._closed = true;
    for (const set of [...this._waiting.values()]) for (const waiter of [...set]) waiter.wake();
  }
}
