import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SEEN_EVERY_MS, SyncStore } from '../../../server/sync/sync-store.js';
import { EngineHost, type SyncServer } from '../../support/sync-server.js';

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`when each device last reached the server, on ${engine}`, () => {
    const host = new EngineHost(engine);
    let server: SyncServer;
    let code: string;
    let teamId: string;

    before(async () => {
      server = await host.server();
      ({ code, id: teamId } = await server.store.createTeam('Field team'));
    });
    after(async () => {
      await server?.close();
      await host.stop();
    });

    const lastSeen = async (deviceId: string): Promise<number | null> =>
      (await server.store.devices(teamId)).find((d) => d.id === deviceId)!.lastSeenAt;

    it('notes it when a device joins, then at most once an hour, and never earlier than it was', async () => {
      const before = Date.now();
      const { device } = (await server.store.join(code, 'Phone'))!;
      const joined = (await lastSeen(device.id))!;
      assert.ok(joined >= before && joined <= Date.now(), 'noted as it joined');

      await server.store.seen(device.id, joined + 10 * 60_000);
      assert.equal(await lastSeen(device.id), joined, 'not written again within the hour');
      await server.store.seen(device.id, joined + SEEN_EVERY_MS);
      assert.equal(await lastSeen(device.id), joined + SEEN_EVERY_MS, 'written once the hour is over');
      // Another instance (its own hour) hearing from the device on a request that began earlier.
      await new SyncStore(server.db, 'another').seen(device.id, joined + 30 * 60_000);
      assert.equal(await lastSeen(device.id), joined + SEEN_EVERY_MS, 'never moved back');
    });

    it('notes a device’s request through the API (a pull), as another instance would', async () => {
      // Joined through another instance, which noted it then; this one has not written it since.
      const { device, token } = (await new SyncStore(server.db, 'another').join(code, 'Tablet'))!;
      await server.db.updateTable('devices').set({ last_seen_at: 1 }).where('id', '=', device.id).execute();
      const res = await server.app.inject({ url: '/api/pull?since=0', headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.statusCode, 200, res.body);
      assert.ok((await lastSeen(device.id))! > Date.now() - 60_000, 'noted as of the pull');
    });
  });
}
