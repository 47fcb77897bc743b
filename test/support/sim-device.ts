import 'fake-indexeddb/auto';
import { DraftStore } from '../../src/data/draft-store.js';
import { SyncEngine } from '../../src/sync/sync-engine.js';
import { SYNC_META } from '../../src/sync/sync-meta.js';
import { FetchTransport, joinTeam } from '../../src/sync/sync-transport.js';

/** A tab of a device: its own store, on the device's database, and its own sync engine. */
export interface SimTab {
  readonly store: DraftStore;
  readonly engine: SyncEngine;
}

/** A device of the team, simulated in Node: the real DraftStore (on fake-indexeddb) and sync engine. */
export interface SimDevice extends SimTab {
  readonly name: string;
  /** Its id on the team's server. */
  readonly deviceId: string;
  /** Outbox entries this device has written, in any of its tabs, for exactly-once accounting. */
  changes: number;
  /** Opens another tab of the device: the same database and channel between tabs, the same token. */
  openTab(): Promise<SimTab>;
}

/**
 * Joins a simulated device to the team at `server` and syncs it through `via` (a fault proxy).
 * @param clock the device's clock; a shared increasing clock makes "later" unambiguous
 */
export async function simDevice(
  name: string,
  server: string,
  via: string,
  code: string,
  clock: () => number,
  timeoutMs = 400,
): Promise<SimDevice> {
  const names = { name: `${name}-${crypto.randomUUID()}`, channelName: `sim-${name}-${crypto.randomUUID()}` };
  const { token, deviceId } = await joinTeam({ code, deviceName: name }, server);
  const tab = async (): Promise<SimTab> => {
    const store = await DraftStore.open({ ...names, now: clock });
    // Changes as the outbox holds them: autosaved edits of a draft folded in together are one,
    // counted by the tab that folded them.
    store.onLocalChange(({ step }) => (device.changes += step === 'queued' || step === 'folded' ? 1 : 0));
    return { store, engine: new SyncEngine(store, new FetchTransport(token, via, () => undefined, timeoutMs)) };
  };
  const first = await tab();
  await first.store.setMeta(SYNC_META.token, token);
  const device: SimDevice = { name, deviceId, ...first, changes: 0, openTab: tab };
  return device;
}
