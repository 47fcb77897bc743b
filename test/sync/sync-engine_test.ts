import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ERASED_REASON, eraseDeleted } from '../../server/sync/erase-deleted.js';
import { FORGET_GRACE_MS, forgetSettled } from '../../server/sync/forget-settled.js';
import { TEXT_MAX } from '../../src/content/worksheet.js';
import {
  PULL_PAGE_MAX,
  PUSH_BATCH_MAX,
  type PushRequest,
  type PushResponse,
  type ServerDraft,
} from '../../src/sync/protocol.js';
import type { Draft } from '../../src/data/draft.js';
import { SyncEngine } from '../../src/sync/sync-engine.js';
import { SYNC_META } from '../../src/sync/sync-meta.js';
import { BLOCKED, SyncHeldBackError, SyncHttpError, TOO_LARGE } from '../../src/sync/sync-errors.js';
import { FetchTransport, type SyncTransport } from '../../src/sync/sync-transport.js';
import { appliedOnServer } from '../support/applied-on-server.js';
import { startSyncServer } from '../support/app-server.js';
import { startFaultProxy, type Fault, type FaultProxy } from '../support/fault-proxy.js';
import { simDevice, type SimDevice } from '../support/sim-device.js';
import { EngineHost, type SyncServer } from '../support/sync-server.js';

const WS = { id: 'engagement-strategy', version: 1 };

/**
 * An autosave that has joined the outbox, as one does when it is folded in (a second later, or at
 * the next write). Edits saved back to back before a fold are one change; the tests of a long
 * outbox here are about changes that did join it one by one.
 */
async function autosaved(device: SimDevice, id: string, changes: Record<string, string>): Promise<void> {
  await device.store.update(id, changes);
  await device.store.foldEdits();
}

