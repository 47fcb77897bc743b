import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import {
  CHANGES_WAIT_MIN_MS,
  CHANGES_WAIT_MS,
  CHANGES_WAITS_PER_DEVICE,
  TOO_MANY_WAITS,
  DEVICE_ERASED,
  HISTORY_CHANGED,
  NO_SUCH_DRAFT,
  PULL_PAGE_MAX,
  PUSH_BATCH_MAX,
  type MeResponse,
  type Mutation,
  type MutationResult,
  type PullResponse,
  type ServerDraft,
} from '../../../src/sync/protocol.js';
import { randomSecret } from '../../../server/secrets.js';
import { STORAGE_FULL_MESSAGE } from '../../../server/server-errors.js';
import { DEVICE_CACHE_MS, DeviceRevokedError, SyncStore } from '../../../server/sync/sync-store.js';
import { newDraftId } from '../../../src/data/new-draft-id.js';
import { newDraftMutation } from '../../support/new-draft-mutation.js';
import { syncApiClient } from '../../support/sync-api-client.js';
import { EngineHost, type SyncServer } from '../../support/sync-server.js';

/**
 * Once the device `headers` authenticate has every wait for its team's changes it may hold at
 * `server` held (their authentication, a database read, can take a loaded machine past any fixed
 * pause): asked by a wait the team's revision (`since`) answers at once unless it is refused, so
 * that it holds nothing itself. Answers the refusal, or after 20 s the last answer.
 */
async function untilWaitsHeld(
  server: Pick<SyncServer, 'app'>,
  headers: Record<string, string>,
  since: number,
): Promise<{ statusCode: number; body: string }> {
  const probe = () => server.app.inject({ url: `/api/changes?since=${since + 1}`, headers });
  let answer = await probe();
  for (const until = Date.now() + 20_000; answer.statusCode === 200 && Date.now() < until;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    answer = await probe();
  }
  return answer;
}

const WS = { worksheetId: 'engagement-strategy', worksheetVersion: 1 } as const;

