import type { DraftStore } from '../data/draft-store.js';
import { DEVICE_ERASED } from './protocol.js';
import { SYNC_META } from './sync-meta.js';
import { SyncUnauthorizedError } from './sync-errors.js';

/** Whether the team's server answered that this device was reported lost (see DEVICE_ERASED). */
export function isEraseOrder(error: unknown): boolean {
  return error instanceof SyncUnauthorizedError && error.code === DEVICE_ERASED;
}

/**
 * Carries out the team's order to a device reported lost: its team's drafts, queued changes,
 * unsaved edits and token leave it in one transaction, as leaving the team does, and only when
 * it happened stays, for the kit to say. Run with the sync lock held, so no sync writes after it.
 */
export async function eraseLostDevice(store: DraftStore, now = store.now()): Promise<void> {
  await store.changeTeam({ [SYNC_META.erased]: String(now) });
}