/** An outbox longer than one batch: the engine reads the next batch and writes answers while batches travel. */
describe('sync engine, a long outbox', () => {
  const host = new EngineHost('sqlite');
  let server: SyncServer;
  let origin: string;
  let proxy: FaultProxy;
  // The devices' clocks start a minute behind the server's: near enough that they keep their own (a
  // device far from it times its changes by the server's clock: see DraftStore.noteServerTime), and
  // far enough that a step on at every reading never takes them past it, which the server clamps.
  let clock = Date.now() - 60_000;

  before(async () => {
    // Its many devices join from one address within a minute: the limits are not what is tested here.
    server = await host.server('dist', { joinPerMinute: 1e6, apiPerMinute: 1e6 });
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    origin = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
    proxy = await startFaultProxy(origin);
  });
  after(async () => {
    await proxy.close();
    await server.close();
    await host.stop();
  });

  /**
   * Each of the device's changes recorded once, and nothing applied twice. The straddler's two
   * edits in the next batch travel as one mutation, so the server applied one change fewer times
   * than there are changes.
   */
  async function appliedOnce(device: SimDevice, teamId: string): Promise<void> {
    const applied = await appliedOnServer(server.db, teamId);
    assert.equal(applied.changes, device.changes, 'each change recorded once');
    assert.equal(applied.rev, applied.applications, 'one revision an application: nothing applied twice');
    assert.equal(applied.applications, device.changes - 1, 'the straddler’s two edits went as one mutation');
  }

  /**
   * A device with a full batch of new drafts, then one draft whose changes straddle the batch
   * boundary: created as the batch's last entry, edited and then deleted in the next batch.
   */
  async function straddling(name: string): Promise<{ device: SimDevice; teamId: string; straddler: string }> {
    const team = await server.store.createTeam(name);
    const device = await simDevice(name, origin, proxy.origin, team.code, () => (clock += 1));
    for (let i = 0; i < PUSH_BATCH_MAX - 1; i += 1) await device.store.create(WS, { title: `${name} ${i}` });
    const straddler = await device.store.create(WS, { title: 'Straddles the boundary' });
    await autosaved(device, straddler.id, { achieve: 'Edited in the next batch' });
    await autosaved(device, straddler.id, { audience: 'Edited again' });
    return { device, teamId: team.id, straddler: straddler.id };
  }

  /** A new team with one device in it, and nothing in the way of its requests. */
  async function aloneInTeam(
    teamName: string,
    deviceName: string,
  ): Promise<{ team: { id: string; code: string }; device: SimDevice }> {
    proxy.choose = () => 'pass';
    const team = await server.store.createTeam(teamName);
    const device = await simDevice(deviceName, origin, proxy.origin, team.code, () => (clock += 1));
    return { team, device };
  }

  /** Two devices of a new team, A and B, and a draft A made that both have synced. */
  async function sharedDraft(
    name: string,
  ): Promise<{ team: { id: string; code: string }; a: SimDevice; b: SimDevice; draft: { id: string } }> {
    proxy.choose = () => 'pass';
    const team = await server.store.createTeam(name);
    const a = await simDevice('A', origin, proxy.origin, team.code, () => (clock += 1));
    const b = await simDevice('B', origin, proxy.origin, team.code, () => (clock += 1));
    const draft = await a.store.create(WS, { title: 'Shared' });
    await a.engine.sync();
    await b.engine.sync();
    return { team, a, b, draft };
  }

  /**
   * Two devices share a draft; B then changes its audience (synced), and A, not having pulled
   * since, changes its aim (not yet synced).
   */
  async function bEditedSinceAPulled(
    name: string,
  ): Promise<{ team: { id: string; code: string }; a: SimDevice; b: SimDevice; draft: { id: string } }> {
    const { team, a, b, draft } = await sharedDraft(name);
    await b.store.update(draft.id, { audience: 'B’s answer' });
    await b.engine.sync();
    await a.store.update(draft.id, { achieve: 'A’s answer' });
    return { team, a, b, draft };
  }

  it('sends a draft whose changes straddle two batches, its delete included, each change once', async () => {
    proxy.choose = () => 'pass';
    const { device, teamId, straddler } = await straddling('Boundary team');
    await device.store.remove(straddler);
    await device.engine.sync();

    assert.deepEqual(await device.store.outbox(), []);
    const { drafts } = await server.store.pull(teamId, 0, 1_000);
    assert.equal(drafts.length, PUSH_BATCH_MAX);
    const onServer = drafts.find((d) => d.id === straddler)!;
    assert.equal(onServer.deletedAt !== null, true, 'the delete built on the device’s own edits, so it applied');
    assert.equal(onServer.note, null);
    const mine = (await device.store.get(straddler))!;
    for (const key of ['title', 'achieve', 'audience'])
      assert.equal(mine.fields[key]?.rev, onServer.fields[key]?.rev, `${key} builds on the server’s revision`);
    await appliedOnce(device, teamId);
    device.store.close();
  });

  it('lets another device’s edit, pushed but not yet pulled here, beat this device’s later delete', async () => {
    const { team, a, b, draft } = await bEditedSinceAPulled('Unseen edit team');
    // A's own edit is acknowledged, but its pull is lost: A has not seen B's edit.
    proxy.choose = (path) => (path.startsWith('/api/pull') ? 'drop' : 'pass');
    await assert.rejects(a.engine.sync());
    proxy.choose = () => 'pass';
    await a.store.remove(draft.id);
    await a.engine.sync();

    const { drafts } = await server.store.pull(team.id, 0, 100);
    const onServer = drafts.find((d) => d.id === draft.id)!;
    assert.equal(onServer.deletedAt, null, 'kept: A deleted a draft it had not seen B change');
    assert.match(onServer.note ?? '', /^Kept: A deleted it/);
    assert.equal(onServer.fields['audience']?.value, 'B’s answer');
    const onA = await a.store.get(draft.id);
    assert.equal(onA?.deletedAt, null, 'and it comes back on A, with the note');
    a.store.close();
    b.store.close();
  });

  /**
   * The device's real transport, with `meanwhile` run once the server has answered the first push
   * and before the engine reads the answer: between the batch's read and its acknowledgement.
   */
  async function travelling(device: SimDevice, meanwhile: () => Promise<void>): Promise<SyncEngine> {
    const real = new FetchTransport((await device.store.meta(SYNC_META.token))!, proxy.origin);
    let pushes = 0;
    const transport: SyncTransport = {
      async push(request: PushRequest): Promise<PushResponse> {
        const answer = await real.push(request);
        if (++pushes === 1) await meanwhile();
        return answer;
      },
      pull: (since, limit) => real.pull(since, limit),
      draft: (id) => real.draft(id),
    };
    return new SyncEngine(device.store, transport);
  }

  /** An engine on the device's store and its real transport, noting each request and each push it sends. */
  async function observed(
    device: SimDevice,
  ): Promise<{ engine: SyncEngine; sent: PushRequest[]; requests: ('push' | 'pull')[] }> {
    const real = new FetchTransport((await device.store.meta(SYNC_META.token))!, proxy.origin);
    const sent: PushRequest[] = [];
    const requests: ('push' | 'pull')[] = [];
    const engine = new SyncEngine(device.store, {
      push: (request) => (requests.push('push'), sent.push(request), real.push(request)),
      pull: (since, limit) => (requests.push('pull'), real.pull(since, limit)),
      draft: (id) => real.draft(id),
    });
    return { engine, sent, requests };
  }

  it('skips the pull when the push was the team’s only change since this device’s cursor, and pulls when it was not', async () => {
    proxy.choose = () => 'pass';
    const team = await server.store.createTeam('Current team');
    const a = await simDevice('Current A', origin, proxy.origin, team.code, () => (clock += 1));
    const b = await simDevice('Current B', origin, proxy.origin, team.code, () => (clock += 1));
    const { engine, requests } = await observed(a);

    const mine = await a.store.create(WS, { title: 'A’s plan' });
    assert.deepEqual(await engine.sync(), { pushed: 1, rejected: 0, pulled: 0 });
    assert.deepEqual(requests, ['push'], 'nothing else happened on the team: no pull');
    const cursor = Number(await a.store.meta(SYNC_META.cursor));
    assert.equal(cursor, (await server.store.pull(team.id, 0, 10)).cursor, 'and the cursor is the team’s latest');

    const theirs = await b.store.create(WS, { title: 'B’s plan' });
    await b.engine.sync();
    await a.store.update(mine.id, { achieve: 'Edited after B synced' });
    requests.length = 0;
    const outcome = await engine.sync();
    assert.deepEqual(requests, ['push', 'pull'], 'B’s change came in between: the pull still happens');
    assert.equal(outcome.pulled, 2, 'B’s draft, and A’s own draft at its new revision');
    assert.equal((await a.store.get(theirs.id))?.fields['title']?.value, 'B’s plan');
    a.store.close();
    b.store.close();
  });

  it('pulls page by page, each page kept with its cursor: a page lost on the way costs only itself', async () => {
    proxy.choose = () => 'pass';
    const team = await server.store.createTeam('Paged team');
    const b = await simDevice('Paged B', origin, proxy.origin, team.code, () => (clock += 1));
    const total = 2 * PULL_PAGE_MAX + 10;
    for (let i = 0; i < total; i += 1) await b.store.create(WS, { title: `Draft ${i}` });
    await b.engine.sync();
    const a = await simDevice('Paged A', origin, proxy.origin, team.code, () => (clock += 1));

    // The third page is lost: it was asked for while the second was being written.
    let pulls = 0;
    proxy.choose = (path) => (path.startsWith('/api/pull') && ++pulls === 3 ? 'drop' : 'pass');
    await assert.rejects(a.engine.sync());
    assert.equal((await a.store.list()).length, 2 * PULL_PAGE_MAX, 'the two pages before it are kept');
    const cursor = Number(await a.store.meta(SYNC_META.cursor));
    assert.equal(cursor, (await server.store.pull(team.id, 0, 2 * PULL_PAGE_MAX)).cursor, 'with their cursor');

    proxy.choose = () => 'pass';
    const { engine, requests } = await observed(a);
    assert.deepEqual(await engine.sync(), { pushed: 0, rejected: 0, pulled: 10 }, 'the next sync takes up from there');
    assert.deepEqual(requests, ['pull']);
    assert.equal((await a.store.list()).length, total);
    a.store.close();
    b.store.close();
  });

  it('sends a draft’s edits as one mutation, and ends the run at a delete or a restore', async () => {
    const { team, device } = await aloneInTeam('Run team', 'Runner');
    const draft = await device.store.create(WS, { title: 'Typed into offline' });
    for (let i = 1; i <= 20; i += 1) await autosaved(device, draft.id, { achieve: `Aim, take ${i}` });
    await autosaved(device, draft.id, { audience: 'Everyone nearby' });
    await device.store.remove(draft.id);
    await device.store.restore(draft.id);
    await autosaved(device, draft.id, { review: 'After the restore' });
    const { engine, sent } = await observed(device);
    await engine.sync();

    assert.deepEqual(
      sent.flatMap((r) => r.mutations.map((m) => `${m.kind} of ${(m.covers?.length ?? 0) + 1}`)),
      ['upsert of 22', 'delete of 1', 'restore of 1', 'upsert of 1'],
    );
    assert.deepEqual(await device.store.outbox(), []);
    const onServer = (await server.store.pull(team.id, 0, 10)).drafts.find((d) => d.id === draft.id)!;
    const mine = (await device.store.get(draft.id))!;
    assert.equal(onServer.deletedAt, null);
    for (const [key, value] of Object.entries({
      title: 'Typed into offline',
      achieve: 'Aim, take 20',
      audience: 'Everyone nearby',
      review: 'After the restore',
    })) {
      assert.equal(onServer.fields[key]?.value, value, `${key} arrived`);
      assert.equal(mine.fields[key]?.rev, onServer.fields[key]?.rev, `${key} builds on the server’s revision`);
    }
    const applied = await appliedOnServer(server.db, team.id);
    assert.equal(applied.changes, device.changes, 'each of the 25 changes recorded once');
    assert.equal(applied.applications, 4);
    assert.equal(applied.rev, 4);
    device.store.close();
  });

  it('sends a long answer typed over many autosaves once, in one push', async () => {
    const { team, device } = await aloneInTeam('Long answer team', 'Typist');
    const draft = await device.store.create(WS, { title: 'A long consultation' });
    // 100 autosaves of an answer growing to 20 KB: a megabyte if each counted its whole value.
    let answer = '';
    for (let i = 0; i < 100; i += 1) {
      answer += `${'What the room said, in many words. '.repeat(5)}[${i}] `;
      await autosaved(device, draft.id, { achieve: answer });
    }
    const { engine, sent } = await observed(device);
    await engine.sync();

    assert.equal(sent.length, 1, 'one push');
    assert.deepEqual(
      sent[0]!.mutations.map((m) => (m.covers?.length ?? 0) + 1),
      [101],
    );
    const onServer = (await server.store.pull(team.id, 0, 10)).drafts.find((d) => d.id === draft.id)!;
    assert.equal(onServer.fields['achieve']?.value, answer);
    assert.deepEqual(await device.store.outbox(), []);
    device.store.close();
  });

  it('keeps each push within the server’s limit in bytes when the answers are in Chinese', async () => {
    const { team, device } = await aloneInTeam('Chinese answers team', 'Chinese answers');
    try {
      // 32,500 characters a draft, three bytes each in UTF-8: 12 drafts are 390,000 characters
      // (under a batch's half megabyte counted in characters) and 1.2 MB (over the server's 1 MB).
      const answer = '社区在会上提出了很多意见。'.repeat(2_500);
      const ids: string[] = [];
      for (let i = 0; i < 12; i += 1) {
        const draft = await device.store.create(WS, { title: `草稿 ${i}` });
        await device.store.update(draft.id, { achieve: `${i} ${answer}` });
        ids.push(draft.id);
      }
      const { engine, sent } = await observed(device);
      const outcome = await engine.sync();

      assert.equal(outcome.rejected, 0);
      assert.ok(sent.length >= 2, `${sent.length} pushes`);
      for (const body of sent)
        assert.ok(Buffer.byteLength(JSON.stringify(body)) <= 1024 * 1024, 'within the body limit');
      assert.deepEqual(await device.store.outbox(), [], 'every change acknowledged');
      const onServer: ServerDraft[] = [];
      for (let since = 0, more = true; more;) {
        const page = await server.store.pull(team.id, since, 100);
        onServer.push(...page.drafts);
        ({ cursor: since, more } = page);
      }
      assert.deepEqual(onServer.map((d) => d.id).sort(), [...ids].sort());
      for (const d of onServer) assert.match(String(d.fields['achieve']?.value), /^\d+ 社区/);
    } finally {
      device.store.close();
    }
  });

  it('refuses on the device a change too large in bytes for the server, though short in characters', async () => {
    const { team, device } = await aloneInTeam('Large Chinese change team', 'Large Chinese change');
    try {
      // Four answers of 80,000 characters (under the 100,000 an answer may hold): 320,000
      // characters, 960 KB in UTF-8, past the 900 KB a change may take.
      const huge = await device.store.create(WS, { title: '太大' });
      const answer = '社区在会上提出了很多意见。'.repeat(80_000 / 13).padEnd(80_000, '。');
      await device.store.update(huge.id, { achieve: answer, audience: answer, measure: answer, review: answer });
      const after = await device.store.create(WS, { title: 'Queued after it' });

      const outcome = await device.engine.sync();
      assert.equal(outcome.rejected, 2, 'the draft’s create and its edit');
      const { waiting, rejected } = await device.store.outboxStatus();
      assert.equal(waiting, 0, 'nothing holds up the outbox');
      assert.match(rejected[0]!.rejected!, /too large for the team’s server/);
      const onServer = (await server.store.pull(team.id, 0, 10)).drafts;
      assert.deepEqual(
        onServer.map((d) => d.id),
        [after.id],
      );
    } finally {
      device.store.close();
    }
  });

  it('keeps an edit made on the device while its batch travels, and sends it too', async () => {
    proxy.choose = () => 'pass';
    const { device, teamId, straddler } = await straddling('Typing team');
    const first = (await device.store.list()).find((d) => d.id !== straddler)!;
    const engine = await travelling(device, async () => {
      await device.store.update(first.id, { achieve: 'Typed while the batch was away' });
    });
    await engine.sync();

    const mine = (await device.store.get(first.id))!;
    assert.equal(mine.fields['achieve']?.value, 'Typed while the batch was away', 'the acknowledgement kept the edit');
    assert.ok((mine.fields['title']?.rev ?? 0) > 0, 'and recorded the server’s revision');
    assert.deepEqual(await device.store.outbox(), [], 'the edit went in a later batch of the same sync');
    const { drafts } = await server.store.pull(teamId, 0, 1_000);
    assert.equal(drafts.find((d) => d.id === first.id)?.fields['achieve']?.value, 'Typed while the batch was away');
    await appliedOnce(device, teamId);
    device.store.close();
  });

  it('keeps what another sync pulled while a batch travels (syncs overlapping without a lock)', async () => {
    const { a, b, draft } = await bEditedSinceAPulled('Overlap team');
    // While A's push travels, a second engine on A's store pulls B's edit to the same draft.
    const engine = await travelling(a, async () => {
      await a.engine.pull();
    });
    await engine.sync();

    const onA = (await a.store.get(draft.id))!;
    assert.equal(onA.fields['audience']?.value, 'B’s answer', 'the acknowledgement did not write over the pull');
    assert.equal(onA.fields['achieve']?.value, 'A’s answer');
    assert.deepEqual(await a.store.outbox(), []);
    a.store.close();
    b.store.close();
  });

  for (const change of ['an edit', 'an edit (the run grown since)', 'a delete'] as const) {
    it(`takes the team’s later change over ${change} whose answer was lost after the server applied it`, async () => {
      const { team, a, b, draft } = await sharedDraft(`Superseded ${change} team`);

      // A's change reaches the server, its answer is lost; B then sees it and changes the draft again.
      if (change === 'a delete') await a.store.remove(draft.id);
      else await a.store.update(draft.id, { achieve: 'A’s first answer' });
      proxy.choose = (path) => (path.startsWith('/api/push') ? 'reset-after-apply' : 'pass');
      await assert.rejects(a.engine.sync());
      proxy.choose = () => 'pass';
      await b.engine.sync();
      if (change === 'a delete') await b.store.restore(draft.id);
      else await b.store.update(draft.id, { achieve: 'B’s answer, after reading A’s' });
      await b.engine.sync();
      // A pulls B's change while its own is still queued: A keeps its own until its push is answered.
      await a.engine.pull();
      if (change === 'an edit (the run grown since)') await a.store.update(draft.id, { audience: 'Added by A since' });
      await a.engine.sync();

      const onServer = (await server.store.pull(team.id, 0, 10)).drafts.find((d) => d.id === draft.id)!;
      const onA = (await a.store.get(draft.id))!;
      if (change === 'a delete') {
        assert.equal(onServer.deletedAt, null, 'B restored it after A’s delete');
        assert.equal(onA.deletedAt, null, 'and A sees it restored');
      } else {
        assert.equal(onServer.fields['achieve']?.value, 'B’s answer, after reading A’s', 'B’s edit was the later');
        assert.equal(onA.fields['achieve']?.value, onServer.fields['achieve']?.value, 'A holds what the team holds');
        assert.equal(onA.fields['achieve']?.rev, onServer.fields['achieve']?.rev);
      }
      if (change === 'an edit (the run grown since)') assert.equal(onA.fields['audience']?.value, 'Added by A since');
      assert.deepEqual(await a.store.outbox(), []);
      a.store.close();
      b.store.close();
    });
  }

  it('keeps a teammate’s edit as a conflict when a run resent in part is answered and edited again before a pull', async () => {
    const { team, a, b, draft } = await sharedDraft('Resent in part team');

    // A's edit reaches the server, its answer is lost; B answers over it, and A has not seen that.
    await a.store.update(draft.id, { achieve: 'A’s first answer' });
    proxy.choose = (path) => (path.startsWith('/api/push') ? 'reset-after-apply' : 'pass');
    await assert.rejects(a.engine.sync());
    proxy.choose = () => 'pass';
    await b.engine.sync();
    await b.store.update(draft.id, { achieve: 'B’s answer' });
    await b.engine.sync();
    // A's run grows by another field and is sent again: its first change is answered from the record.
    await a.store.update(draft.id, { audience: 'Added by A' });
    await a.engine.push();
    // A edits the answer again before any pull: A never saw B's answer.
    await a.store.update(draft.id, { achieve: 'A’s second answer' });
    await a.engine.sync();

    const onServer = (await server.store.pull(team.id, 0, 10)).drafts.find((d) => d.id === draft.id)!;
    assert.equal(onServer.fields['achieve']?.value, 'A’s second answer', 'the later edit wins');
    assert.equal(
      onServer.fields['achieve']?.conflict?.value,
      'B’s answer',
      'and B’s, never seen by A, is kept beside it',
    );
    assert.equal(onServer.fields['audience']?.value, 'Added by A');
    const onA = (await a.store.get(draft.id))!;
    assert.equal(onA.fields['achieve']?.conflict?.value, 'B’s answer', 'A is shown the conflict');
    a.store.close();
    b.store.close();
  });

  it('keeps a teammate’s later edit when this device edits again while its conflicting change travels', async () => {
    const { team, a, b, draft } = await sharedDraft('Conflict while travelling team');
    await a.store.update(draft.id, { achieve: 'A’s first answer' });
    // A's batch is read and on its way; meanwhile A edits again, and B (later still) edits the same
    // answer and syncs first. A's first answer then loses to B's on the server, as a conflict.
    const real = new FetchTransport((await a.store.meta(SYNC_META.token))!, proxy.origin);
    let pushes = 0;
    const engine = new SyncEngine(a.store, {
      async push(request) {
        if (++pushes === 1) {
          await a.store.update(draft.id, { achieve: 'A’s second answer' });
          await b.engine.sync();
          await b.store.update(draft.id, { achieve: 'B’s answer, the latest' });
          await b.engine.sync();
        }
        return real.push(request);
      },
      pull: (since, limit) => real.pull(since, limit),
      draft: (id) => real.draft(id),
    });
    await engine.sync();
    await a.engine.sync(); // sends the second answer, if the first sync had read past it

    const onServer = (await server.store.pull(team.id, 0, 10)).drafts.find((d) => d.id === draft.id)!;
    assert.equal(onServer.fields['achieve']?.value, 'B’s answer, the latest', 'the latest edit stands');
    assert.equal(onServer.fields['achieve']?.conflict?.value, 'A’s second answer', 'A’s, never based on it, beside it');
    const onA = (await a.store.get(draft.id))!;
    assert.equal(onA.fields['achieve']?.value, 'B’s answer, the latest');
    assert.equal(onA.fields['achieve']?.conflict?.value, 'A’s second answer');
    a.store.close();
    b.store.close();
  });

  it('keeps a conflict this device’s value won until the device has seen it, though it edits the value again', async () => {
    const { team, a, b, draft } = await sharedDraft('Unseen conflict team');
    await b.store.update(draft.id, { achieve: 'B’s answer' });
    await a.store.update(draft.id, { achieve: 'A’s answer, the later' });
    await b.engine.sync();
    // A's later answer wins, B's is kept as the conflict; A edits again before it pulls.
    await a.engine.push();
    await a.store.update(draft.id, { achieve: 'A’s answer, edited again' });
    await a.engine.sync();

    const onServer = (await server.store.pull(team.id, 0, 10)).drafts.find((d) => d.id === draft.id)!;
    assert.equal(onServer.fields['achieve']?.value, 'A’s answer, edited again');
    assert.equal(onServer.fields['achieve']?.conflict?.value, 'B’s answer', 'B’s answer, never seen by A, still shown');
    const onA = (await a.store.get(draft.id))!;
    assert.equal(onA.fields['achieve']?.conflict?.value, 'B’s answer', 'and A is shown it');
    // Once A has seen it, an edit settles it.
    await a.store.update(draft.id, { achieve: 'Both, combined' });
    await a.engine.sync();
    const settled = (await server.store.pull(team.id, 0, 10)).drafts.find((d) => d.id === draft.id)!;
    assert.equal(settled.fields['achieve']?.conflict, null);
    a.store.close();
    b.store.close();
  });

  it('keeps both answers when a teammate’s arrives while this device is still typing the same one', async () => {
    const { team, a, b, draft } = await sharedDraft('Typing through a pull team');
    // A types, saves and syncs; the typing goes on (the field still has focus).
    await a.store.update(draft.id, { achieve: 'A’s words' }, { achieve: { rev: 0, sawConflict: false } });
    await a.engine.sync();
    const typedFrom = (await a.store.get(draft.id))!.fields['achieve']!.rev!;
    // Meanwhile B, later, writes its own answer, and A's poll brings it in under A's fingers.
    await b.engine.sync();
    await b.store.update(draft.id, { achieve: 'B’s words' });
    await b.engine.sync();
    await a.engine.sync();
    assert.equal((await a.store.get(draft.id))!.fields['achieve']?.value, 'B’s words');
    // A's next keystroke goes on from what A saw: its own words, based on the revision it began from.
    await a.store.update(draft.id, { achieve: 'A’s words, and more' }, { achieve: { rev: 0, sawConflict: false } });
    const onA = (await a.store.get(draft.id))!.fields['achieve']!;
    assert.equal(onA.value, 'A’s words, and more');
    assert.equal(onA.conflict?.value, 'B’s words', 'B’s answer, never seen by A as it typed, beside it');
    assert.ok(typedFrom > 0);
    await a.engine.sync();
    await b.engine.sync();
    const onServer = (await server.store.pull(team.id, 0, 10)).drafts.find((d) => d.id === draft.id)!;
    assert.equal(onServer.fields['achieve']?.value, 'A’s words, and more', 'the later change stands');
    assert.equal(onServer.fields['achieve']?.conflict?.value, 'B’s words', 'and the other beside it, for the team');
    assert.equal((await b.store.get(draft.id))!.fields['achieve']?.conflict?.value, 'B’s words');
    // A goes on typing after the pull that brought the conflict back: it stays until someone chooses.
    await a.store.update(
      draft.id,
      { achieve: 'A’s words, and more still' },
      { achieve: { rev: 0, sawConflict: false } },
    );
    await a.engine.sync();
    const still = (await server.store.pull(team.id, 0, 10)).drafts.find((d) => d.id === draft.id)!;
    assert.equal(still.fields['achieve']?.value, 'A’s words, and more still');
    assert.equal(still.fields['achieve']?.conflict?.value, 'B’s words');
    a.store.close();
    b.store.close();
  });

  it('tells the server what it settled, and a batch whose answer was lost is answered once after the server forgets', async () => {
    const { team, device } = await aloneInTeam('Settling team', 'Settling');
    const drafts = [];
    for (let i = 0; i < 5; i += 1) drafts.push(await device.store.create(WS, { title: `Draft ${i}` }));
    await device.engine.sync();
    const deviceId = (
      await server.db.selectFrom('devices').select('id').where('team_id', '=', team.id).executeTakeFirstOrThrow()
    ).id;
    const recorded = async (): Promise<number> =>
      (await server.db.selectFrom('applied_mutations').select('seq').where('device_id', '=', deviceId).execute())
        .length;

    // The next edits reach the server, but their answer is lost.
    await device.store.update(drafts[0]!.id, { achieve: 'After the first sync' });
    await device.store.update(drafts[1]!.id, { achieve: 'After the first sync too' });
    const waiting = (await device.store.outbox()).map((e) => e.seq!);
    proxy.choose = (path) => (path.startsWith('/api/push') ? 'reset-after-apply' : 'pass');
    await assert.rejects(device.engine.sync());
    const { settled_below } = await server.db
      .selectFrom('devices')
      .select('settled_below')
      .where('id', '=', deviceId)
      .executeTakeFirstOrThrow();
    assert.equal(Number(settled_below), Math.min(...waiting), 'settled: everything before the edits still waiting');
    const rev = (await server.store.pull(team.id, 0, 10)).cursor;

    assert.equal(await recorded(), 7);
    await forgetSettled(server.db, { now: Date.now() + FORGET_GRACE_MS + 1_000 });
    assert.equal(await recorded(), 2, 'the first sync’s five forgotten; the lost answer’s two still recorded');
    proxy.choose = () => 'pass';
    await device.engine.sync();
    assert.deepEqual(await device.store.outbox(), []);
    assert.equal(
      (await server.store.pull(team.id, 0, 10)).cursor,
      rev,
      'answered from the record: nothing applied again',
    );
    assert.equal((await device.store.get(drafts[1]!.id))?.fields['achieve']?.value, 'After the first sync too');
    device.store.close();
  });

  it('refuses on the device, with why, a change the server could never take, and sends the rest of it and what was queued after it', async () => {
    const { team, device } = await aloneInTeam('Untakeable team', 'Untakeable');
    // Past what the worksheet's fields let anyone type, as old or tampered data could hold.
    const long = await device.store.create(WS, { title: 'Too long' });
    await device.store.update(long.id, { achieve: 'x'.repeat(TEXT_MAX + 1) });
    const huge = await device.store.create(WS, { title: 'Too large' });
    const answers = [
      'achieve',
      'audience',
      'measure',
      'review',
      'message',
      'timing',
      'risks',
      'resources',
      'who',
      'where',
    ];
    await device.store.update(huge.id, Object.fromEntries(answers.map((key) => [key, 'y'.repeat(TEXT_MAX - 10)])));
    const after = await device.store.create(WS, { title: 'Queued after them' });

    const outcome = await device.engine.sync();
    assert.equal(outcome.rejected, 4, 'the two drafts’ creates and edits');
    const { waiting, rejected } = await device.store.outboxStatus();
    assert.equal(waiting, 0, 'nothing holds up the outbox');
    assert.match(
      rejected.find((e) => e.draftId === long.id)!.rejected!,
      /longer than the team’s server takes \(100,000 characters\)/,
    );
    assert.match(rejected.find((e) => e.draftId === huge.id)!.rejected!, /too large for the team’s server/);
    const onServer = (await server.store.pull(team.id, 0, 10)).drafts;
    assert.deepEqual(
      onServer.map((d) => d.id).sort(),
      [long.id, after.id].sort(),
      'the draft queued after them reached the team, and so did the long one, without its long answer',
    );
    assert.deepEqual(Object.keys(onServer.find((d) => d.id === long.id)!.fields), ['title']);
    assert.deepEqual(
      rejected.filter((e) => e.draftId === long.id).map((e) => e.fields),
      [['achieve'], ['achieve']],
      'its creation stays refused for the long answer alone',
    );

    await device.store.update(long.id, { achieve: 'Shortened' });
    await device.engine.sync();
    const shortened = (await server.store.pull(team.id, 0, 10)).drafts.find((d) => d.id === long.id);
    assert.equal(shortened?.fields['achieve']?.value, 'Shortened', 'an edit after shortening syncs');
    assert.deepEqual(
      [...new Set((await device.store.outboxStatus()).rejected.map((e) => e.draftId))],
      [huge.id],
      'the long draft’s refusals are settled by the shortened answer; the too-large change waits to be discarded',
    );
    device.store.close();
  });

  // An import once took any number for a time or a worksheet version: the server answered the
  // whole push 400, at every sync, and nothing queued after such a draft reached the team.
  it('refuses on the device a draft imported with times or a worksheet version the server would not take', async () => {
    const { team, device } = await aloneInTeam('Damaged import team', 'Importer');
    const imported = (id: string, title: string, at: number, changedAt = at): Draft => ({
      id,
      worksheetId: WS.id,
      worksheetVersion: 1,
      createdAt: at,
      updatedAt: at,
      deletedAt: null,
      fields: {
        title: { value: title, changedAt, changedBy: 'A phone' },
        achieve: { value: 'An aim', changedAt: at, changedBy: 'A phone' },
      },
    });
    const versionless = {
      ...imported('0190f7a8-0000-7000-8000-0000000000a1', 'Version 0', 1_700_000_000_000),
      worksheetVersion: 0,
    };
    const fractional = imported('0190f7a8-0000-7000-8000-0000000000a2', 'Created at a fraction', 1_700_000_000_000.5);
    const fieldOnly = imported(
      '0190f7a8-0000-7000-8000-0000000000a3',
      'Title changed at a fraction',
      1_700_000_000_000,
      1_700_000_000_000.5,
    );
    for (const draft of [versionless, fractional, fieldOnly]) await device.store.add(draft);
    const after = await device.store.create(WS, { title: 'Queued after them' });

    await device.engine.sync();
    const { waiting, rejected } = await device.store.outboxStatus();
    assert.equal(waiting, 0, 'nothing holds up the outbox');
    const reason = (id: string): string | undefined => rejected.find((e) => e.draftId === id)?.rejected;
    assert.match(reason(versionless.id)!, /worksheet version the team’s server does not know/);
    assert.match(reason(fractional.id)!, /date of creation is damaged/);
    assert.match(reason(fieldOnly.id)!, /time of change is damaged/);
    const onServer = (await server.store.pull(team.id, 0, 10)).drafts;
    assert.deepEqual(
      onServer.map((d) => d.id).sort(),
      [after.id, fieldOnly.id].sort(),
      'the draft queued after them reached the team, and so did the one with a damaged answer, without it',
    );
    assert.deepEqual(Object.keys(onServer.find((d) => d.id === fieldOnly.id)!.fields), ['achieve']);
    device.store.close();
  });

  it('takes a draft back to the team’s version when its refused change is discarded, queueing again the answers the team would take', async () => {
    const { team, a, b, draft } = await sharedDraft('Discarding team');
    await b.store.update(draft.id, { achieve: 'B’s aim' });
    await b.engine.sync();
    await a.engine.sync();
    // One change on A: an answer past what the server takes, and one it would take, together.
    await a.store.update(draft.id, { achieve: 'x'.repeat(TEXT_MAX + 1), audience: 'Parents' });
    // A draft the team never had: its creation refused for its title alone.
    const unsent = await a.store.create(WS, { title: 'y'.repeat(TEXT_MAX + 1) });
    assert.equal((await a.engine.sync()).rejected, 2);
    const { rejected } = await a.store.outboxStatus();
    for (const entry of rejected) await a.store.discardRejected(entry.seq!);
    assert.deepEqual((await a.store.outboxStatus()).rejected, [], 'nothing refused is left');
    assert.deepEqual((await a.store.revertsPending()).sort(), [draft.id, unsent.id].sort());

    await a.engine.sync();
    await b.engine.sync();
    const onServer = (await server.store.pull(team.id, 0, 10)).drafts.find((d) => d.id === draft.id)!;
    assert.equal(onServer.fields['audience']?.value, 'Parents', 'the answer the team would take reached it');
    assert.equal(onServer.fields['achieve']?.value, 'B’s aim');
    const mine = (await a.store.get(draft.id))!;
    assert.deepEqual(
      { value: mine.fields['achieve']!.value, rev: mine.fields['achieve']!.rev, by: mine.fields['achieve']!.changedBy },
      { value: 'B’s aim', rev: onServer.fields['achieve']!.rev, by: 'B' },
      'A holds the team’s answer again, as the team has it',
    );
    const theirs = (await b.store.get(draft.id))!;
    for (const key of ['title', 'achieve', 'audience'])
      assert.equal(mine.fields[key]?.value, theirs.fields[key]?.value, `A and B agree on ${key}`);
    assert.deepEqual(
      Object.keys((await a.store.get(unsent.id))!.fields),
      [],
      'the team has no title for it, so neither has A',
    );
    assert.equal(await server.store.draft(team.id, unsent.id), undefined);
    assert.deepEqual(await a.store.revertsPending(), []);
    assert.deepEqual(await a.store.outboxStatus(), { waiting: 0, rejected: [] });
    a.store.close();
    b.store.close();
  });

  it('takes a draft back to deleted when its edit, refused because the team’s server erased it, is discarded, and sends the edit no more', async () => {
    const { team, a, b, draft } = await sharedDraft('Erasing team');
    // A, away from signal for longer than the team keeps deleted drafts, edits a draft B deleted.
    await a.store.update(draft.id, { achieve: 'Written while away', audience: 'Parents' });
    await b.store.remove(draft.id);
    await b.engine.sync();
    assert.ok((await eraseDeleted(server.db, { keepMs: 0 })) >= 1); // other teams' deleted drafts go too

    assert.equal((await a.engine.sync()).rejected, 1);
    const [refused] = (await a.store.outboxStatus()).rejected;
    assert.equal(refused?.rejected, ERASED_REASON);
    await a.store.discardRejected(refused!.seq!);
    await a.engine.sync();
    await a.engine.sync();

    assert.deepEqual(
      await a.store.outboxStatus(),
      { waiting: 0, rejected: [] },
      'refused once, not again at each sync',
    );
    assert.deepEqual(await a.store.revertsPending(), []);
    const mine = (await a.store.get(draft.id))!;
    assert.notEqual(mine.deletedAt, null, 'deleted, as the team has it');
    assert.deepEqual(
      [mine.fields['achieve'], mine.fields['audience']],
      [undefined, undefined],
      'the discarded answers are gone, as the team has none',
    );
    const onServer = (await server.store.pull(team.id, 0, 10)).drafts.find((d) => d.id === draft.id)!;
    assert.deepEqual(onServer.fields, {}, 'still erased on the server');
    a.store.close();
    b.store.close();
  });

  it('sends a copy of a draft holding a conflict as a new draft of its own, with no conflict on any device', async () => {
    const { a, b, draft } = await sharedDraft('Copying team');
    await a.store.update(draft.id, { achieve: 'A’s aim' });
    await b.store.update(draft.id, { achieve: 'B’s aim' });
    await b.engine.sync();
    await a.engine.sync();
    assert.ok((await a.store.get(draft.id))!.fields['achieve']!.conflict, 'the original holds a conflict');

    const copy = await a.store.duplicate(draft.id);
    await a.engine.sync();
    await b.engine.sync();
    const held = [await a.store.get(copy.id), await b.store.get(copy.id)].map((d) => ({
      value: d!.fields['achieve']!.value,
      conflict: d!.fields['achieve']!.conflict ?? null,
    }));
    const kept = (await a.store.get(draft.id))!.fields['achieve']!.value;
    assert.deepEqual(held, [
      { value: kept, conflict: null },
      { value: kept, conflict: null },
    ]);
    a.store.close();
    b.store.close();
  });

  for (const fault of ['reset-after-apply', 'drop', '500'] satisfies Fault[]) {
    it(`loses nothing and applies nothing twice when the second batch meets “${fault}”`, async () => {
      const { device, teamId, straddler } = await straddling(`Fault ${fault} team`);
      let pushes = 0;
      proxy.choose = (path) => (path.startsWith('/api/push') && ++pushes === 2 ? fault : 'pass');
      await assert.rejects(device.engine.sync());
      // The first batch's answer was written before the failure was told.
      const left = await device.store.outbox();
      assert.equal(left.length, 2, 'only the second batch is left');
      assert.ok(left.every((e) => e.draftId === straddler));
      proxy.choose = () => 'pass';
      await device.engine.sync();

      assert.deepEqual(await device.store.outbox(), []);
      const { drafts } = await server.store.pull(teamId, 0, 1_000);
      const onServer = drafts.find((d) => d.id === straddler)!;
      assert.equal(onServer.fields['achieve']?.value, 'Edited in the next batch');
      assert.equal(onServer.fields['audience']?.value, 'Edited again');
      await appliedOnce(device, teamId);
      device.store.close();
    });
  }
  // A phone set by hand to the wrong time (or time zone) stamped its changes hours off: its later
  // edit lost every conflict to a teammate's earlier one, and the team saw it as made hours ago.
  it('times a device’s changes by the server’s clock once a sync finds its own hours off, and keeps its own while they agree', async () => {
    proxy.choose = () => 'pass';
    const HOURS_3 = 3 * 60 * 60 * 1000;
    const team = await server.store.createTeam('Wrong clock team');
    const behind = await simDevice('Behind', origin, proxy.origin, team.code, () => Date.now() - HOURS_3);
    // Half a minute behind, near enough to keep its own clock: its answer, given first, is timed
    // apart from the other's by more than the second to which a Date header tells the server's time.
    const right = await simDevice('Right', origin, proxy.origin, team.code, () => Date.now() - 30_000);
    const draft = await behind.store.create(WS, { title: 'Clock' });
    assert.ok(draft.createdAt < Date.now() - HOURS_3 + 5_000, 'before any sync, the device keeps its own clock');
    await behind.engine.sync();
    const offset = await behind.store.clockOffset();
    assert.ok(Math.abs(offset - HOURS_3) < 5_000, `the server’s clock is 3 h ahead of it (${offset} ms)`);
    assert.equal(await behind.store.meta('sync-clock-offset'), String(offset), 'kept for its other pages');
    const noted = (await server.store.devices(team.id)).find((d) => d.id === behind.deviceId)!.clockOffset;
    assert.ok(noted !== null && Math.abs(noted - HOURS_3) < 5_000, `the server notes it, for team -- list (${noted})`);
    const lastSynced = Number(await behind.store.meta(SYNC_META.lastSynced));
    assert.ok(Math.abs(lastSynced - Date.now()) < 5_000, 'its times shown beside the answers’ are the server’s too');
    await right.engine.sync();
    assert.equal(await right.store.clockOffset(), 0, 'a clock that agrees is left as it is');
    assert.equal(await right.store.meta('sync-clock-offset'), undefined);

    // The teammate answers first; the device with the wrong clock answers the same question after.
    await right.store.update(draft.id, { achieve: 'The teammate’s earlier answer' });
    await right.engine.sync();
    const [edit] = await behind.store.update(draft.id, { achieve: 'The later answer' });
    assert.ok(Math.abs(edit!.at - Date.now()) < 5_000, 'its edit is timed by the server’s clock');
    await behind.engine.sync();
    const onServer = (await server.store.pull(team.id, 0, 10)).drafts.find((d) => d.id === draft.id)!;
    assert.equal(onServer.fields['achieve']?.value, 'The later answer', 'the later edit wins, as made');
    assert.equal(onServer.fields['achieve']?.conflict?.value, 'The teammate’s earlier answer');
    assert.ok(Math.abs(onServer.fields['achieve']!.changedAt - Date.now()) < 5_000, 'the team sees when it was made');

    // Opened again (another page, or after a restart with no signal), the device still knows.
    const tab = await behind.openTab();
    const [again] = await tab.store.update(draft.id, { audience: 'Typed in another tab' });
    assert.ok(Math.abs(again!.at - Date.now()) < 5_000, 'the kept offset times its edits too');
    // Its clock put right, the next sync hears it agree and lets it keep its own again.
    await behind.store.noteServerTime(Date.now() - HOURS_3 + 1_000);
    assert.equal(await behind.store.meta('sync-clock-offset'), undefined);
    assert.equal(await tab.store.clockOffset(), 0);
    tab.store.close();
    behind.store.close();
    right.store.close();
  });
});

