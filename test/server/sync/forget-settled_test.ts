import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FORGET_GRACE_MS, forgetSettled, forgetSettledEvery } from '../../../server/sync/forget-settled.js';
import { PUSH_BATCH_MAX, type Mutation, type MutationResult } from '../../../src/sync/protocol.js';
import { newDraftMutation } from '../../support/new-draft-mutation.js';
import { syncApiClient } from '../../support/sync-api-client.js';
import { EngineHost, type SyncServer } from '../../support/sync-server.js';

/** After the grace period: what `forgetSettled` may remove by then. */
const later = (): number => Date.now() + FORGET_GRACE_MS + 1_000;

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`forgetting settled changes on ${engine}`, () => {
    const host = new EngineHost(engine);
    let server: SyncServer;
    let teamCode: string;
    let teamId: string;

    before(async () => {
      server = await host.server();
      const team = await server.store.createTeam('Forgetting team');
      teamCode = team.code;
      teamId = team.id;
    });
    after(async () => {
      await server?.close();
      await host.stop();
    });

    const api = syncApiClient(() => server);
    const join = (name: string): Promise<{ token: string; deviceId: string }> => api.join(teamCode, name);
    const push = (token: string, mutations: Mutation[], settled?: number): Promise<MutationResult[]> =>
      api.push(token, mutations, settled === undefined ? undefined : `settled=${settled}`);

    /** The seqs the server holds records of for a device, in order. */
    async function recorded(deviceId: string): Promise<number[]> {
      const rows = await server.db
        .selectFrom('applied_mutations')
        .select('seq')
        .where('device_id', '=', deviceId)
        .orderBy('seq')
        .execute();
      return rows.map((r) => Number(r.seq));
    }

    async function mark(deviceId: string): Promise<number> {
      const row = await server.db
        .selectFrom('devices')
        .select('settled_below')
        .where('id', '=', deviceId)
        .executeTakeFirstOrThrow();
      return Number(row.settled_below);
    }

    async function teamRev(): Promise<number> {
      return Number(
        (await server.db.selectFrom('teams').select('rev').where('id', '=', teamId).executeTakeFirstOrThrow()).rev,
      );
    }

    const creates = (from: number, count: number): Mutation[] =>
      Array.from({ length: count }, (_, i) => newDraftMutation(from + i, { title: `Draft ${from + i}` }));

    it('forgets a device’s changes below its settled mark once the grace period has passed, and nothing else', async () => {
      const a = await join('Forgetful A');
      const b = await join('Forgetful B');
      await push(a.token, creates(1, 3), 1);
      await push(a.token, creates(4, 2), 4);
      await push(b.token, creates(1, 3), 1);
      await push(b.token, creates(4, 1));
      assert.equal(await mark(a.deviceId), 4, 'A said everything below 4 is settled');
      assert.equal(await mark(b.deviceId), 1, 'a push without a mark leaves it');

      assert.equal(await forgetSettled(server.db), 0, 'nothing within the grace period');
      assert.deepEqual(await recorded(a.deviceId), [1, 2, 3, 4, 5]);

      assert.equal(await forgetSettled(server.db, { now: later() }), 3);
      assert.deepEqual(await recorded(a.deviceId), [4, 5], 'A’s changes from its mark on are kept');
      assert.deepEqual(await recorded(b.deviceId), [1, 2, 3, 4], 'B’s, all below its mark of 1, are kept');
    });

    it('answers a change not yet settled from its record after forgetting: it is applied once', async () => {
      const a = await join('Repeating A');
      const first = await push(a.token, creates(1, 2), 1);
      const lost = creates(3, 1);
      const answered = await push(a.token, lost, 3);
      const rev = await teamRev();

      assert.equal(await forgetSettled(server.db, { now: later() }), 2);
      // The answer to seq 3 never reached the device: it sends it again, still unsettled.
      const again = await push(a.token, lost, 3);
      assert.deepEqual(again, answered, 'the same answer');
      assert.equal(await teamRev(), rev, 'nothing applied again');
      assert.deepEqual(await recorded(a.deviceId), [3]);
      assert.equal(first.length, 2);
    });

    it('never lowers a mark: a push arriving late with an older one leaves it', async () => {
      const a = await join('Late A');
      await push(a.token, creates(1, 10), 1);
      await push(a.token, creates(11, 1), 11);
      await push(a.token, creates(5, 1), 5);
      assert.equal(await mark(a.deviceId), 11);
    });

    it('forgets in steps every change below the mark, past gaps in the seqs', async () => {
      await forgetSettled(server.db, { now: later() }); // what the tests before left to forget
      const a = await join('Busy A');
      const total = 2 * PUSH_BATCH_MAX + 500;
      let seq = 1;
      for (let sent = 0; sent < total; sent += PUSH_BATCH_MAX) {
        const count = Math.min(PUSH_BATCH_MAX, total - sent);
        await push(a.token, creates(seq, count));
        seq += count + 1_000_000; // a gap, as a device whose seqs jumped would leave
      }
      await push(a.token, creates(seq, 1), seq);
      assert.equal(await forgetSettled(server.db, { now: later() }), total);
      assert.deepEqual(await recorded(a.deviceId), [seq]);
    });

    it('forgets every change of a device revoked before the grace period', async () => {
      const a = await join('Revoked A');
      await push(a.token, creates(1, 3), 1);
      assert.ok(await server.store.revokeDevice(a.deviceId));
      assert.equal(await forgetSettled(server.db), 0, 'not yet');
      assert.equal(await forgetSettled(server.db, { now: later() }), 3);
      assert.deepEqual(await recorded(a.deviceId), []);
    });

    it('refuses a settled mark that is not a positive whole number, changing nothing', async () => {
      const a = await join('Malformed A');
      for (const settled of ['0', '-1', 'x', '1.5']) {
        const res = await server.app.inject({
          method: 'POST',
          url: `/api/push?settled=${settled}`,
          headers: { authorization: `Bearer ${a.token}` },
          payload: { mutations: creates(1, 1) },
        });
        assert.equal(res.statusCode, 400, `settled=${settled}`);
        assert.match(res.json<{ message: string }>().message, /settled/);
      }
      const body = await server.app.inject({
        method: 'POST',
        url: '/api/push',
        headers: { authorization: `Bearer ${a.token}` },
        payload: { mutations: creates(1, 1), settled: 0 },
      });
      assert.equal(body.statusCode, 400);
      assert.deepEqual(await recorded(a.deviceId), []);
      assert.equal(await mark(a.deviceId), 0);
    });

    it('runs at once and then on its timer, one run at a time, and stops cleanly', async () => {
      const a = await join('Timed A');
      await push(a.token, creates(1, 2), 1);
      await push(a.token, creates(3, 1), 3);
      const runs: number[] = [];
      const errors: unknown[] = [];
      const forgetting = forgetSettledEvery(server.db, {
        everyMs: 5,
        graceMs: -FORGET_GRACE_MS,
        onRun: (n) => runs.push(n),
        onError: (e) => errors.push(e),
      });
      while (runs.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
      await forgetting.stop();
      const stoppedAt = runs.length;
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.equal(runs.length, stoppedAt, 'no run after stop');
      assert.deepEqual(errors, []);
      assert.ok(runs.reduce((x, y) => x + y, 0) >= 2, 'A’s settled changes among what was forgotten');
      assert.deepEqual(await recorded(a.deviceId), [3]);
    });
  });
}
