/** How safe the kit's data is on this device, in numbers the Settings view puts into words. */
export interface StorageStatus {
  /** The browser promised not to evict the kit's data under storage pressure. */
  readonly persisted: boolean;
  /** Bytes used and available to the kit, when the browser says. */
  readonly usage: number | null;
  readonly quota: number | null;
}

/** Reads the storage status; `null` where the browser has no Storage API. */
export async function readStorageStatus(): Promise<StorageStatus | null> {
  if (!navigator.storage?.estimate) return null;
  const [persisted, estimate] = await Promise.all([
    navigator.storage.persisted?.() ?? Promise.resolve(false),
    navigator.storage.estimate().catch(() => ({}) as StorageEstimate),
  ]);
  return { persisted, usage: estimate.usage ?? null, quota: estimate.quota ?? null };
}

/**
 * Asks the browser to keep the kit's data even when the device runs short of space. Called when
 * it matters to the user: when they install the kit, or when their first draft is saved.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  if (!navigator.storage?.persist) return false;
  if (await navigator.storage.persisted()) return true;
  return navigator.storage.persist().catch(() => false);
}
