/// <reference lib="webworker" />
import { DraftStore } from '../src/data/draft-store.js';
import { runSync } from '../src/sync/run-sync.js';

/**
 * One sync run from the service worker, on a store opened for it and closed after (a Background
 * Sync, a periodic sync). A device in no team sends nothing. A failed run rejects, so an event
 * waiting on it fails and the browser may try again.
 */
export async function syncInWorker(): Promise<void> {
  const store = await DraftStore.open();
  try {
    await runSync(store);
  } finally {
    store.close();
  }
}
