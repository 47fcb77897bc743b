interface Waiting<T, R> {
  readonly item: T;
  readonly resolve: (result: R) => void;
  readonly reject: (error: unknown) => void;
}

/** Writes this close together mean requests are arriving faster than they are written. */
const BUSY_MS = 1;

export interface GroupCommitOptions<T, R> {
  /** Runs a group of items in one transaction, answering each in order. */
  readonly run: (items: readonly T[]) => Promise<R[]>;
  /** An item's size (a push: its mutations); a group holds at most `maxSize`, but always one item. */
  readonly sizeOf: (item: T) => number;
  readonly maxSize: number;
}

/**
 * Group commit: items that arrive for one key while that key's previous group is being written
 * wait, and then go together in one transaction. A durable commit, the key's lock and the
 * transaction's fixed statements are then paid once a group instead of once an item, while each
 * item still gets its own answer. On a quiet server an item is written at once; on a busy one it
 * waits one turn of the event loop for the requests that arrived with it.
 *
 * If a group fails, its items run again one by one, so one bad item fails only itself.
 */
export class GroupCommit<T, R> {
  private readonly _waiting = new Map<string, Waiting<T, R>[]>();
  /** When the last group (of any key) was written: within BUSY_MS, the next item waits a turn for company. */
  private _lastCommit = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: GroupCommitOptions<T, R>) {}

  submit(key: string, item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const queue = this._waiting.get(key);
      if (queue) {
        queue.push({ item, resolve, reject });
        return;
      }
      this._waiting.set(key, [{ item, resolve, reject }]);
      if (performance.now() - this._lastCommit < BUSY_MS) {
        // Busy: write after the requests already received are handled, so that those that came
        // together go together (a synchronous database, SQLite, would otherwise commit each before
        // the next is even read). Idle: at once (with whatever this same task submits), as waiting
        // a turn would only add latency.
        setImmediate(() => void this._drain(key));
      } else {
        queueMicrotask(() => void this._drain(key));
      }
    });
  }

  /** Writes the key's waiting items, a group at a time, until none are left. */
  private async _drain(key: string): Promise<void> {
    const queue = this._waiting.get(key)!;
    while (queue.length > 0) {
      let size = this.options.sizeOf(queue[0]!.item);
      let count = 1;
      while (count < queue.length && size + this.options.sizeOf(queue[count]!.item) <= this.options.maxSize) {
        size += this.options.sizeOf(queue[count]!.item);
        count += 1;
      }
      await this._commit(queue.splice(0, count));
      this._lastCommit = performance.now();
    }
    this._waiting.delete(key);
  }

  private async _commit(group: readonly Waiting<T, R>[]): Promise<void> {
    try {
      const results = await this.options.run(group.map((w) => w.item));
      group.forEach((w, i) => w.resolve(results[i]!));
      return;
    } catch (error) {
      if (group.length === 1) {
        group[0]!.reject(error);
        return;
      }
    }
    for (const w of group) {
      try {
        w.resolve((await this.options.run([w.item]))[0]!);
      } catch (error) {
        w.reject(error);
      }
    }
  }
}
