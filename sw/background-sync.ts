/// <reference lib="webworker" />
import { SYNC_TAG } from '../src/sync/run-sync.js';
import { syncInWorker } from './sync-in-worker.js';

declare const self: ServiceWorkerGlobalScope;

/** Background Sync's event, which TypeScript's worker types do not describe yet. */
interface SyncEvent extends ExtendableEvent {
  readonly tag: string;
}

/**
 * Sends the outbox when the browser says the network is back, even with no page of the kit
 * open (Chromium). A failed run rejects, so the browser tries the sync again later.
 */
export function listenForBackgroundSync(): void {
  self.addEventListener('sync', (event) => {
    const sync = event as SyncEvent;
    if (sync.tag !== SYNC_TAG) return;
    sync.waitUntil(syncInWorker());
  });
}
