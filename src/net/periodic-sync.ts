import { TEAM_CHANGES_EVERY_MS, TEAM_CHANGES_TAG } from '../sync/run-sync.js';

/** Periodic Background Sync's manager, which TypeScript's DOM types do not describe yet. */
export interface PeriodicSyncManager {
  register(tag: string, options?: { minInterval?: number }): Promise<void>;
  unregister(tag: string): Promise<void>;
  getTags(): Promise<string[]>;
}

/** A registration's periodic sync, where the browser has one (Chromium). */
export function periodicSyncOf(registration: ServiceWorkerRegistration): PeriodicSyncManager | undefined {
  return (registration as ServiceWorkerRegistration & { periodicSync?: PeriodicSyncManager }).periodicSync;
}

/**
 * Asks the browser to fetch the team's changes now and then while the kit is closed, and says
 * whether it will. Only Chromium does, and only for a kit installed and used on the device (its
 * permission is granted with the install, never asked of the user); anywhere else, or before the
 * kit's service worker runs, the answer is no, and never an error.
 */
export async function fetchTeamChangesWhileClosed(): Promise<boolean> {
  try {
    const registration = await navigator.serviceWorker?.getRegistration();
    const periodicSync = registration?.active ? periodicSyncOf(registration) : undefined;
    if (!periodicSync) return false;
    // Not in TypeScript's list of permission names; Chromium knows it.
    const permission = await navigator.permissions.query({ name: 'periodic-background-sync' as PermissionName });
    if (permission.state !== 'granted') return false;
    await periodicSync.register(TEAM_CHANGES_TAG, { minInterval: TEAM_CHANGES_EVERY_MS });
    return true;
  } catch {
    return false;
  }
}
