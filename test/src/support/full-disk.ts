/**
 * Makes IndexedDB fail as it does on a full disk, until the returned function is called: a
 * transaction that puts or adds anything is aborted as it would commit, with a
 * QuotaExceededError, and stores nothing; its requests themselves succeed. That is what Chromium
 * does on a real full disk (measured with a profile on a small tmpfs); it gives no way to shrink
 * a page's quota from a test (DevTools' `Storage.overrideQuotaForOrigin` is accepted and changes
 * nothing), so the transactions are doomed here, and everything else is the real database.
 * (Until now the write threw at once and the rest of its transaction committed: a Discard's
 * removal of its change was stored without the rest of it, which real quota never does.)
 */
export function fillDisk(): () => void {
  const pending = new Map<IDBTransaction, number>();
  const doomed = new Set<IDBTransaction>();

  /** Aborts a doomed transaction once it has no request left, not even one its code places next. */
  const settle = (tx: IDBTransaction): void => {
    if (!doomed.has(tx) || (pending.get(tx) ?? 0) > 0) return;
    let probe: IDBRequest;
    try {
      // A request of our own, answered after any the code places as it hears of the last one.
      probe = nativeCount.call(tx.objectStore(tx.objectStoreNames[0]!));
    } catch {
      return; // the transaction has ended already (its code aborted it)
    }
    probe.addEventListener('success', () => {
      if (!doomed.has(tx) || (pending.get(tx) ?? 0) > 0) return; // more placed: settled when done
      doomed.delete(tx);
      Object.defineProperty(tx, 'error', {
        configurable: true,
        value: new DOMException('The quota has been exceeded.', 'QuotaExceededError'),
      });
      tx.abort();
    });
  };
  const count = (tx: IDBTransaction): void => void pending.set(tx, (pending.get(tx) ?? 0) + 1);
  const track = (tx: IDBTransaction, request: IDBRequest): void => {
    count(tx);
    // Heard at every answer: a cursor's request answers again at each continue (counted there).
    const done = (): void => {
      pending.set(tx, pending.get(tx)! - 1);
      settle(tx);
    };
    request.addEventListener('success', done);
    request.addEventListener('error', done);
  };

  const nativeCount = IDBObjectStore.prototype.count;
  const restore: (() => void)[] = [];
  const wrap = <T extends object>(
    proto: T,
    name: keyof T & string,
    txOf: (self: T) => IDBTransaction,
    dooms = false,
  ): void => {
    const native = proto[name] as unknown as (...args: unknown[]) => unknown;
    (proto as Record<string, unknown>)[name] = function (this: T, ...args: unknown[]): unknown {
      const tx = txOf(this);
      if (dooms) doomed.add(tx);
      const result = native.apply(this, args);
      if (result instanceof IDBRequest) track(tx, result);
      else count(tx); // a cursor moving on: its request answers again
      return result;
    };
    restore.push(() => ((proto as Record<string, unknown>)[name] = native));
  };
  for (const name of ['put', 'add'] as const) wrap(IDBObjectStore.prototype, name, (s) => s.transaction, true);
  for (const name of [
    'get',
    'getAll',
    'getAllKeys',
    'getKey',
    'count',
    'delete',
    'clear',
    'openCursor',
    'openKeyCursor',
  ] as const)
    wrap(IDBObjectStore.prototype, name, (s) => s.transaction);
  for (const name of ['get', 'getAll', 'getAllKeys', 'getKey', 'count', 'openCursor', 'openKeyCursor'] as const)
    wrap(IDBIndex.prototype, name, (i) => i.objectStore.transaction);
  for (const name of ['continue', 'advance', 'continuePrimaryKey'] as const)
    wrap(IDBCursor.prototype, name, (c) => c.request.transaction!);

  // An explicit commit would commit at once: a doomed transaction is aborted instead.
  const nativeCommit = IDBTransaction.prototype.commit;
  IDBTransaction.prototype.commit = function (this: IDBTransaction): void {
    if (doomed.has(this)) settle(this);
    else nativeCommit.call(this);
  };
  restore.push(() => (IDBTransaction.prototype.commit = nativeCommit));

  return () => {
    for (const undo of restore.splice(0)) undo();
  };
}