/** The contract of the sync API, run against each storage engine in turn. */
for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`sync API on ${engine}`, () => {
    const host = new EngineHost(engine);
    let server: SyncServer;
    let teamCode: string;
    let teamId: string;

    before(async () => {
      // Its many devices join from one address within a minute: the limits have tests of their own.
      server = await host.server('dist', { joinPerMinute: 1e6, apiPerMinute: 1e6 });
      const team = await server.store.createTeam('Riverside team');
      teamCode = team.code;
      teamId = team.id;
    });
    after(async () => {
      await server?.close();
      await host.stop();
    });

    const api = syncApiClient(() => server);
    const join = (code = teamCode, deviceName = 'Phone'): Promise<{ token: string; deviceId: string }> =>
      api.join(code, deviceName);

    function auth(token: string): Record<string, string> {
      return { authorization: `Bearer ${token}` };
    }

    const push = (token: string, mutations: Mutation[]): Promise<MutationResult[]> => api.push(token, mutations);

    /** Pushes a new draft `id` and checks the device is told it is revoked (out of its team). */
    async function pushRefusedAsRevoked(token: string, id: string): Promise<void> {
      const refused = await server.app.inject({
        method: 'POST',
        url: '/api/push',
        headers: auth(token),
        payload: { mutations: [upsert(2, id, { title: { value: 'After', baseRev: 0, changedAt: 2 } })] },
      });
      assert.equal(refused.statusCode, 401, refused.body);
      assert.equal(refused.json<{ error: string }>().error, 'revoked');
    }

    async function pullAll(token: string, limit = 100): Promise<{ drafts: Map<string, ServerDraft>; pages: number }> {
      const drafts = new Map<string, ServerDraft>();
      let since = 0;
      let pages = 0;
      for (;;) {
        const res = await server.app.inject({ url: `/api/pull?since=${since}&limit=${limit}`, headers: auth(token) });
        assert.equal(res.statusCode, 200, res.body);
        const page = res.json<PullResponse>();
        pages += 1;
        for (const d of page.drafts) drafts.set(d.id, d);
        assert.ok(page.cursor >= since, 'the cursor never goes back');
        since = page.cursor;
        if (!page.more) return { drafts, pages };
      }
    }

    function upsert(seq: number, draftId: string, fields: Mutation['fields'], baseRev = 0): Mutation {
      return { seq, draftId, kind: 'upsert', ...WS, createdAt: 1_000, baseRev, fields };
    }

    it('joins a device with the team’s code, and refuses a wrong one', async () => {
      const { token, deviceId } = await join();
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      const me = await server.app.inject({ url: '/api/me', headers: auth(token) });
      assert.equal(me.json<{ deviceId: string }>().deviceId, deviceId);
      assert.equal(me.json<{ joinLink: string }>().joinLink, `http://kit.test/join#${teamCode}`);
      const wrong = await server.app.inject({
        method: 'POST',
        url: '/api/join',
        payload: { code: 'x'.repeat(43), deviceName: 'Thief' },
      });
      assert.equal(wrong.statusCode, 403);
      assert.equal(wrong.json<{ error: string }>().error, 'invalid_code');
      const stored = await server.db
        .selectFrom('devices')
        .select(['token_hash'])
        .where('id', '=', deviceId)
        .executeTakeFirstOrThrow();
      assert.notEqual(stored.token_hash, token, 'the token is stored only as a hash');
      assert.equal(stored.token_hash.length, 64);
    });

    it('holds a device’s wait for the team’s next change until a teammate pushes one, and answers at once when it has one', async () => {
      const team = await server.store.createTeam(`Waiting team ${engine}`);
      const reader = await api.join(team.code, 'Reader');
      const writer = await api.join(team.code, 'Writer');
      const wait = async (token: string, since: number): Promise<number> => {
        const res = await server.app.inject({ url: `/api/changes?since=${since}`, headers: auth(token) });
        assert.equal(res.statusCode, 200, res.body);
        return res.json<{ rev: number }>().rev;
      };
      const now = await server.store.teamRev(team.id);
      // A revision other than the device's: answered at once, with the team's.
      assert.equal(await wait(reader.token, now + 5), now);
      // The device's own: held.
      let answered: number | undefined;
      const held = wait(reader.token, now).then((rev) => (answered = rev));
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(answered, undefined, 'held while the team has no change');
      const [result] = await push(writer.token, [
        upsert(1, newDraftId(), { title: { value: 'Written meanwhile', baseRev: 0, changedAt: 1 } }),
      ]);
      assert.equal(await held, result!.rev, 'answered with the change’s revision once it was pushed');
      // Bad input: no revision, or not one; a wait shorter than the kit asks for, or longer than it holds.
      for (const url of [
        '/api/changes',
        '/api/changes?since=x',
        '/api/changes?since=-1',
        `/api/changes?since=0&wait=${CHANGES_WAIT_MIN_MS / 1000 - 1}`,
        `/api/changes?since=0&wait=${CHANGES_WAIT_MS / 1000 + 1}`,
      ]) {
        const res = await server.app.inject({ url, headers: auth(reader.token) });
        assert.equal(res.statusCode, 400, url);
      }
    });

    it('ends a wait when the device asked, sooner than its own, as one behind a gateway with a shorter timeout does', async () => {
      const team = await server.store.createTeam(`Gateway team ${engine}`);
      const reader = await api.join(team.code, 'Reader');
      const now = await server.store.teamRev(team.id);
      const asked = Date.now();
      const res = await server.app.inject({ url: `/api/changes?since=${now}&wait=2`, headers: auth(reader.token) });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json<{ rev: number }>().rev, now, 'nothing new: the team’s revision as it was');
      assert.ok(Date.now() - asked < CHANGES_WAIT_MS, 'answered at the wait asked for, not the server’s own');
    });

    it('keeps a device waiting when a teammate’s push brings the team nothing new (a repeat), and answers with the next change', async () => {
      const team = await server.store.createTeam(`Repeating team ${engine}`);
      const reader = await api.join(team.code, 'Reader');
      const writer = await api.join(team.code, 'Writer');
      const written = upsert(1, newDraftId(), { title: { value: 'Sent twice', baseRev: 0, changedAt: 1 } });
      const [first] = await push(writer.token, [written]);
      const since = await server.store.teamRev(team.id);
      const held = server.app.inject({ url: `/api/changes?since=${since}`, headers: auth(reader.token) });
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Its answer lost, the writer sends it again: the stored result, the team unchanged.
      const [again] = await push(writer.token, [written]);
      assert.deepEqual(again, first);
      assert.equal(await server.store.teamRev(team.id), since);
      const [next] = await push(writer.token, [
        upsert(2, newDraftId(), { title: { value: 'New', baseRev: 0, changedAt: 2 } }),
      ]);
      const res = await held;
      assert.equal(res.statusCode, 200, res.body);
      // A quick "nothing" would have the device stop asking until its next sync.
      assert.equal(
        res.json<{ rev: number }>().rev,
        next!.rev,
        'held through the repeat, answered with the next change',
      );
    });

    it('holds at most a few waits of one device at once, refusing more with 429, and none of its teammates’', async () => {
      const team = await server.store.createTeam(`Many tabs team ${engine}`);
      const greedy = await api.join(team.code, 'Many tabs');
      const teammate = await api.join(team.code, 'One tab');
      const writer = await api.join(team.code, 'Writer');
      const since = await server.store.teamRev(team.id);
      const wait = (token: string) => server.app.inject({ url: `/api/changes?since=${since}`, headers: auth(token) });
      const held = Array.from({ length: CHANGES_WAITS_PER_DEVICE }, () => wait(greedy.token));
      const refused = await untilWaitsHeld(server, auth(greedy.token), since);
      assert.equal(refused.statusCode, 429, refused.body);
      assert.equal((JSON.parse(refused.body) as { error: string }).error, TOO_MANY_WAITS);
      const others = wait(teammate.token);
      await push(writer.token, [
        upsert(1, newDraftId(), { title: { value: 'Wakes them all', baseRev: 0, changedAt: 1 } }),
      ]);
      for (const res of [...(await Promise.all(held)), await others]) assert.equal(res.statusCode, 200, res.body);
      // Its waits answered, the device may wait again.
      const rev = await server.store.teamRev(team.id);
      const again = server.app.inject({ url: `/api/changes?since=${rev + 1}`, headers: auth(greedy.token) });
      assert.equal((await again).statusCode, 200);
    });

    it('answers a device waiting for a change at once when the server stops, rather than hold the stop up', async () => {
      const stopping = await host.server('dist', { joinPerMinute: 1e6, apiPerMinute: 1e6 });
      const team = await stopping.store.createTeam('Stopping team');
      const device = await syncApiClient(() => stopping).join(team.code, 'Reader');
      const rev = await stopping.store.teamRev(team.id);
      // As many as the device may hold, so that a wait refused says they are all held.
      const waits = Array.from({ length: CHANGES_WAITS_PER_DEVICE }, () =>
        stopping.app.inject({ url: `/api/changes?since=${rev}`, headers: auth(device.token) }),
      );
      assert.equal((await untilWaitsHeld(stopping, auth(device.token), rev)).statusCode, 429);
      const closed = stopping.app.close();
      // Woken by the stop, not by the end of its wait (which would hold the stop that long).
      const answers = await Promise.race([
        Promise.all(waits),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('the wait ran on through the stop')), CHANGES_WAIT_MS / 2).unref(),
        ),
      ]);
      for (const res of answers) {
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json<{ rev: number }>().rev, rev);
      }
      await closed;
      await stopping.db.destroy();
    });

    it('needs a valid device token for every route but joining', async () => {
      for (const [method, url] of [
        ['GET', '/api/me'],
        ['DELETE', '/api/me'],
        ['GET', '/api/pull'],
        ['POST', '/api/push'],
        ['GET', `/api/drafts/${randomUUID()}`],
        ['GET', '/api/changes?since=0'],
      ] as const) {
        for (const headers of [
          {},
          { authorization: 'Bearer nonsense' },
          { authorization: `Bearer ${'A'.repeat(43)}` },
          { authorization: 'Basic abc' },
        ]) {
          const res = await server.app.inject({
            method,
            url,
            headers,
            payload: method === 'POST' ? { mutations: [] } : undefined,
          });
          assert.equal(res.statusCode, 401, `${method} ${url} ${JSON.stringify(headers)}`);
          assert.equal(res.json<{ error: string }>().error, 'unauthorized');
        }
      }
    });

    it('applies a mutation exactly once, however often and however concurrently it arrives', async () => {
      const { token } = await join();
      const id = randomUUID();
      const batch = [
        upsert(1, id, { title: { value: 'Once', baseRev: 0, changedAt: 10 } }),
        upsert(2, id, { achieve: { value: 'A', baseRev: 0, changedAt: 11 } }),
      ];
      const first = await push(token, batch);
      assert.deepEqual(
        first.map((r) => r.status),
        ['applied', 'applied'],
      );
      const again = [await push(token, batch), await push(token, batch)];
      for (const results of again) assert.deepEqual(results, first);
      const concurrent = await Promise.all([push(token, batch), push(token, batch), push(token, batch)]);
      for (const results of concurrent) assert.deepEqual(results, first);
      const applied = await server.db.selectFrom('applied_mutations').select(['seq']).execute();
      assert.equal(applied.filter((a) => a.seq === 1 || a.seq === 2).length >= 2, true);
      const { drafts } = await pullAll(token);
      assert.equal(drafts.get(id)!.rev, first[1]!.rev, 'no revision past the first application');

      // New mutations, pushed three times at once: still applied once each.
      const id2 = randomUUID();
      const fresh = [upsert(3, id2, { title: { value: 'Concurrent', baseRev: 0, changedAt: 12 } })];
      const results = await Promise.all([push(token, fresh), push(token, fresh), push(token, fresh)]);
      assert.equal(new Set(results.map((r) => JSON.stringify(r))).size, 1, 'every repeat gets the same answer');
      const team = await server.db.selectFrom('teams').select('rev').where('id', '=', teamId).executeTakeFirstOrThrow();
      assert.equal(Number(team.rev), results[0]![0]!.rev, 'one revision taken, not three');
    });

    it('takes a run of changes as one mutation, and applies only what a repeat has gained since', async () => {
      const a = await join(teamCode, 'Run A');
      const b = await join(teamCode, 'Run B');
      const id = randomUUID();
      // A's first two changes to a draft, as one mutation: seq 2, covering seq 1.
      const run = (seq: number, covers: number[], fields: Mutation['fields']): Mutation => ({
        ...upsert(seq, id, fields),
        covers,
      });
      const [first] = await push(a.token, [
        run(2, [1], {
          title: { value: 'Title from A', baseRev: 0, changedAt: 10, seq: 1 },
          achieve: { value: 'Aim 1', baseRev: 0, changedAt: 11, seq: 2 },
        }),
      ]);
      assert.equal(first!.status, 'applied');
      assert.equal(first!.seq, 2);
      // B, having seen it, retitles the draft.
      const [fromB] = await push(b.token, [
        upsert(1, id, { title: { value: 'Title from B', baseRev: first!.rev, changedAt: 20 } }, first!.rev),
      ]);
      assert.equal(fromB!.status, 'applied');
      // A never heard its answer and has edited its aim since: the run goes again, grown by seq 3.
      // Its title (seq 1) is applied already, so B's later title stands, with no conflict.
      const grown = run(3, [1, 2], {
        title: { value: 'Title from A', baseRev: 0, changedAt: 10, seq: 1 },
        achieve: { value: 'Aim 2', baseRev: 0, changedAt: 30, seq: 3 },
      });
      const [again] = await push(a.token, [grown]);
      assert.equal(again!.status, 'applied', 'nothing but the new aim was applied');
      assert.equal(again!.seq, 3);
      assert.deepEqual(
        again!.earlier,
        [1, 2].map((seq) => ({ seq, status: 'applied', rev: first!.rev })),
        'the changes applied before are answered with the revision they took then',
      );
      const draft = (await pullAll(a.token)).drafts.get(id)!;
      assert.equal(draft.fields['title']!.value, 'Title from B');
      assert.equal(draft.fields['title']!.conflict, null, 'no conflict made up from a change already applied');
      assert.equal(draft.fields['achieve']!.value, 'Aim 2');
      // And the same run once more is answered from the record, with no new revision.
      assert.deepEqual(await push(a.token, [grown]), [again]);
      const applied = await server.db
        .selectFrom('applied_mutations')
        .innerJoin('devices', 'devices.id', 'applied_mutations.device_id')
        .select(['applied_mutations.seq'])
        .where('devices.name', '=', 'Run A')
        .orderBy('applied_mutations.seq')
        .execute();
      assert.deepEqual(
        applied.map((r) => Number(r.seq)),
        [1, 2, 3],
        'each change recorded once',
      );
      assert.equal((await pullAll(a.token)).drafts.get(id)!.rev, again!.rev);
    });

    it('counts each change of a run once, even when its covers repeat one or name the run’s own', async () => {
      const { token, deviceId } = await join(teamCode, 'Repeats');
      const id = randomUUID();
      const [result] = await push(token, [
        { ...upsert(3, id, { title: { value: 'Once each', baseRev: 0, changedAt: 1 } }), covers: [1, 1, 3, 2] },
      ]);
      assert.equal(result!.status, 'applied');
      const recorded = await server.db
        .selectFrom('applied_mutations')
        .select('seq')
        .where('device_id', '=', deviceId)
        .orderBy('seq')
        .execute();
      assert.deepEqual(
        recorded.map((r) => Number(r.seq)),
        [1, 2, 3],
      );
    });

    it('refuses a push carrying more than its limit of changes, counting those its mutations cover', async () => {
      const { token } = await join(teamCode, 'Too many');
      const id = randomUUID();
      const covers = Array.from({ length: PUSH_BATCH_MAX }, (_, i) => i + 1);
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/push',
        headers: auth(token),
        payload: {
          mutations: [
            { ...upsert(PUSH_BATCH_MAX + 1, id, { title: { value: 'x', baseRev: 0, changedAt: 1 } }), covers },
          ],
        },
      });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json<{ error: string }>().error, 'too_many_changes');
      assert.equal((await pullAll(token)).drafts.has(id), false, 'nothing applied');
    });

    it('keeps edits to different fields of one draft from two devices', async () => {
      const a = await join(teamCode, 'A');
      const b = await join(teamCode, 'B');
      const id = randomUUID();
      const [created] = await push(a.token, [upsert(1, id, { title: { value: 'Shared', baseRev: 0, changedAt: 1 } })]);
      const [fromA] = await push(a.token, [
        upsert(2, id, { achieve: { value: 'from A', baseRev: 0, changedAt: 2 } }, created!.rev),
      ]);
      const [fromB] = await push(b.token, [
        upsert(1, id, { audience: { value: 'from B', baseRev: 0, changedAt: 3 } }, created!.rev),
      ]);
      assert.equal(fromA!.status, 'applied');
      assert.equal(fromB!.status, 'applied');
      const draft = (await pullAll(b.token)).drafts.get(id)!;
      assert.equal(draft.fields['achieve']!.value, 'from A');
      assert.equal(draft.fields['audience']!.value, 'from B');
      assert.equal(draft.fields['title']!.value, 'Shared');
    });

    it('keeps every answer as it was sent: one option chosen stays a list, and a value of the wrong type is refused', async () => {
      const a = await join(teamCode, 'A');
      const b = await join(teamCode, 'B');
      const id = randomUUID();
      const answers = {
        activities: ['consultation'],
        channels: [{ id: 'c1', name: 'Local radio', note: 'Reaches older people' }],
        tools: [],
        achieve: '42',
      };
      const [created] = await push(a.token, [
        upsert(
          1,
          id,
          Object.fromEntries(Object.entries(answers).map(([k, value]) => [k, { value, baseRev: 0, changedAt: 1 }])),
        ),
      ]);
      assert.equal(created!.status, 'applied');
      // B, not having seen A's, chose another single option (earlier): its list is the conflict's other value.
      await push(b.token, [upsert(1, id, { activities: { value: ['communication'], baseRev: 0, changedAt: 0 } })]);
      const pulled = (await pullAll(b.token)).drafts.get(id)!;
      const res = await server.app.inject({ url: `/api/drafts/${id}`, headers: auth(b.token) });
      for (const draft of [pulled, res.json<ServerDraft>()]) {
        assert.deepEqual(
          Object.fromEntries(Object.keys(answers).map((k) => [k, draft.fields[k]!.value])),
          answers,
          'every answer as it was sent',
        );
        assert.deepEqual(draft.fields['activities']!.conflict?.value, ['communication']);
      }
      for (const value of [5, true, { id: 'c1' }, [5], null]) {
        const refused = await server.app.inject({
          method: 'POST',
          url: '/api/push',
          headers: auth(a.token),
          payload: { mutations: [upsert(2, id, { achieve: { value, baseRev: created!.rev, changedAt: 2 } } as never)] },
        });
        assert.equal(refused.statusCode, 400, `${JSON.stringify(value)}: ${refused.body}`);
      }
      assert.equal((await pullAll(a.token)).drafts.get(id)!.fields['achieve']!.value, '42');
    });

    it('gives one draft as the team holds it, as a pull would, and a 404 of its own for one the team does not have', async () => {
      const a = await join(teamCode, 'Ana’s tablet');
      const b = await join(teamCode, 'Ben’s phone');
      const id = randomUUID();
      const [created] = await push(a.token, [
        upsert(1, id, { title: { value: 'One draft', baseRev: 0, changedAt: 1 } }),
      ]);
      // Both change the title from the same revision: the draft holds a conflict, named for its device.
      await push(a.token, [upsert(2, id, { title: { value: 'Ana’s title', baseRev: created!.rev, changedAt: 5 } })]);
      await push(b.token, [upsert(1, id, { title: { value: 'Ben’s title', baseRev: created!.rev, changedAt: 4 } })]);
      const res = await server.app.inject({ url: `/api/drafts/${id}`, headers: auth(b.token) });
      assert.equal(res.statusCode, 200, res.body);
      const draft = res.json<ServerDraft>();
      assert.deepEqual(draft, (await pullAll(b.token)).drafts.get(id));
      assert.equal(draft.fields['title']!.value, 'Ana’s title');
      assert.deepEqual(draft.fields['title']!.conflict, {
        value: 'Ben’s title',
        changedAt: 4,
        changedBy: 'Ben’s phone',
      });

      const missing = await server.app.inject({ url: `/api/drafts/${randomUUID()}`, headers: auth(a.token) });
      assert.equal(missing.statusCode, 404);
      assert.equal(missing.json<{ error: string }>().error, NO_SUCH_DRAFT);
      // Another team's device is told the same as for a draft no team has.
      const other = await server.store.createTeam('Another team');
      const outsider = await join(other.code, 'Outsider');
      const hidden = await server.app.inject({ url: `/api/drafts/${id}`, headers: auth(outsider.token) });
      assert.equal(hidden.statusCode, 404);
      assert.equal(hidden.json<{ error: string }>().error, NO_SUCH_DRAFT);
      const malformed = await server.app.inject({ url: '/api/drafts/not-a-uuid', headers: auth(a.token) });
      assert.equal(malformed.statusCode, 400);
    });

    it('settles a same-field conflict the same way for everyone, keeps the other value, and syncs its resolution', async () => {
      const a = await join(teamCode, 'Alex’s phone');
      const b = await join(teamCode, 'Bo’s tablet');
      const id = randomUUID();
      const [created] = await push(a.token, [
        upsert(1, id, { achieve: { value: 'original', baseRev: 0, changedAt: 1 } }),
      ]);
      const base = created!.rev;
      await push(a.token, [upsert(2, id, { achieve: { value: 'A’s words', baseRev: base, changedAt: 200 } }, base)]);
      const [fromB] = await push(b.token, [
        upsert(1, id, { achieve: { value: 'B’s words', baseRev: base, changedAt: 100 } }, base),
      ]);
      assert.equal(fromB!.status, 'conflict');
      const forA = (await pullAll(a.token)).drafts.get(id)!.fields['achieve']!;
      const forB = (await pullAll(b.token)).drafts.get(id)!.fields['achieve']!;
      assert.deepEqual(forA, forB, 'both devices see the same state');
      assert.equal(forA.value, 'A’s words', 'the later change wins');
      assert.deepEqual(forA.conflict, { value: 'B’s words', changedAt: 100, changedBy: 'Bo’s tablet' });
      assert.equal(forA.changedBy, 'Alex’s phone');

      // Anyone resolves it with an edit based on the current revision; the conflict goes for all.
      const [resolved] = await push(b.token, [
        upsert(2, id, { achieve: { value: 'A’s and B’s words', baseRev: forB.rev, changedAt: 300 } }, forB.rev),
      ]);
      assert.equal(resolved!.status, 'applied');
      const after = (await pullAll(a.token)).drafts.get(id)!.fields['achieve']!;
      assert.equal(after.value, 'A’s and B’s words');
      assert.equal(after.conflict, null);
    });

    // A phone whose clock runs a year ahead (set by hand, or a reset) must not win every conflict,
    // nor stamp its answers a year on: no change was made after it reached the server.
    it('counts the later of two devices writing the same value as its latest change, so an earlier one met after still loses', async () => {
      const a = await join(teamCode, 'Alex’s phone');
      const b = await join(teamCode, 'Bo’s tablet');
      const c = await join(teamCode, 'Cai’s phone');
      const id = randomUUID();
      const [created] = await push(a.token, [upsert(1, id, { title: { value: 'Review', baseRev: 0, changedAt: 1 } })]);
      const base = created!.rev;
      await push(a.token, [upsert(2, id, { review: { value: '2027-03-01', baseRev: base, changedAt: 10 } }, base)]);
      // B, not having seen it, sets the same date later; C, offline, set another date between the two.
      const [fromB] = await push(b.token, [
        upsert(1, id, { review: { value: '2027-03-01', baseRev: base, changedAt: 30 } }, base),
      ]);
      assert.equal(fromB!.status, 'merged');
      const [fromC] = await push(c.token, [
        upsert(1, id, { review: { value: '2027-02-01', baseRev: base, changedAt: 20 } }, base),
      ]);
      assert.equal(fromC!.status, 'conflict');
      const review = (await pullAll(c.token)).drafts.get(id)!.fields['review']!;
      assert.equal(review.value, '2027-03-01', 'the latest change (B’s) wins');
      assert.deepEqual([review.changedAt, review.changedBy], [30, 'Bo’s tablet']);
      assert.deepEqual(review.conflict, { value: '2027-02-01', changedAt: 20, changedBy: 'Cai’s phone' });

      // Dee saw A's date and changed it before B (who had not seen A's) wrote the same date:
      // Dee's change and B's were made apart, and meet as a conflict B's, the later, wins,
      // where Dee's used to replace B's unseen (being based on the date's last revision).
      const other = randomUUID();
      const [made] = await push(a.token, [upsert(3, other, { title: { value: 'Dates', baseRev: 0, changedAt: 1 } })]);
      const [dated] = await push(a.token, [
        upsert(4, other, { review: { value: '2027-03-01', baseRev: made!.rev, changedAt: 10 } }, made!.rev),
      ]);
      await push(b.token, [
        upsert(2, other, { review: { value: '2027-03-01', baseRev: made!.rev, changedAt: 30 } }, made!.rev),
      ]);
      const d = await join(teamCode, 'Dee’s phone');
      const [fromD] = await push(d.token, [
        upsert(1, other, { review: { value: '2027-04-01', baseRev: dated!.rev, changedAt: 20 } }, dated!.rev),
      ]);
      assert.equal(fromD!.status, 'conflict');
      const kept = (await pullAll(d.token)).drafts.get(other)!.fields['review']!;
      assert.deepEqual([kept.value, kept.changedBy], ['2027-03-01', 'Bo’s tablet']);
      assert.deepEqual(kept.conflict, { value: '2027-04-01', changedAt: 20, changedBy: 'Dee’s phone' });
    });

    it('takes no change as made later than it arrived: a device clock running ahead does not win every conflict', async () => {
      const ahead = await join(teamCode, 'Phone a year ahead');
      const right = await join(teamCode, 'Phone on time');
      const id = randomUUID();
      const YEAR = 365 * 24 * 60 * 60 * 1000;
      const [created] = await push(right.token, [
        upsert(1, id, { achieve: { value: 'first', baseRev: 0, changedAt: 1 } }),
      ]);
      const base = created!.rev;
      const before = Date.now();
      await push(ahead.token, [
        {
          ...upsert(
            1,
            id,
            { achieve: { value: 'From the fast clock', baseRev: base, changedAt: before + YEAR } },
            base,
          ),
          createdAt: before + YEAR,
        },
      ]);
      const arrived = Date.now();
      // Made after the other arrived, from the same revision: the later change, so it wins.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const [fromRight] = await push(right.token, [
        upsert(2, id, { achieve: { value: 'From the right clock', baseRev: base, changedAt: Date.now() } }, base),
      ]);
      assert.equal(fromRight!.status, 'conflict');
      const field = (await pullAll(right.token)).drafts.get(id)!.fields['achieve']!;
      assert.equal(field.value, 'From the right clock');
      assert.equal(field.conflict!.value, 'From the fast clock');
      const stamped = field.conflict!.changedAt;
      assert.ok(
        stamped >= before && stamped <= arrived,
        `stamped when it arrived, not a year on: ${new Date(stamped).toISOString()}`,
      );
    });

    it('lets an edit beat a concurrent delete: the draft comes back with a note', async () => {
      const a = await join(teamCode, 'Deleter');
      const b = await join(teamCode, 'Editor');
      const id = randomUUID();
      const [created] = await push(a.token, [
        upsert(1, id, { title: { value: 'Contested', baseRev: 0, changedAt: 1 } }),
      ]);
      const [deleted] = await push(a.token, [
        { seq: 2, draftId: id, kind: 'delete', ...WS, createdAt: 1_000, baseRev: created!.rev, fields: {} },
      ]);
      assert.equal(deleted!.status, 'applied');
      const [edited] = await push(b.token, [
        upsert(1, id, { achieve: { value: 'still needed', baseRev: 0, changedAt: 5 } }, created!.rev),
      ]);
      assert.equal(edited!.status, 'conflict');
      const draft = (await pullAll(a.token)).drafts.get(id)!;
      assert.equal(draft.deletedAt, null);
      assert.match(draft.note!, /Restored: Editor edited it after it was deleted/);

      // And a delete based on an older view than someone's edit keeps the draft.
      const [lateDelete] = await push(a.token, [
        { seq: 3, draftId: id, kind: 'delete', ...WS, createdAt: 1_000, baseRev: created!.rev, fields: {} },
      ]);
      assert.equal(lateDelete!.status, 'conflict');
      assert.equal((await pullAll(b.token)).drafts.get(id)!.deletedAt, null);
    });

    it('deletes a draft its own device edited after last seeing it, in the same batch or an earlier one', async () => {
      const { token } = await join(teamCode, 'Own edits');
      const id = randomUUID();
      const sameBatch = await push(token, [
        upsert(1, id, { title: { value: 'Made offline', baseRev: 0, changedAt: 10 } }),
        upsert(2, id, { achieve: { value: 'Edited offline', baseRev: 0, changedAt: 11 } }),
        { seq: 3, draftId: id, kind: 'delete', ...WS, createdAt: 1_000, baseRev: 0, fields: {} },
      ]);
      assert.deepEqual(
        sameBatch.map((r) => r.status),
        ['applied', 'applied', 'applied'],
      );
      const id2 = randomUUID();
      const [created] = await push(token, [upsert(4, id2, { title: { value: 'Synced', baseRev: 0, changedAt: 12 } })]);
      await push(token, [upsert(5, id2, { achieve: { value: 'Then edited', baseRev: 0, changedAt: 13 } })]);
      const [deleted] = await push(token, [
        { seq: 6, draftId: id2, kind: 'delete', ...WS, createdAt: 1_000, baseRev: created!.rev, fields: {} },
      ]);
      assert.equal(deleted!.status, 'applied');
      const { drafts } = await pullAll(token);
      for (const d of [id, id2]) {
        assert.notEqual(drafts.get(d)!.deletedAt, null);
        assert.equal(drafts.get(d)!.note, null);
      }
    });

    it('tells a device it may skip pulling its own changes back only when nothing else happened meanwhile', async () => {
      const a = await join(teamCode, 'Cursor A');
      const b = await join(teamCode, 'Cursor B');
      // The device's cursor comes in the address; devices of an earlier version send it in the body.
      let pushes = 0;
      const pushSince = async (token: string, since: number, mutations: Mutation[]) => {
        const inBody = ++pushes % 2 === 0;
        const res = await server.app.inject({
          method: 'POST',
          url: inBody ? '/api/push' : `/api/push?since=${since}`,
          headers: auth(token),
          payload: inBody ? { since, mutations } : { mutations },
        });
        assert.equal(res.statusCode, 200, res.body);
        return res.json<{ results: MutationResult[]; cursor?: number }>();
      };
      const latest = async (token: string): Promise<number> => {
        let since = 0;
        for (;;) {
          const page = (
            await server.app.inject({ url: `/api/pull?since=${since}&limit=500`, headers: auth(token) })
          ).json<PullResponse>();
          since = page.cursor;
          if (!page.more) return since;
        }
      };
      const id = randomUUID();
      const seen = await latest(a.token);
      // A is up to date: the answer moves its cursor over the batch's own revisions.
      const first = await pushSince(a.token, seen, [
        upsert(1, id, { title: { value: 'Mine', baseRev: 0, changedAt: 10 } }),
        upsert(2, id, { achieve: { value: 'Also mine', baseRev: 0, changedAt: 11 } }),
      ]);
      assert.deepEqual(
        first.results.map((r) => r.status),
        ['applied', 'applied'],
      );
      assert.equal(first.cursor, first.results[1]!.rev);
      assert.equal(await latest(a.token), first.cursor, 'nothing lies beyond the cursor');

      // B changes the draft; A's next push starts from a cursor B's change is past: no shortcut,
      // A must pull B's change.
      await push(b.token, [upsert(1, id, { audience: { value: 'From B', baseRev: 0, changedAt: 12 } })]);
      const second = await pushSince(a.token, first.cursor!, [
        upsert(3, id, { title: { value: 'Mine again', baseRev: first.results[0]!.rev, changedAt: 13 } }),
      ]);
      assert.equal(second.results[0]!.status, 'applied');
      assert.equal(second.cursor, undefined);

      // Up to date again, but the push conflicts with B's value: A must pull to see the conflict.
      const caughtUp = await latest(a.token);
      await push(b.token, [upsert(2, id, { achieve: { value: 'B’s answer', baseRev: 0, changedAt: 14 } })]);
      const bRev = await latest(a.token);
      const third = await pushSince(a.token, bRev, [
        upsert(4, id, { achieve: { value: 'A’s answer', baseRev: first.results[1]!.rev, changedAt: 15 } }),
      ]);
      assert.ok(caughtUp < bRev);
      assert.equal(third.results[0]!.status, 'conflict');
      assert.equal(third.cursor, undefined);
    });

    it('answers pushes that arrive together as if each came alone, and a failing one fails only itself', async () => {
      const devices = await Promise.all(['North', 'South', 'East'].map((name) => join(teamCode, `Group ${name}`)));
      const before = Number(
        (await server.db.selectFrom('teams').select('rev').where('id', '=', teamId).executeTakeFirstOrThrow()).rev,
      );
      const ids = devices.map(() => randomUUID());
      const east = (await server.store.deviceByToken(devices[2]!.token))!;
      // A change the database refuses (a draft needs a worksheet): it reaches the store, not the API.
      const broken = { ...upsert(50, randomUUID(), {}), worksheetId: null as unknown as string };
      const sent = await Promise.allSettled([
        ...devices.map(async ({ token }, i) => {
          const res = await server.app.inject({
            method: 'POST',
            url: '/api/push',
            headers: auth(token),
            payload: {
              since: before,
              mutations: [
                upsert(10, ids[i]!, { title: { value: `Draft ${i}`, baseRev: 0, changedAt: 20 } }),
                upsert(11, ids[i]!, { achieve: { value: `Goal ${i}`, baseRev: 0, changedAt: 21 } }),
              ],
            },
          });
          assert.equal(res.statusCode, 200, res.body);
          return res.json<{ results: MutationResult[]; cursor?: number }>();
        }),
        server.store.push(east, [broken]),
      ]);
      const answers = sent.slice(0, 3).map((s) => {
        assert.equal(s.status, 'fulfilled');
        return s.value as { results: MutationResult[]; cursor?: number };
      });
      assert.equal(sent[3]!.status, 'rejected', 'the broken change fails');

      const revs = answers.flatMap((a) => a.results.map((r) => r.rev)).sort((x, y) => x - y);
      assert.deepEqual(
        revs,
        Array.from({ length: 6 }, (_, i) => before + 1 + i),
        'each change took its own revision, none skipped, none shared',
      );
      for (const a of answers) {
        assert.deepEqual(
          a.results.map((r) => r.status),
          ['applied', 'applied'],
        );
        assert.equal(a.results[1]!.rev, a.results[0]!.rev + 1, 'a push’s changes stay together and in order');
      }
      // Only a push that found the team where its device left it may skip pulling, and only over its own changes.
      const skipping = answers.filter((a) => a.cursor !== undefined);
      assert.ok(skipping.length <= 1);
      for (const a of skipping) assert.equal(a.cursor, before + 2);
      const team = await server.db.selectFrom('teams').select('rev').where('id', '=', teamId).executeTakeFirstOrThrow();
      assert.equal(Number(team.rev), before + 6, 'the broken change took no revision');
      const { drafts } = await pullAll(devices[0]!.token, 500);
      ids.forEach((id, i) => assert.equal(drafts.get(id)?.fields['title']?.value, `Draft ${i}`));
      assert.equal(drafts.has(broken.draftId), false);

      // Repeats of all three, together: the stored answers, no new revision.
      const repeats = await Promise.all(
        devices.map(async ({ token }, i) =>
          push(token, [
            upsert(10, ids[i]!, { title: { value: `Draft ${i}`, baseRev: 0, changedAt: 20 } }),
            upsert(11, ids[i]!, { achieve: { value: `Goal ${i}`, baseRev: 0, changedAt: 21 } }),
          ]),
        ),
      );
      assert.deepEqual(
        repeats,
        answers.map((a) => a.results),
      );
      const after = await server.db
        .selectFrom('teams')
        .select('rev')
        .where('id', '=', teamId)
        .executeTakeFirstOrThrow();
      assert.equal(Number(after.rev), before + 6);
    });

    it('refuses a push on a full disk with a 503 that says so, applies nothing of it, and takes it once there is room', async () => {
      const fresh = await host.server();
      try {
        const team = await fresh.store.createTeam('Full disk team');
        const { token } = await syncApiClient(() => fresh).join(team.code, 'Full');
        const push = () =>
          fresh.app.inject({
            method: 'POST',
            url: '/api/push',
            headers: { authorization: `Bearer ${token}` },
            payload: {
              mutations: [
                upsert(1, randomUUID(), { achieve: { value: 'words '.repeat(2_000), baseRev: 0, changedAt: 1 } }),
              ],
            },
          });
        // The disk filled. SQLite: the database may not grow a page (its size limit stands in for
        // the disk). PostgreSQL: the server itself raises disk_full (53100) inside the push's
        // transaction, as it does when it cannot extend a file; a real full filesystem is not made.
        const room =
          engine === 'sqlite'
            ? (await sql<{ page_count: number }>`PRAGMA page_count`.execute(fresh.db)).rows[0]!.page_count
            : 0;
        if (engine === 'sqlite') await sql.raw(`PRAGMA max_page_count = ${room}`).execute(fresh.db);
        else
          await sql
            .raw(
              `CREATE FUNCTION disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
                 RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
               END $$;
               CREATE TRIGGER disk_full BEFORE INSERT ON draft_fields FOR EACH ROW EXECUTE FUNCTION disk_full();`,
            )
            .execute(fresh.db);
        const refused = await push();
        assert.equal(refused.statusCode, 503, refused.body);
        assert.equal(refused.headers['retry-after'], '60');
        assert.deepEqual(refused.json(), { statusCode: 503, error: 'storage_full', message: STORAGE_FULL_MESSAGE });
        assert.equal((await fresh.store.pull(team.id, 0, 10)).drafts.length, 0, 'nothing of it applied');

        if (engine === 'sqlite') await sql.raw(`PRAGMA max_page_count = ${room * 1000}`).execute(fresh.db);
        else await sql.raw('DROP TRIGGER disk_full ON draft_fields').execute(fresh.db);
        const taken = await push();
        assert.equal(taken.statusCode, 200, taken.body);
        assert.equal((await fresh.store.pull(team.id, 0, 10)).drafts.length, 1, 'sent again, it is applied once');
      } finally {
        await fresh.close();
      }
    });

    it('pages a long catch-up in bounded pages, missing nothing', async () => {
      const fresh = await host.server();
      try {
        const team = await fresh.store.createTeam('Paging team');
        const res = await fresh.app.inject({
          method: 'POST',
          url: '/api/join',
          payload: { code: team.code, deviceName: 'P' },
        });
        const { token } = res.json<{ token: string }>();
        const ids = Array.from({ length: 25 }, () => randomUUID());
        const pushRes = await fresh.app.inject({
          method: 'POST',
          url: '/api/push',
          headers: { authorization: `Bearer ${token}` },
          payload: {
            mutations: ids.map((id, i) =>
              upsert(i + 1, id, { title: { value: `Draft ${i}`, baseRev: 0, changedAt: i } }),
            ),
          },
        });
        assert.equal(pushRes.statusCode, 200);
        const seen: string[] = [];
        let since = 0;
        let pages = 0;
        for (;;) {
          const page = (
            await fresh.app.inject({
              url: `/api/pull?since=${since}&limit=10`,
              headers: { authorization: `Bearer ${token}` },
            })
          ).json<PullResponse>();
          pages += 1;
          assert.ok(page.drafts.length <= 10);
          seen.push(...page.drafts.map((d) => d.id));
          since = page.cursor;
          if (!page.more) break;
        }
        assert.equal(pages, 3);
        assert.deepEqual(seen, ids);
      } finally {
        await fresh.close();
      }
    });

    // A page is cut by its size in bytes: an answer in Chinese takes three a character.
    for (const [language, sentence] of [
      ['English', 'A long answer from the room. '],
      ['Chinese', '社区在会上提出了很多意见。'],
    ] as const)
      it(`cuts a page of long answers in ${language} at about a megabyte, missing nothing`, async () => {
        const fresh = await host.server();
        try {
          const team = await fresh.store.createTeam('Long answers team');
          const res = await fresh.app.inject({
            method: 'POST',
            url: '/api/join',
            payload: { code: team.code, deviceName: 'L' },
          });
          const { token } = res.json<{ token: string }>();
          const headers = { authorization: `Bearer ${token}` };
          const ids = Array.from({ length: 40 }, () => randomUUID());
          const answer = sentence.repeat(Math.floor(58_000 / Buffer.byteLength(sentence))); // ~58 KB
          for (let i = 0; i < ids.length; i += 10) {
            const pushRes = await fresh.app.inject({
              method: 'POST',
              url: '/api/push',
              headers,
              payload: {
                mutations: ids
                  .slice(i, i + 10)
                  .map((id, k) => upsert(i + k + 1, id, { achieve: { value: answer, baseRev: 0, changedAt: i + k } })),
              },
            });
            assert.equal(pushRes.statusCode, 200, pushRes.body);
          }
          const seen: string[] = [];
          const sizes: number[] = [];
          let since = 0;
          for (;;) {
            const pull = await fresh.app.inject({ url: `/api/pull?since=${since}&limit=${PULL_PAGE_MAX}`, headers });
            const page = pull.json<PullResponse>();
            sizes.push(pull.rawPayload.length);
            assert.ok(page.drafts.length > 0);
            seen.push(...page.drafts.map((d) => d.id));
            since = page.cursor;
            if (!page.more) break;
          }
          assert.deepEqual(seen, ids, 'every draft, in order, once');
          assert.ok(sizes.length >= 3, `2.3 MB in pages of about 1 MB: ${sizes.join(', ')} bytes`);
          const answerBytes = Buffer.byteLength(answer);
          for (const size of sizes) assert.ok(size <= 1024 * 1024 + answerBytes + 1_000, `${size} bytes`);
        } finally {
          await fresh.close();
        }
      });

    it('rotates the join link, and revokes a device with 401 after', async () => {
      const device = await join(teamCode, 'To be revoked');
      const newCode = await server.store.rotateJoinCode(teamId);
      const old = await server.app.inject({
        method: 'POST',
        url: '/api/join',
        payload: { code: teamCode, deviceName: 'Late' },
      });
      assert.equal(old.statusCode, 403, 'the old link stops working');
      teamCode = newCode;
      await join(newCode, 'With the new link');
      assert.ok(await server.store.revokeDevice(device.deviceId));
      const res = await server.app.inject({ url: '/api/pull', headers: auth(device.token) });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json<{ error: string }>().error, 'revoked');
    });

    it('hears at once of a rename or a revocation made by this server, of a device it has just read', async () => {
      const device = await join(teamCode, 'Old name');
      const me = () => server.app.inject({ url: '/api/me', headers: auth(device.token) });
      assert.equal((await me()).json<MeResponse>().deviceName, 'Old name');
      const renamed = await server.app.inject({
        method: 'PUT',
        url: '/api/me',
        headers: auth(device.token),
        payload: { name: 'New name' },
      });
      assert.equal(renamed.statusCode, 204, renamed.body);
      assert.equal((await me()).json<MeResponse>().deviceName, 'New name');
      assert.ok(await server.store.revokeDevice(device.deviceId));
      const res = await me();
      assert.equal(res.statusCode, 401);
      assert.equal(res.json<{ error: string }>().error, 'revoked');
    });

    it('tells a device reported lost to erase its team’s drafts, at every request, noting when it was first told', async () => {
      const lost = await join(teamCode, 'Lost phone');
      const kept = newDraftId();
      await push(lost.token, [newDraftMutation(1, { title: 'Kept' }, kept)]);
      const told = async (): Promise<number | null> =>
        (await server.store.devices(teamId)).find((d) => d.id === lost.deviceId)!.eraseToldAt;
      assert.ok(await server.store.eraseDevice(lost.deviceId));
      assert.equal(await server.store.eraseDevice(lost.deviceId), false, 'told once is enough');
      assert.equal(await told(), null, 'not told before it asks');
      for (const request of [
        { url: '/api/pull' },
        { url: '/api/me' },
        { method: 'POST' as const, url: '/api/push', payload: { mutations: [] } },
      ]) {
        const res = await server.app.inject({ ...request, headers: auth(lost.token) });
        assert.equal(res.statusCode, 401, request.url);
        const body = res.json<{ error: string; message: string }>();
        assert.equal(body.error, DEVICE_ERASED, request.url);
        assert.match(body.message, /reported lost/);
      }
      const first = await told();
      assert.ok(first !== null && first <= Date.now());
      await server.app.inject({ url: '/api/pull', headers: auth(lost.token) });
      assert.equal(await told(), first, 'the first telling is what is kept');
      const devices = await server.store.devices(teamId);
      assert.ok(devices.find((d) => d.id === lost.deviceId)!.revokedAt !== null, 'revoked too');
      assert.equal(
        (await server.store.draft(teamId, kept))?.fields['title']?.value,
        'Kept',
        'the team keeps its drafts',
      );
    });

    it('tells a lost device to erase when an erase made elsewhere reaches its push before its cached token does', async () => {
      const device = await join(teamCode, 'Phone lost meanwhile');
      // Read (and held) by this server before the CLI, another process, reports it lost.
      assert.equal((await server.app.inject({ url: '/api/pull', headers: auth(device.token) })).statusCode, 200);
      assert.ok(await new SyncStore(server.db, randomSecret()).eraseDevice(device.deviceId));
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/push',
        headers: auth(device.token),
        payload: { mutations: [newDraftMutation(1, { title: 'Late' })] },
      });
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(res.json<{ error: string }>().error, DEVICE_ERASED);
    });

    it('lets a device leave its team: its token is revoked, and the team no longer counts it', async () => {
      const device = await join(teamCode, 'Leaving phone');
      const before = (await server.store.devices(teamId)).filter((d) => d.revokedAt === null).length;
      const left = await server.app.inject({ method: 'DELETE', url: '/api/me', headers: auth(device.token) });
      assert.equal(left.statusCode, 204, left.body);
      assert.equal((await server.store.devices(teamId)).filter((d) => d.revokedAt === null).length, before - 1);
      const after = await server.app.inject({ url: '/api/pull', headers: auth(device.token) });
      assert.equal(after.statusCode, 401);
      assert.equal(after.json<{ error: string }>().error, 'revoked');
    });

    it('deletes a team whole, and answers a device of it read just before as in no team, storing nothing', async () => {
      const ending = await server.store.createTeam('Ending project');
      const device = await join(ending.code, 'Project phone');
      await push(device.token, [
        upsert(1, randomUUID(), { title: { value: 'Said at the hall', baseRev: 0, changedAt: 1 } }),
      ]);
      await server.app.inject({ url: '/api/me', headers: auth(device.token) }); // this instance now holds the device
      // Deleted through another instance on the same database (or `npm run team`): this one is not told.
      assert.deepEqual(await new SyncStore(server.db, randomSecret()).deleteTeam(ending.id), { drafts: 1, devices: 1 });
      await pushRefusedAsRevoked(device.token, randomUUID());
      const left = await server.db.selectFrom('drafts').select('id').where('team_id', '=', ending.id).execute();
      assert.deepEqual(left, [], 'nothing of the team is stored');
      assert.equal(await server.store.deleteTeam(ending.id), undefined, 'a team deleted is not found again');
      assert.ok((await server.store.findTeam(teamId))!, 'other teams stay');
    });

    it('refuses at once a push from a device revoked elsewhere, and its pulls within the time a device is held', async () => {
      const device = await join(teamCode, 'Lost phone');
      await push(device.token, [upsert(1, randomUUID(), { title: { value: 'Before', baseRev: 0, changedAt: 1 } })]);
      // Revoked through another instance on the same database (or `npm run team`): this one is not told.
      assert.ok(await new SyncStore(server.db, randomSecret()).revokeDevice(device.deviceId));
      const later = randomUUID();
      await pushRefusedAsRevoked(device.token, later);
      const written = await server.db.selectFrom('drafts').select('id').where('id', '=', later).execute();
      assert.deepEqual(written, [], 'nothing of the refused push is stored');
      await new Promise((resolve) => setTimeout(resolve, DEVICE_CACHE_MS + 50));
      const pull = await server.app.inject({ url: '/api/pull', headers: auth(device.token) });
      assert.equal(pull.statusCode, 401);
      assert.equal(pull.json<{ error: string }>().error, 'revoked');
    });

    it('applies a group’s other pushes when one of its devices was revoked meanwhile, refusing only that one', async () => {
      const [stays, goes] = await Promise.all([join(teamCode, 'Stays'), join(teamCode, 'Goes')]);
      // Both read (and held) before the revocation, as by their tokens' checks.
      const staying = (await server.store.deviceByToken(stays.token))!;
      const going = (await server.store.deviceByToken(goes.token))!;
      assert.ok(await new SyncStore(server.db, randomSecret()).revokeDevice(goes.deviceId));
      const ids = [randomUUID(), randomUUID()] as const;
      // Submitted in one task, the two go in one transaction (group commit).
      const [kept, refused] = await Promise.allSettled([
        server.store.push(staying, [upsert(1, ids[0], { title: { value: 'Kept', baseRev: 0, changedAt: 1 } })]),
        server.store.push(going, [upsert(1, ids[1], { title: { value: 'Refused', baseRev: 0, changedAt: 1 } })]),
      ]);
      assert.equal(kept.status, 'fulfilled');
      assert.equal(kept.value.results[0]!.status, 'applied');
      assert.equal(refused.status, 'rejected');
      assert.ok(refused.reason instanceof DeviceRevokedError, String(refused.reason));
      const written = await server.db.selectFrom('drafts').select('id').where('id', 'in', ids).execute();
      assert.deepEqual(
        written.map((r) => r.id),
        [ids[0]],
      );
    });

    it('never lets a device see or change another team’s drafts', async () => {
      const mine = await join(teamCode, 'Mine');
      const id = randomUUID();
      await push(mine.token, [upsert(1, id, { title: { value: 'Team one only', baseRev: 0, changedAt: 1 } })]);
      const other = await server.store.createTeam('Other team');
      const outsider = await join(other.code, 'Outsider');
      assert.equal((await pullAll(outsider.token)).drafts.size, 0);
      // Pushing to the same draft id makes the outsider's own draft in its own team, never touching ours.
      await push(outsider.token, [
        upsert(1, id, { title: { value: 'Overwritten?', baseRev: 99, changedAt: 9e12 } }, 99),
      ]);
      assert.equal((await pullAll(mine.token)).drafts.get(id)!.fields['title']!.value, 'Team one only');
    });

    it('refuses malformed requests with a 400 and a JSON error, changing nothing', async () => {
      const { token } = await join();
      const before = await server.db
        .selectFrom('drafts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const bad: unknown[] = [
        {},
        { mutations: [] },
        { mutations: [{ seq: 1 }] },
        { mutations: [upsert(-1, randomUUID(), {})] },
        { mutations: [upsert(1, 'not-a-uuid', {})] },
        { mutations: [{ ...upsert(1, randomUUID(), {}), extra: true }] },
        { mutations: [upsert(1, randomUUID(), { 'Bad Key': { value: 'x', baseRev: 0, changedAt: 1 } })] },
        {
          mutations: [
            upsert(1, randomUUID(), {
              title: { value: { nested: true } as unknown as string, baseRev: 0, changedAt: 1 },
            }),
          ],
        },
      ];
      for (const payload of bad) {
        const res = await server.app.inject({
          method: 'POST',
          url: '/api/push',
          headers: auth(token),
          payload: payload as object,
        });
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        assert.equal(typeof res.json<{ message: string }>().message, 'string');
      }
      const pull = await server.app.inject({ url: '/api/pull?since=-1', headers: auth(token) });
      assert.equal(pull.statusCode, 400);
      const after = await server.db
        .selectFrom('drafts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(after.n), Number(before.n));
    });

    // A name goes into the team's list on an administrator's terminal: a control character (an
    // escape sequence, a NUL, a line break), a reversing mark, or no visible letter at all is
    // refused with a 400 that says why.
    it('refuses a device name or worksheet id with control characters, or a blank name, with a 400', async () => {
      const device = await join(teamCode, 'Field phone');
      const names = ['\u001b[2J\u001b[31mAdmin', 'Sam\u0000phone', 'Two\nlines', '\u202Eenohp', '   ', ''];
      for (const name of names) {
        const joined = await server.app.inject({
          method: 'POST',
          url: '/api/join',
          payload: { code: teamCode, deviceName: name },
        });
        assert.equal(joined.statusCode, 400, `join as ${JSON.stringify(name)}: ${joined.body}`);
        assert.match(joined.json<{ message: string }>().message, /deviceName/);
        const renamed = await server.app.inject({
          method: 'PUT',
          url: '/api/me',
          headers: auth(device.token),
          payload: { name },
        });
        assert.equal(renamed.statusCode, 400, `rename to ${JSON.stringify(name)}: ${renamed.body}`);
      }
      const pushed = await server.app.inject({
        method: 'POST',
        url: '/api/push',
        headers: auth(device.token),
        payload: { mutations: [{ ...upsert(1, randomUUID(), {}), worksheetId: 'engagement\u0000strategy' }] },
      });
      assert.equal(pushed.statusCode, 400, pushed.body);
      const me = await server.app.inject({ url: '/api/me', headers: auth(device.token) });
      assert.equal(me.json<MeResponse>().deviceName, 'Field phone', 'the name it had stays');
      // Names people write are taken as they are: accents, other scripts, emoji joined by ZWJ.
      for (const name of ['Đà Nẵng tablet', 'هاتف سارة', 'Sam’s 👩\u200D💻 phone']) {
        const renamed = await server.app.inject({
          method: 'PUT',
          url: '/api/me',
          headers: auth(device.token),
          payload: { name },
        });
        assert.equal(renamed.statusCode, 204, `${name}: ${renamed.body}`);
      }
    });

    it('names the team’s devices to each of them, with when each last reached the server; not a revoked one, nor another team’s', async () => {
      const team = await server.store.createTeam('Hall team');
      const before = Date.now();
      const first = await join(team.code, 'Sam’s tablet');
      const second = await join(team.code, 'Alex’s phone');
      const gone = await join(team.code, 'Old phone');
      await join(teamCode, 'Another team’s phone');
      await server.app.inject({ method: 'DELETE', url: '/api/me', headers: auth(gone.token) });
      const res = await server.app.inject({ url: '/api/me', headers: auth(second.token) });
      assert.equal(res.statusCode, 200, res.body);
      const { devices } = res.json<MeResponse>();
      assert.deepEqual(
        devices.map((d) => [d.id, d.name]),
        [
          [first.deviceId, 'Sam’s tablet'],
          [second.deviceId, 'Alex’s phone'],
        ],
        'in the order they joined',
      );
      for (const d of devices)
        assert.ok(d.lastSeenAt !== null && d.lastSeenAt >= before, `${d.name}: seen as it joined`);
      // A teammate whose pushes showed its clock set days back: said beside it.
      await server.store.noteClock(first.deviceId, Date.now() - 3 * 24 * 60 * 60 * 1000);
      const again = (await server.app.inject({ url: '/api/me', headers: auth(second.token) })).json<MeResponse>()
        .devices;
      assert.ok(Math.abs(again[0]!.clockOffset! - 3 * 24 * 60 * 60 * 1000) < 60_000, 'its clock’s offset');
      assert.equal(again[1]!.clockOffset, null, 'a clock that agrees');
    });

    // A phone set by hand to the wrong time: its user is told on the device, and the administrator
    // asked why its answers looked out of order can see it.
    it('notes a device whose pushes show its clock set apart from the server’s, and forgets it once put right', async () => {
      const HOURS_3 = 3 * 60 * 60 * 1000;
      const device = await join(teamCode, 'Phone set by hand');
      const pushAt = async (clock: number, where: 'query' | 'body', seq: number): Promise<void> => {
        const res = await server.app.inject({
          method: 'POST',
          url: where === 'query' ? `/api/push?clock=${clock}` : '/api/push',
          headers: auth(device.token),
          payload: {
            mutations: [upsert(seq, crypto.randomUUID(), { title: { value: 'Clock', baseRev: 0, changedAt: 2 } })],
            ...(where === 'body' ? { clock } : {}),
          },
        });
        assert.equal(res.statusCode, 200, res.body);
      };
      const offset = async (): Promise<number | null> =>
        (await server.store.devices(teamId)).find((d) => d.id === device.deviceId)!.clockOffset;
      await pushAt(Date.now() - HOURS_3, 'query', 1);
      const behind = await offset();
      assert.ok(behind !== null && Math.abs(behind - HOURS_3) < 60_000, `3 h behind: ${behind}`);
      await pushAt(Date.now() + 2 * HOURS_3, 'body', 2);
      const ahead = await offset();
      assert.ok(ahead !== null && Math.abs(ahead + 2 * HOURS_3) < 60_000, `in the body too, 2 h ahead: ${ahead}`);
      await pushAt(Date.now() - 5_000, 'query', 3);
      assert.equal(await offset(), null, 'a clock within the tolerance is not noted');
      const bad = await server.app.inject({
        method: 'POST',
        url: '/api/push?clock=-1',
        headers: auth(device.token),
        payload: { mutations: [upsert(4, crypto.randomUUID(), {})] },
      });
      assert.equal(bad.statusCode, 400, 'a clock that is no time is refused');
    });

    it('names the team’s history: a push of another is refused whole with a 409, and a device ahead of the team names it anew', async () => {
      const team = await server.store.createTeam('Restored team');
      const { token } = await join(team.code, 'Restored phone');
      const pushAs = (query: string, mutations: Mutation[]) =>
        server.app.inject({ method: 'POST', url: `/api/push?${query}`, headers: auth(token), payload: { mutations } });
      const pull = async (since: number) => {
        const res = await server.app.inject({ url: `/api/pull?since=${since}`, headers: auth(token) });
        assert.equal(res.statusCode, 200, res.body);
        return res.json<PullResponse>();
      };
      const title = (value: string, changedAt: number) => ({ title: { value, baseRev: 0, changedAt } });

      const first = await pull(0);
      assert.match(first.history ?? '', /^[A-Za-z0-9_-]{16,}$/, 'every pull names the team’s history');
      const applied = await pushAs(`since=0&history=${first.history}`, [upsert(1, randomUUID(), title('Kept', 1))]);
      assert.equal(applied.statusCode, 200, applied.body);
      assert.equal(applied.json<{ history: string }>().history, first.history, 'and every push answer');

      // A push naming a history the team does not have: nothing of it is applied.
      const elsewhere = randomUUID();
      const refused = await pushAs(`since=1&history=other-history`, [upsert(2, elsewhere, title('Not kept', 2))]);
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal(refused.json<{ error: string }>().error, HISTORY_CHANGED);
      assert.equal((await pull(0)).drafts.length, 1, 'the refused push changed nothing');

      // A device that has seen revision 50 of a team at 1 shows the database went back in time.
      const ahead = await pull(50);
      assert.notEqual(ahead.history, first.history, 'the team’s history is named anew');
      assert.equal(first.historyFrom, 0, 'a new team’s history begins at its start');
      assert.equal(ahead.historyFrom, 1, 'the new one at the revision the team is at');
      assert.deepEqual(ahead.drafts, []);
      assert.equal((await pull(0)).history, ahead.history, 'for every device of the team');
      const stale = await pushAs(`since=1&history=${first.history}`, [upsert(3, elsewhere, title('Not kept', 3))]);
      assert.equal(stale.statusCode, 409, 'a device still naming the old history is refused');
      const pushedAhead = await pushAs(`since=70`, [upsert(4, elsewhere, title('Not kept', 4))]);
      assert.equal(pushedAhead.statusCode, 409, 'so is a push from ahead of the team, even naming none');
      const renamed = (await pull(0)).history;
      assert.notEqual(renamed, ahead.history, 'and it names the history anew too');
      assert.equal((await pull(0)).drafts.length, 1, 'none of the refused pushes changed anything');

      // An administrator hears of it (npm start logs it), once for each time it is found.
      const told: { teamId: string; since: number; rev: number }[] = [];
      const watched = new SyncStore(server.db, randomSecret(), { onWentBack: (event) => told.push(event) });
      const device = (await server.store.deviceByToken(token))!;
      await watched.pull(team.id, 90, 10);
      await assert.rejects(watched.push(device, [upsert(5, elsewhere, title('Not kept', 5))], 95), /gone back in time/);
      await watched.pull(team.id, 0, 10);
      assert.deepEqual(told, [
        { teamId: team.id, since: 90, rev: 1 },
        { teamId: team.id, since: 95, rev: 1 },
      ]);

      // `npm run team -- restored`, after a restore by hand.
      assert.equal(await server.store.renameHistories(team.id), 1);
      assert.notEqual((await pull(0)).history, renamed);
      const other = await pull(0);
      const { history } = await server.db
        .selectFrom('teams')
        .select('history')
        .where('id', '=', teamId)
        .executeTakeFirstOrThrow();
      assert.notEqual(history, other.history, 'each team has its own history, and renaming one leaves the others');
    });

    it('describes itself in OpenAPI', async () => {
      const res = await server.app.inject({ url: '/api/openapi.json' });
      assert.equal(res.statusCode, 200);
      const doc = res.json<{ openapi: string; paths: Record<string, unknown> }>();
      assert.match(doc.openapi, /^3\./);
      assert.deepEqual(Object.keys(doc.paths).sort(), [
        '/api/changes',
        '/api/drafts/{id}',
        '/api/join',
        '/api/me',
        '/api/pull',
        '/api/push',
      ]);
    });
  });
}
