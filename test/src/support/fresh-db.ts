import { DraftStore, type DraftStoreOptions } from '../../../src/data/draft-store.js';

/** A unique database (and channel) name, so every test starts from an empty device. */
export function freshDbName(label = 'test'): string {
  return `efk-${label}-${crypto.randomUUID()}`;
}

/** Opens a store on a fresh database; pass the same `name` to open a second tab's store on it. */
export function openStore(name = freshDbName(), options: DraftStoreOptions = {}): Promise<DraftStore> {
  return DraftStore.open({ name, ...options });
}

export const WORKSHEET = { id: 'engagement-strategy', version: 1 } as const;
