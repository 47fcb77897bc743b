/**
 * Makes IndexedDB's put and add fail as they do on a full disk, until the returned function is
 * called. Chromium gives no way to shrink a page's real quota from a test (DevTools'
 * `Storage.overrideQuotaForOrigin` is accepted and changes nothing), so the two writes themselves
 * are wrapped; everything around them is the real database.
 */
export function fillDisk(): () => void {
  const { put, add } = IDBObjectStore.prototype;
  const full = function (): IDBRequest<IDBValidKey> {
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  };
  IDBObjectStore.prototype.put = full;
  IDBObjectStore.prototype.add = full;
  return () => {
    IDBObjectStore.prototype.put = put;
    IDBObjectStore.prototype.add = add;
  };
}
