/// <reference lib="webworker" />
import { DraftStore } from '../src/data/draft-store.js';
import { periodicSyncOf } from '../src/net/periodic-sync.js';
import { TEAM_CHANGES_TAG, runSync } from '../src/sync/run-sync.js';

declare const self: ServiceWorkerGlobalScope;

/** Periodic Background Sync's event, which TypeScript's worker types do not describe yet. */
interface PeriodicSyncEvent extends ExtendableEvent {
  readonly tag: string;
}

/**
 * Woken now and then with the kit closed (Chromium, an installed kit): syncs, so the device
 * carries the team's latest drafts out of signal, and looks for a new version of the kit, which
 * then waits, downloaded, for the user's Reload as any update does.
 */
export function listenForPeriodicSync(): void {
  self.addEventListener('periodicsync', (event) => {
    const periodic = event as PeriodicSyncEvent;
    if (periodic.tag !== TEAM_CHANGES_TAG) return;
    periodic.waitUntil(Promise.allSettled([syncTeam(), self.registration.update()]).then(() => undefined));
  });
}

/** A device that has left its team (or was erased) has nothing to fetch, and stops being woken. */
async function syncTeam(): Promise<void> {
  const store = await DraftStore.open();
  try {
    if ((await runSync(store)) === 'not-joined') await periodicSyncOf(self.registration)?.unregister(TEAM_CHANGES_TAG);
  } finally {
    store.close();
  }
}
