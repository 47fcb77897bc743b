/**
 * Makes IndexedDB's put fail as it does on a full disk, until the returned function is called.
 * Chromium gives no way to shrink a page's real quota from a test, so put itself is wrapped;
 * everything around it is the real database.
 */
export function fillDisk(): () => void {
  const realPut = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function put(): IDBRequest<IDBValidKey> {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  };
  return () => {
    IDBObjectStore.prototype.put = realPut;
  };
}