describe('sync engine, a push the server refuses whole', () => {
  it('still takes in the team’s changes, keeping what it could not send and saying why', async () => {
    // A server taking smaller requests than this device sends (its own limit, or a proxy's, set
    // lower than the kit's): each push of the long answer is refused whole, 413.
    const server = await startSyncServer('dist', { bodyLimit: 4_000 });
    try {
      const code = server.joinLink.split('#')[1]!;
      let clock = Date.now() - 60_000;
      const tick = (): number => (clock += 1);
      const a = await simDevice('Refused A', server.origin, server.origin, code, tick);
      const b = await simDevice('Refused B', server.origin, server.origin, code, tick);
      const theirs = await b.store.create(WS, { title: 'B’s plan' });
      await b.engine.sync();

      const mine = await a.store.create(WS, { title: 'A’s plan' });
      // Counted as it arrives (decoded, were it compressed): words that compress well would still be refused.
      await a.store.update(mine.id, { achieve: 'What the room said, at length. '.repeat(300) });
      await assert.rejects(a.engine.sync(), (error) => error instanceof SyncHttpError && error.status === 413);
      assert.equal((await a.store.get(theirs.id))?.fields['title']?.value, 'B’s plan', 'the team’s draft came in');
      assert.ok((await a.store.outbox()).length > 0, 'what the server refused is kept to send');
      const { drafts } = await server.store.pull((await server.store.teams())[0]!.id, 0, 10);
      assert.deepEqual(
        drafts.map((d) => d.id),
        [theirs.id],
        'none of it was taken',
      );

      // Still refused at the next sync, and still hearing from the team.
      await b.store.update(theirs.id, { audience: 'B’s later answer' });
      await b.engine.sync();
      await assert.rejects(a.engine.sync(), SyncHttpError);
      assert.equal((await a.store.get(theirs.id))?.fields['audience']?.value, 'B’s later answer');
      a.store.close();
      b.store.close();
    } finally {
      await server.close();
    }
  });
});

