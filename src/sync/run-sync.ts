import type { DraftStore } from '../data/draft-store.js';
import type { SyncOutcome } from './sync-engine.js';
import { SYNC_META } from './sync-meta.js';
import { eraseLostDevice, isEraseOrder } from './erase-lost-device.js';
import { transport } from './load-transport.js';

/** The Background Sync tag the page registers and the service worker answers. */
export const SYNC_TAG = 'efk-sync';
/**
 * The Periodic Background Sync tag: the browser wakes the service worker now and then, the kit
 * closed, to fetch the team's changes and the kit's latest version, so a device carries them out
 * of signal without its kit having been opened since.
 */
export const PERIODIC_SYNC_TAG = 'efk-periodic';
/**
 * How often the kit asks to be woken. The browser decides when, and never more often than
 * the kit's use on the device warrants (Chromium: about twice a day at best); asking more often
 * only lets it use what it grants.
 */
export const PERIODIC_SYNC_EVERY_MS = 60 * 60_000;
/** The Web Lock a sync run holds: one run at a time across the device's tabs and worker. */
export const SYNC_LOCK = 'efk-sync';

/**
 * One sync run, if this device has joined a team and no other tab or worker is syncing right
 * now (Web Locks): that one is already sending the same outbox.
 */
export async function runSync(
  store: DraftStore,
  options: {
    base?: string;
    onNetwork?: (reached: boolean) => void;
    /** Only the team's changes taken in, nothing sent: while the server refuses what this device sends. */
    pullOnly?: boolean;
  } = {},
): Promise<SyncOutcome | 'not-joined' | 'busy'> {
  // The token is read under the lock: a change of team (which holds it) may come between.
  const run = async (): Promise<SyncOutcome | 'not-joined'> => {
    const token = await store.meta(SYNC_META.token);
    if (!token) return 'not-joined';
    try {
      // The engine loads with the first sync, not with the page: a device in no team never needs it.
      const [{ SyncEngine }, fetched] = await Promise.all([
        import('./sync-engine.js'),
        transport(token, options.base, options.onNetwork),
      ]);
      const engine = new SyncEngine(store, fetched);
      return options.pullOnly ? { pushed: 0, rejected: 0, pulled: await engine.pull() } : await engine.sync();
    } catch (error) {
      // Reported lost: carried out here, under the lock, by whichever of the device's pages or its
      // service worker hears it first.
      if (isEraseOrder(error)) await eraseLostDevice(store);
      throw error;
    }
  };
  const locks = syncLocks();
  if (!locks) return run();
  return locks.request(SYNC_LOCK, { ifAvailable: true }, (lock: Lock | null) => (lock ? run() : ('busy' as const)));
}

/**
 * Runs `task` once no sync runs on this device (in any tab or the service worker), and none can
 * start until it ends: for a change of team, which no sync of the old team may write after.
 */
export async function withSyncHeld<T>(task: () => Promise<T>): Promise<T> {
  const locks = syncLocks();
  return locks ? locks.request(SYNC_LOCK, task) : task();
}

/** Pages and workers both have navigator.locks; its type differs by global, so name what is used. */
function syncLocks(): LockManager | undefined {
  return (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
}
