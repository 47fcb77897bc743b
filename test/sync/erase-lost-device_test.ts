import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eraseLostDevice, isEraseOrder } from '../../src/sync/erase-lost-device.js';
import { runSync } from '../../src/sync/run-sync.js';
import { SYNC_META } from '../../src/sync/sync-meta.js';
import { simDevice } from '../support/sim-device.js';
import { EngineHost, type SyncServer } from '../support/sync-server.js';

const WS = { id: 'engagement-strategy', version: 1 };

describe('a device reported lost', () => {
  const host = new EngineHost('sqlite');
  let server: SyncServer;
  let origin: string;
  // The devices' clocks start a minute behind the server's: near enough that they keep their own (a
  // device far from it times its changes by the server's clock: see DraftStore.noteServerTime), and
  // far enough that a step on at every reading never takes them past it, which the server clamps.
  let clock = Date.now() - 60_000;

  before(async () => {
    server = await host.server('dist');
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    origin = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
  });
  after(async () => {
    await server.close();
    await host.stop();
  });

  it('erases its team’s drafts, unsent changes and token at its next sync, and the team keeps what reached it', async () => {
    const team = await server.store.createTeam('Riverside team');
    const lost = await simDevice('Lost phone', origin, origin, team.code, () => (clock += 1));
    const teammate = await simDevice('Teammate', origin, origin, team.code, () => (clock += 1));
    const shared = await lost.store.create(WS, { title: 'Synced before it was lost' });
    await lost.engine.sync();
    await teammate.engine.sync();
    const unsent = await lost.store.create(WS, { title: 'Typed after the last sync' });
    await lost.store.update(unsent.id, { achieve: 'An edit not yet folded in' });
    assert.ok(await server.store.eraseDevice(lost.deviceId));

    const before = lost.store.now(); // by the device’s clock, which its record of it keeps
    await assert.rejects(runSync(lost.store, { base: origin }), (error: unknown) => isEraseOrder(error));
    assert.deepEqual(await lost.store.list(), [], 'no draft left on it');
    assert.equal(await lost.store.get(shared.id), undefined);
    assert.equal((await lost.store.outboxStatus()).waiting, 0, 'no change left to send');
    assert.deepEqual(await lost.store.outbox(), []);
    assert.equal(await lost.store.meta(SYNC_META.token), undefined, 'its token is gone');
    assert.equal(await lost.store.meta(SYNC_META.team), undefined);
    const erasedAt = Number(await lost.store.meta(SYNC_META.erased));
    assert.ok(erasedAt >= before && erasedAt <= lost.store.now(), 'when it happened is kept, for the kit to say');
    assert.equal(await runSync(lost.store, { base: origin }), 'not-joined', 'nothing more is asked of the server');

    assert.equal((await server.store.draft(team.id, shared.id))?.fields['title']?.value, 'Synced before it was lost');
    await teammate.engine.sync();
    assert.equal((await teammate.store.get(shared.id))?.fields['title']?.value, 'Synced before it was lost');
    const told = (await server.store.devices(team.id)).find((d) => d.id === lost.deviceId)!;
    assert.ok(told.eraseToldAt !== null, 'the server noted that it told the device');
  });

  it('takes nothing but its own team’s facts with the drafts: the device’s own id stays', async () => {
    const team = await server.store.createTeam('Hillside team');
    const lost = await simDevice('Another lost phone', origin, origin, team.code, () => (clock += 1));
    await lost.store.create(WS, { title: 'Hillside notes' });
    const deviceId = lost.store.deviceId;
    await eraseLostDevice(lost.store, 42);
    assert.equal(await lost.store.meta(SYNC_META.erased), '42');
    assert.deepEqual(await lost.store.list(), []);
    assert.equal(lost.store.deviceId, deviceId);
    lost.store.close();
    const reopened = await lost.openTab();
    assert.equal(reopened.store.deviceId, deviceId, 'the same device, reopened');
    assert.equal(await reopened.store.meta(SYNC_META.erased), '42');
  });
});