describe('sync engine, a proxy in front of the server with a lower body limit', () => {
  /** The push size a device learnt, as it keeps it (see SYNC_META.pushBytes). */
  const learntSize = (kept: string | undefined): number => (JSON.parse(kept ?? 'null') as { bytes: number }).bytes;

  /** Words that do not compress away: the proxy counts a body as it is sent, compressed. */
  const noise = (words: number): string =>
    Array.from({ length: words }, () => Math.random().toString(36).slice(2, 8)).join(' ');

  it('sends what one push would hold in smaller ones, and keeps to the size it learnt', async () => {
    const server = await startSyncServer('dist');
    // As an agency's proxy or firewall may be set (some take 128 KB), here smaller to the same end.
    const proxy = await startFaultProxy(server.origin);
    proxy.bodyLimit = 16 * 1024;
    try {
      const teamId = (await server.store.teams())[0]!.id;
      let clock = Date.now() - 60_000;
      const tick = (): number => (clock += 1);
      const a = await simDevice('Proxied', server.origin, proxy.origin, server.joinLink.split('#')[1]!, tick, 10_000);
      const draftsOf = async (n: number): Promise<string[]> => {
        const ids: string[] = [];
        for (let i = 0; i < n; i += 1) {
          const draft = await a.store.create(WS, { title: `Plan ${i}` });
          await autosaved(a, draft.id, { achieve: noise(400) });
          ids.push(draft.id);
        }
        return ids;
      };
      const onServer = async (): Promise<Map<string, unknown>> => {
        const { drafts } = await server.store.pull(teamId, 0, 1000);
        return new Map(drafts.map((d) => [d.id, d.fields['achieve']?.value]));
      };

      const first = await draftsOf(30);
      const passed: string[] = [];
      proxy.choose = (path) => {
        if (path.startsWith('/api/push')) passed.push(path);
        return 'pass';
      };
      const outcome = await a.engine.sync();
      const refusals = proxy.counts.get('too-large') ?? 0;
      assert.ok(refusals > 0, 'the first push was too large for the proxy');
      // The server is told by the first push that reaches it, for whoever runs it (it logs it).
      const told = passed.map((path) => new URL(path, server.origin).searchParams.get('refusedBytes'));
      assert.ok(Number(told[0]) > proxy.bodyLimit, `told the size refused, as sent: ${told[0]}`);
      assert.ok(
        told.slice(1).every((size) => size === null),
        'once',
      );
      assert.equal(outcome.pushed, 60, 'every change went (each draft made, then answered)');
      assert.equal((await a.store.outbox()).length, 0);
      const held = await onServer();
      for (const id of first)
        assert.equal(held.get(id), (await a.store.get(id))?.fields['achieve']?.value, 'the answer reached the team');
      const learnt = learntSize(await a.store.meta(SYNC_META.pushBytes));
      assert.ok(learnt > 0 && learnt < 512 * 1024, `a smaller push size was kept: ${learnt}`);

      // A later sync (a new engine, as each run of the kit's makes one) keeps to it from the start.
      const later = await draftsOf(30);
      const token = (await a.store.meta(SYNC_META.token))!;
      const engine = new SyncEngine(a.store, new FetchTransport(token, proxy.origin, () => undefined, 10_000));
      assert.equal((await engine.sync()).pushed, 60);
      assert.equal(proxy.counts.get('too-large'), refusals, 'no request was refused as too large');
      const all = await onServer();
      assert.ok(
        later.every((id) => all.has(id)),
        'the later drafts reached the team',
      );

      // One draft's change too large for the proxy even alone is held back, with that draft's
      // later changes; the changes queued after it still go, and the refusal is told after them.
      const huge = await a.store.create(WS, { title: 'Long plan' });
      await autosaved(a, huge.id, { achieve: noise(4_000) });
      const after = await draftsOf(3);
      await autosaved(a, huge.id, { audience: 'Told later' });
      await assert.rejects(engine.sync(), (error) => {
        assert.ok(error instanceof SyncHeldBackError && error.status === 413 && error.code === TOO_LARGE);
        assert.deepEqual(error.drafts, [huge.id], 'it names the draft held back');
        return true;
      });
      const now = await onServer();
      assert.ok(
        after.every((id) => now.has(id)),
        'the drafts queued after it reached the team',
      );
      assert.ok(!now.has(huge.id), 'nothing of the held draft was sent out of order');
      const kept = await a.store.outbox();
      assert.deepEqual(
        [...new Set(kept.map((e) => e.draftId))],
        [huge.id],
        'its changes are kept to send, and only they',
      );
      assert.ok(
        kept.every((e) => !e.rejected),
        'kept as waiting, not refused: sent again at the next sync',
      );
      assert.equal(learntSize(await a.store.meta(SYNC_META.pushBytes)), learnt, 'the size learnt stays');
      assert.equal(
        await a.store.meta(SYNC_META.heldBack),
        JSON.stringify([{ id: huge.id, why: 'too-large' }]),
        'kept on the device, with why, for the drafts list',
      );

      // A week on, a full push is tried again: the limit may have been raised meanwhile.
      const weekOld = JSON.stringify({ bytes: learnt, at: clock - 8 * 24 * 60 * 60 * 1000 });
      await a.store.setMeta(SYNC_META.pushBytes, weekOld);
      const refusedBefore = proxy.counts.get('too-large')!;
      await draftsOf(30);
      await assert.rejects(engine.sync(), SyncHeldBackError);
      assert.ok(proxy.counts.get('too-large')! > refusedBefore + 1, 'a full push, refused, then halved');
      assert.notEqual(await a.store.meta(SYNC_META.pushBytes), weekOld, 'learnt again, and when');
      assert.equal((await a.store.outbox()).filter((e) => e.draftId !== huge.id).length, 0, 'the rest went');

      // Once the proxy takes it (its limit raised), it goes as it is.
      proxy.bodyLimit = Infinity;
      await engine.sync();
      assert.equal((await onServer()).get(huge.id), (await a.store.get(huge.id))?.fields['achieve']?.value);
      assert.equal((await a.store.outbox()).length, 0);
      assert.equal(await a.store.meta(SYNC_META.heldBack), undefined, 'held back no more');
      a.store.close();
    } finally {
      await proxy.close();
      await server.close();
    }
  });

  it('stops after a few drafts refused alone when the proxy refuses every push, size or not', async () => {
    const server = await startSyncServer('dist');
    const proxy = await startFaultProxy(server.origin);
    try {
      let clock = Date.now() - 60_000;
      const tick = (): number => (clock += 1);
      const a = await simDevice('Blocked', server.origin, proxy.origin, server.joinLink.split('#')[1]!, tick, 10_000);
      for (let i = 0; i < 20; i += 1) await a.store.create(WS, { title: `Plan ${i}` });
      proxy.bodyLimit = 0;
      await assert.rejects(a.engine.sync(), (error) => {
        assert.ok(error instanceof SyncHeldBackError && error.status === 413);
        assert.equal(error.drafts.length, 6, 'the five held back, and the one it stopped at');
        return true;
      });
      const sent = proxy.counts.get('too-large') ?? 0;
      // Halving the first push to one draft (five requests), then a few drafts alone: not one a draft.
      assert.ok(sent < 20, `${sent} requests refused, for 20 drafts`);
      const kept = await a.store.outbox();
      assert.equal(kept.length, 20, 'every change is kept');
      assert.ok(
        kept.every((e) => !e.rejected),
        'and goes at the next sync',
      );
      a.store.close();
    } finally {
      await proxy.close();
      await server.close();
    }
  });
});

