import 'fake-indexeddb/auto';
import { DraftStore } from '../../src/data/draft-store.js';
import { SYNC_META, SyncEngine } from '../../src/sync/sync-engine.js';
import { FetchTransport, joinTeam } from '../../src/sync/sync-transport.js';

/** A device of the team, simulated in Node: the real DraftStore (on fake-indexeddb) and sync engine. */
export interface SimDevice {
  readonly name: string;
  /** Its id on the team's server. */
  readonly deviceId: string;
  readonly store: DraftStore;
  readonly engine: SyncEngine;
  /** Outbox entries this device has written, for exactly-once accounting. */
  changes: number;
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
  const store = await DraftStore.open({
    name: `${name}-${crypto.randomUUID()}`,
    channelName: `sim-${name}-${crypto.randomUUID()}`,
    now: clock,
  });
  const { token, deviceId } = await joinTeam({ code, deviceName: name }, server);
  await store.setMeta(SYNC_META.token, token);
  const device: SimDevice = {
    name,
    deviceId,
    store,
    engine: new SyncEngine(store, new FetchTransport(token, via, () => undefined, timeoutMs)),
    changes: 0,
  };
  // Changes as the outbox holds them: autosaved edits of a draft folded in together are one.
  store.onLocalChange(({ step }) => (device.changes += step === 'queued' || step === 'folded' ? 1 : 0));
  return device;
}
