/// <reference lib="webworker" />
import { PERIODIC_SYNC_TAG } from '../src/sync/run-sync.js';
import { syncInWorker } from './sync-in-worker.js';

declare const self: ServiceWorkerGlobalScope;

/** Periodic Background Sync's event, which TypeScript's worker types do not describe yet. */
interface PeriodicSyncEvent extends ExtendableEvent {
  readonly tag: string;
}

/**
 * Woken now and then with the kit closed (Chromium, an installed kit): syncs, so a device in a
 * team carries the team's latest drafts out of signal, and looks for a new version of the kit
 * (new guidance, say), which then waits, downloaded, for the user's Reload as any update does.
 * Chromium here looks for one itself as it wakes a worker; asking as well does not rest on that
 * (the service worker specification lets a browser wait a day between such looks).
 */
export function listenForPeriodicSync(): void {
  self.addEventListener('periodicsync', (event) => {
    const periodic = event as PeriodicSyncEvent;
    if (periodic.tag !== PERIODIC_SYNC_TAG) return;
    periodic.waitUntil(Promise.allSettled([syncInWorker(), self.registration.update()]).then(() => undefined));
  });
}