describe('sync engine, a web application firewall in front of the server', () => {
  it('sends plain what the firewall cannot read, holds back a draft whose words it refuses while the rest go, and sends it once they change', async () => {
    const server = await startSyncServer('dist');
    const proxy = await startFaultProxy(server.origin);
    // As the OWASP core rule set's cross-site scripting rules match a script tag: the guide is
    // about social media, and an answer may hold the embed code a platform gives for a feed.
    proxy.firewall = /<script/i;
    try {
      const teamId = (await server.store.teams())[0]!.id;
      let clock = Date.now() - 60_000;
      const tick = (): number => (clock += 1);
      const a = await simDevice('Walled', server.origin, proxy.origin, server.joinLink.split('#')[1]!, tick, 10_000);
      const draftsOf = async (n: number): Promise<string[]> => {
        const ids: string[] = [];
        for (let i = 0; i < n; i += 1) {
          const draft = await a.store.create(WS, { title: `Plan ${ids.length}` });
          // Over a kilobyte: sent compressed, which this firewall cannot read.
          await autosaved(a, draft.id, { achieve: `Hear from residents near hall ${i}. `.repeat(40) });
          ids.push(draft.id);
        }
        return ids;
      };
      const onServer = async (): Promise<Map<string, unknown>> => {
        const { drafts } = await server.store.pull(teamId, 0, 1000);
        return new Map(drafts.map((d) => [d.id, d.fields['achieve']?.value]));
      };
      const passed: string[] = [];
      proxy.choose = (path) => {
        if (path.startsWith('/api/push')) passed.push(path);
        return 'pass';
      };

      const before = await draftsOf(10);
      const embed = await a.store.create(WS, { title: 'Council website' });
      const code = 'Show the feed on the council page: <script src="https://platform.example/widget.js"></script>';
      await autosaved(a, embed.id, { achieve: code });
      const after = await draftsOf(20);
      await autosaved(a, embed.id, { audience: 'Residents who read the council page' });

      await assert.rejects(a.engine.sync(), (error) => {
        assert.ok(error instanceof SyncHeldBackError, String(error));
        assert.equal(error.status, 403);
        assert.equal(error.code, BLOCKED);
        assert.deepEqual(error.drafts, [embed.id], 'it names the draft held back');
        return true;
      });
      assert.ok((proxy.counts.get('unreadable') ?? 0) > 0, 'a compressed push was refused, unread');
      const blockedRequests = proxy.counts.get('blocked') ?? 0;
      // Halving 31 drafts to the one: a few requests, not one a draft.
      assert.ok(blockedRequests > 0 && blockedRequests <= 8, `${blockedRequests} requests refused for their words`);
      const now = await onServer();
      for (const id of [...before, ...after])
        assert.equal(now.get(id), (await a.store.get(id))?.fields['achieve']?.value, 'the others reached the team');
      assert.ok(!now.has(embed.id), 'nothing of the held draft was sent out of order');
      const kept = await a.store.outbox();
      assert.deepEqual([...new Set(kept.map((e) => e.draftId))], [embed.id], 'its changes are kept, and only they');
      assert.ok(
        kept.every((e) => !e.rejected),
        'kept as waiting, not refused: sent as it is at the next sync',
      );
      assert.equal(
        await a.store.meta(SYNC_META.heldBack),
        JSON.stringify([{ id: embed.id, why: 'blocked' }]),
        'kept on the device, with why, for the drafts list',
      );
      assert.equal(await a.store.meta(SYNC_META.pushBytes), undefined, 'no push size learnt from words refused');
      // The server is told by the first push that reaches it after, for whoever runs it (it logs it).
      const told = passed.map((path) => new URL(path, server.origin).searchParams.get('blocked'));
      assert.equal(told.filter((status) => status !== null).length, 1, `told once: ${JSON.stringify(told)}`);
      assert.equal(
        told.find((status) => status !== null),
        '403',
      );

      // The user takes the code out (a link instead): the draft goes at the next sync.
      await autosaved(a, embed.id, { achieve: 'Link to the feed from the council page.' });
      await a.engine.sync();
      const later = await onServer();
      assert.equal(later.get(embed.id), 'Link to the feed from the council page.');
      assert.equal((await a.store.outbox()).length, 0);
      assert.equal(await a.store.meta(SYNC_META.heldBack), undefined, 'held back no more');
      a.store.close();
    } finally {
      await proxy.close();
      await server.close();
    }
  });
});
