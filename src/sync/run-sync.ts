import type { DraftStore } from '../data/draft-store.js';
import { SYNC_META, SyncEngine, type SyncOutcome } from './sync-engine.js';
import { FetchTransport } from './sync-transport.js';

/** The Background Sync tag the page registers and the service worker answers. */
export const SYNC_TAG = 'efk-sync';
/** The Web Lock a sync run holds: one run at a time across the device's tabs and worker. */
export const SYNC_LOCK = 'efk-sync';

/**
 * One sync run, if this device has joined a team and no other tab or worker is syncing right
 * now (Web Locks): that one is already sending the same outbox.
 */
export async function runSync(
  store: DraftStore,
  options: { base?: string; onNetwork?: (reached: boolean) => void } = {},
): Promise<SyncOutcome | 'not-joined' | 'busy'> {
  const token = await store.meta(SYNC_META.token);
  if (!token) return 'not-joined';
  const run = (): Promise<SyncOutcome> =>
    new SyncEngine(store, new FetchTransport(token, options.base, options.onNetwork)).sync();
  // Pages and workers both have navigator.locks; its type differs by global, so name what is used.
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (!locks) return run();
  return locks.request(SYNC_LOCK, { ifAvailable: true }, (lock: Lock | null) => (lock ? run() : ('busy' as const)));
}
