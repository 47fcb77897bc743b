/**
 * Why a draft's changes were held back on the device while the rest went (see SyncEngine.push):
 * too large to send even alone (413), or refused on the way to the server for what they carried.
 */
export type HeldBackWhy = 'too-large' | 'blocked';

/** A draft the last push held back, and why. */
export interface HeldBackDraft {
  readonly id: string;
  readonly why: HeldBackWhy;
}

/**
 * The drafts held back, as kept on the device (SYNC_META.heldBack). A device that kept them before
 * the kit told why kept their ids alone: each then was too large.
 */
export function heldBackOf(kept: string | undefined): HeldBackDraft[] {
  if (!kept) return [];
  const held = JSON.parse(kept) as (string | HeldBackDraft)[];
  return held.map((d) => (typeof d === 'string' ? { id: d, why: 'too-large' } : d));
}
