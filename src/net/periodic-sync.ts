import { PERIODIC_SYNC_EVERY_MS, PERIODIC_SYNC_TAG } from '../sync/run-sync.js';

/** Periodic Background Sync's manager, which TypeScript's DOM types do not describe yet. */
interface PeriodicSyncManager {
  register(tag: string, options?: { minInterval?: number }): Promise<void>;
}

/** A registration's periodic sync, where the browser has one (Chromium). */
function periodicSyncOf(registration: ServiceWorkerRegistration): PeriodicSyncManager | undefined {
  return (registration as ServiceWorkerRegistration & { periodicSync?: PeriodicSyncManager }).periodicSync;
}

/**
 * Asks the browser to wake the kit now and then while it is closed, to fetch the team's changes
 * and the kit's latest version (see PERIODIC_SYNC_TAG), and says whether it will. Only Chromium
 * does, and only for a kit installed and used on the device (its permission comes with the
 * install, never asked of the user); anywhere else, or before the kit's service worker runs, the
 * answer is no, and never an error.
 */
export async function wakeWhileClosed(): Promise<boolean> {
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    const periodicSync = registration?.active ? periodicSyncOf(registration) : undefined;
    if (!periodicSync) return false;
    // Not in TypeScript's list of permission names; Chromium knows it.
    const permission = await navigator.permissions.query({ name: 'periodic-background-sync' as PermissionName });
    if (permission.state !== 'granted') return false;
    await periodicSync.register(PERIODIC_SYNC_TAG, { minInterval: PERIODIC_SYNC_EVERY_MS });
    return true;
  } catch {
    return false;
  }
}
