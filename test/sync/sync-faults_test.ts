import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { appliedOnServer } from '../support/applied-on-server.js';
import { FAULTS, startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy.js';
import { simDevice, type SimDevice } from '../support/sim-device.js';
import { EngineHost, type SyncServer } from '../support/sync-server.js';

const WS = { id: 'engagement-strategy', version: 1 };

describe('sync under network faults', () => {
  const host = new EngineHost('sqlite');
  let server: SyncServer;
  let origin: string;
  let proxy: FaultProxy;
  let device: SimDevice;
  let teamId: string;
  // The devices' clocks start a minute behind the server's: near enough that they keep their own (a
  // device far from it times its changes by the server's clock: see DraftStore.noteServerTime), and
  // far enough that a step on at every reading never takes them past it, which the server clamps.
  let clock = Date.now() - 60_000;
  /** Drafts this suite's tests have made, one each; every one is sent as a single mutation. */
  let draftsSent = 0;

  before(async () => {
    server = await host.server();
    const team = await server.store.createTeam('Fault team');
    teamId = team.id;
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    origin = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
    proxy = await startFaultProxy(origin);
    device = await simDevice('Phone', origin, proxy.origin, team.code, () => (clock += 1));
  });
  after(async () => {
    device.store.close();
    await proxy.close();
    await server.close();
    await host.stop();
  });

  for (const fault of FAULTS) {
    it(`loses nothing and applies nothing twice when a request meets “${fault}”`, async () => {
      const draft = await device.store.create(WS, { title: `Under ${fault}` });
      await device.store.update(draft.id, { achieve: `achieve under ${fault}` });
      await device.store.update(draft.id, { audience: `audience under ${fault}` });

      // The fault strikes the first two requests (push, then pull or a retried push).
      let strikes = 0;
      proxy.choose = (): Fault => (strikes++ < 2 ? fault : 'pass');
      for (let attempt = 0; attempt < 2; attempt += 1) await device.engine.sync().catch(() => undefined);
      proxy.choose = () => 'pass';
      await device.engine.sync();

      assert.deepEqual(await device.store.outbox(), [], 'the outbox drains once the fault ends');
      const { drafts } = await server.store.pull(teamId, 0, 1000);
      const onServer = drafts.find((d) => d.id === draft.id)!;
      assert.equal(onServer.fields['title']!.value, `Under ${fault}`);
      assert.equal(onServer.fields['achieve']!.value, `achieve under ${fault}`);
      assert.equal(onServer.fields['audience']!.value, `audience under ${fault}`);
      const applied = await appliedOnServer(server.db, teamId);
      assert.equal(applied.changes, device.changes, 'each change recorded once');
      assert.equal(applied.rev, applied.applications, 'nothing applied twice: one revision an application');
      assert.equal(applied.applications, ++draftsSent, 'each draft’s three changes went as one mutation');
      assert.ok((proxy.counts.get(fault) ?? 0) > 0, 'the fault happened');
    });
  }
});
