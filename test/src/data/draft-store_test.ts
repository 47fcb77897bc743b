import { expect, waitUntil } from '@open-wc/testing';
import { openKitDb, openKitDbAtVersion, DB_VERSION, DatabaseUnavailableError } from '../../../src/data/db.js';
import type { DraftChange, DraftStore, LocalChange } from '../../../src/data/draft-store.js';
import type { Draft } from '../../../src/data/draft.js';
import { StorageWriteError } from '../../../src/data/storage-error.js';
import { TEXT_MAX } from '../../../src/content/worksheet.js';
import type { ServerDraft } from '../../../src/sync/protocol.js';
import { SYNC_META } from '../../../src/sync/sync-meta.js';
import { freshDbName, openStore, WORKSHEET } from '../support/fresh-db.js';
import { fillDisk } from '../support/full-disk.js';
import { timeOf, UUID_V7 } from '../support/uuid-v7.js';

describe('DraftStore', () => {
  const stores: DraftStore[] = [];
  async function store(name?: string): Promise<DraftStore> {
    const s = await openStore(name);
    stores.push(s);
    return s;
  }
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
  });

  /** The team's copy of a draft titled "Shared", its aim at `rev` as a teammate answered it. */
  const teamDraft = (id: string, rev: number, achieve: string): ServerDraft => ({
    id,
    worksheetId: WORKSHEET.id,
    worksheetVersion: WORKSHEET.version,
    createdAt: 1,
    rev,
    deletedAt: null,
    note: null,
    fields: {
      title: { value: 'Shared', rev: 1, changedAt: 1, changedBy: 'A', conflict: null },
      achieve: { value: achieve, rev, changedAt: 2, changedBy: 'B', conflict: null },
    },
  });

  /** A draft titled "Shared" whose creation the team's server has taken, at revision 1. */
  async function sharedDraft(s: DraftStore): Promise<Draft> {
    const draft = await s.create(WORKSHEET, { title: 'Shared' });
    const created = await s.outboxBatch({ limit: 10 });
    await s.acknowledge(created.entries, [{ seq: created.entries[0]!.seq!, status: 'applied', rev: 1 }]);
    return draft;
  }

  it('creates drafts with ids that say when they were made, context fields and timestamps', async () => {
    const s = await store();
    const draft = await s.create(WORKSHEET, {
      title: 'Riverside consultation',
      community: 'Riverside',
      date: '2026-11-26',
    });
    // A version 7 UUID, its first 48 bits the draft's creation time (the server's indexes then
    // take new drafts together).
    expect(draft.id).to.match(UUID_V7);
    expect(timeOf(draft.id)).to.equal(draft.createdAt);
    expect(draft.deletedAt).to.equal(null);
    expect(draft.createdAt).to.equal(draft.updatedAt);
    expect(draft.fields['title']).to.deep.include({ value: 'Riverside consultation', changedBy: s.deviceId });
    expect(await s.get(draft.id)).to.deep.equal(draft);
  });

  it('records the time and device of each field change, and lists the newest edit first', async () => {
    const s = await store();
    const a = await s.create(WORKSHEET, { title: 'A' });
    const b = await s.create(WORKSHEET, { title: 'B' });
    await s.update(a.id, { achieve: 'Better bus routes', activities: ['consultation'] });
    const edited = (await s.get(a.id))!;
    expect(edited.fields['achieve']!.value).to.equal('Better bus routes');
    expect(edited.fields['achieve']!.changedAt).to.be.greaterThan(a.createdAt);
    expect(edited.fields['title']!.changedAt).to.equal(a.createdAt, 'untouched fields keep their time');
    expect((await s.list()).map((d) => d.id)).to.deep.equal([a.id, b.id]);
  });

  // A clock that ran days ahead, set right while the kit was open: every edit after it carried
  // the old time, days on, until the page was opened again.
  it('times edits by a clock put back by minutes or more as it now is; a step back of a moment keeps the order', async () => {
    const DAY = 24 * 60 * 60 * 1000;
    let clock = Date.now() + 3 * DAY;
    const s = await openStore(undefined, { now: () => clock });
    stores.push(s);
    const draft = await s.create(WORKSHEET, { title: 'Clock' });
    const [ahead] = await s.update(draft.id, { achieve: 'Typed on a clock days ahead' });
    expect(ahead!.at).to.be.greaterThan(Date.now() + 2 * DAY);
    clock = Date.now();
    const [right] = await s.update(draft.id, { achieve: 'Typed once it was set right' });
    expect(Math.abs(right!.at - Date.now()), 'taken as the clock now is').to.be.lessThan(1_000);
    clock -= 500;
    const [moment] = await s.update(draft.id, { audience: 'Typed a moment after' });
    expect(moment!.at, 'still after the edit before').to.equal(right!.at + 1);
    // The server's clock, heard while the device's is days behind, times what follows.
    clock = Date.now() - 3 * DAY;
    await s.noteServerTime(Date.now());
    expect(Math.abs(s.now() - Date.now())).to.be.lessThan(1_000);
    const [timed] = await s.update(draft.id, { timing: 'Typed on a clock set days back' });
    expect(Math.abs(timed!.at - Date.now()), 'by the server’s clock').to.be.lessThan(1_000);
    expect(await s.clockOffset()).to.be.greaterThan(3 * DAY - 1_000);
  });

  it('knows its own changes when a pull brings them back under its name, and a teammate’s by theirs', async () => {
    const s = await store();
    const draft = await sharedDraft(s);
    await s.update(draft.id, { achieve: 'Better bus routes', activities: ['consultation'] });
    await s.foldEdits();
    const batch = await s.outboxBatch({ limit: 10 });
    await s.acknowledge(batch.entries, [{ seq: batch.entries[0]!.seq!, status: 'applied', rev: 2 }]);
    const mine = (await s.get(draft.id))!.fields;
    expect(mine['achieve']!.changedBy).to.equal(s.deviceId);
    // The server names every change's device: this device's own too, under a name a teammate's
    // device may share ("Android device 27 Nov").
    const asTheTeamHasIt = (key: string, changedBy: string, changedAt = mine[key]!.changedAt) => ({
      value: mine[key]!.value,
      rev: 2,
      changedAt,
      changedBy,
      conflict: null,
    });
    await s.applyRemote([
      {
        ...teamDraft(draft.id, 3, ''),
        fields: {
          title: { value: 'Shared, renamed', rev: 3, changedAt: Date.now(), changedBy: 'Sam’s tablet', conflict: null },
          achieve: asTheTeamHasIt('achieve', 'Android device 27 Nov'),
          // The same answer at another time: a teammate's change, not this device's.
          activities: asTheTeamHasIt('activities', 'Android device 27 Nov', mine['activities']!.changedAt + 1),
        },
      },
    ]);
    const pulled = (await s.get(draft.id))!.fields;
    expect(pulled['achieve']).to.include({ changedBy: s.deviceId, rev: 2 }, 'its own change');
    expect(pulled['activities']!.changedBy).to.equal('Android device 27 Nov');
    expect(pulled['title']!.changedBy).to.equal('Sam’s tablet');
  });

  it('queues every change in the outbox in the same order', async () => {
    const s = await store();
    const d = await s.create(WORKSHEET, { title: 'T' });
    await s.update(d.id, { achieve: 'x' });
    await s.remove(d.id);
    const outbox = await s.outbox();
    expect(outbox.map((e) => [e.kind, e.fields])).to.deep.equal([
      ['create', ['title']],
      ['update', ['achieve']],
      ['delete', []],
    ]);
    expect(outbox.map((e) => e.seq)).to.deep.equal([...outbox.map((e) => e.seq)].sort((x, y) => x! - y!));
  });

  it('tells what waits for sync (how many changes, which drafts, which were refused) from the outbox', async () => {
    const s = await store();
    const a = await s.create(WORKSHEET, { title: 'A' });
    for (let i = 0; i < 5; i += 1) await s.update(a.id, { achieve: `edit ${i}` });
    const b = await s.create(WORKSHEET, { title: 'B' });
    const c = await s.create(WORKSHEET, { title: 'C' });
    const [refused] = (await s.outbox()).filter((e) => e.draftId === b.id);
    await s.acknowledge([refused!], [{ seq: refused!.seq!, status: 'rejected', reason: 'Not allowed.', rev: 0 }]);
    const outbox = await s.outbox();
    // The five edits of one answer, folded in together, are one change (see 'folds blind edits').
    expect(outbox).to.have.length(4);
    const status = await s.outboxStatus();
    expect(status.waiting).to.equal(3, 'every change but the refused one');
    expect(status.rejected).to.deep.equal(outbox.filter((e) => e.rejected));
    expect(status.rejected.map((e) => [e.draftId, e.rejected])).to.deep.equal([[b.id, 'Not allowed.']]);
    expect([...(await s.draftsWithQueuedChanges())].sort()).to.deep.equal([a.id, b.id, c.id].sort());
    await s.discardRejected(refused!.seq!);
    // Refused by the server for the draft, not for an answer past its limits: not queued again,
    // the draft goes back to the team's version (see 'discarding a refused change'), and counts
    // as waiting until it has.
    expect(await s.outboxStatus()).to.deep.equal({ waiting: 4, rejected: [] });
    expect((await s.outbox()).filter((e) => e.draftId === b.id)).to.deep.equal([]);
    expect(await s.revertsPending()).to.deep.equal([b.id]);
    expect([...(await s.draftsWithQueuedChanges())].sort()).to.deep.equal([a.id, b.id, c.id].sort());
  });

  it('deletes as a tombstone that can be restored', async () => {
    const s = await store();
    const d = await s.create(WORKSHEET, { title: 'Gone soon' });
    await s.remove(d.id);
    expect(await s.list()).to.deep.equal([]);
    const tombstone = await s.get(d.id);
    expect(tombstone!.deletedAt).to.be.a('number');
    expect(tombstone!.fields['title']!.value).to.equal('Gone soon', 'the content is kept');
    await s.restore(d.id);
    expect((await s.list()).map((x) => x.id)).to.deep.equal([d.id]);
    expect((await s.get(d.id))!.updatedAt).to.equal(d.updatedAt, 'restoring is not editing: last edited as before');
    expect((await s.outbox()).at(-1)).to.include({ kind: 'restore' });
    expect((await s.outbox()).at(-1)!.at).to.be.greaterThan(tombstone!.deletedAt!, 'the restore is queued as of now');
  });

  it('duplicates a draft under a new id and title', async () => {
    const s = await store();
    const d = await s.create(WORKSHEET, { title: 'Original' });
    await s.update(d.id, { audience: 'Parents' });
    const copy = await s.duplicate(d.id);
    expect(copy.id).to.not.equal(d.id);
    expect(copy.fields['title']!.value).to.equal('Copy of Original');
    expect(copy.fields['audience']!.value).to.equal('Parents');
    expect((await s.list()).length).to.equal(2);
  });

  it('keeps both tabs’ edits to different fields, and tells the other tab', async () => {
    const name = freshDbName('tabs');
    const tab1 = await store(name);
    const tab2 = await store(name);
    const d = await tab1.create(WORKSHEET, { title: 'Shared' });
    const changes: DraftChange[] = [];
    tab2.onChange((c) => changes.push(...c));
    await Promise.all([tab1.update(d.id, { achieve: 'from tab 1' }), tab2.update(d.id, { audience: 'from tab 2' })]);
    const stored = await tab1.get(d.id);
    expect(stored!.fields['achieve']!.value).to.equal('from tab 1');
    expect(stored!.fields['audience']!.value).to.equal('from tab 2');
    await waitUntil(() => changes.some((c) => c.fields.includes('achieve')), 'tab 2 hears of tab 1’s edit');
  });

  it('tells other tabs of a synced batch at once: one message, every draft in it', async () => {
    const name = freshDbName('batch-notice');
    const tab1 = await store(name);
    const tab2 = await store(name);
    for (let i = 0; i < 20; i += 1) await tab1.create(WORKSHEET, { title: `Draft ${i}` });
    const heard: (readonly DraftChange[])[] = [];
    // The creates' own notices may still be arriving: only the sync's count here.
    tab2.onChange((changes) => {
      if (changes.every((c) => c.kind === 'update')) heard.push(changes);
    });
    const { entries } = await tab1.outboxBatch({ limit: 100 });
    await tab1.acknowledge(
      entries,
      entries.map((e, i) => ({ seq: e.seq!, status: 'applied', rev: i + 1 })),
    );
    await waitUntil(() => heard.flat().length >= entries.length, 'tab 2 hears of every draft in the batch');
    expect(heard).to.have.length(1);
    expect(heard[0]!.map((c) => c.draftId).sort()).to.deep.equal(entries.map((e) => e.draftId).sort());
    expect(await tab2.outbox()).to.deep.equal([]);
    expect((await tab2.get(entries[0]!.draftId))!.rev).to.equal(1);
  });

  it('says from which change on the outbox is not yet settled: past answered and refused ones', async () => {
    const s = await store();
    const drafts = [];
    for (let i = 0; i < 4; i += 1) drafts.push(await s.create(WORKSHEET, { title: `Draft ${i}` }));
    const first = await s.outboxBatch({ limit: 2 });
    const seqs = (await s.outbox()).map((e) => e.seq!);
    expect(first.view.settled).to.equal(seqs[0], 'nothing answered yet');

    // The first is refused, the second applied: both settled; the third is the first still waiting.
    await s.acknowledge(first.entries, [
      { seq: seqs[0]!, status: 'rejected', reason: 'Refused for the test', rev: 0 },
      { seq: seqs[1]!, status: 'applied', rev: 1 },
    ]);
    const next = await s.outboxBatch({ after: seqs[1], limit: 2 });
    expect(next.view.settled).to.equal(seqs[2]);
    expect((await s.outboxStatus()).rejected.map((e) => e.seq)).to.deep.equal([seqs[0]], 'the refused one stays');

    const rest = await s.outboxBatch({ after: seqs[1], limit: 10 });
    await s.acknowledge(
      rest.entries,
      rest.entries.map((e, i) => ({ seq: e.seq!, status: 'applied', rev: i + 2 })),
    );
    await s.update(drafts[0]!.id, { achieve: 'A later edit' });
    const later = await s.outboxBatch({ limit: 10 });
    expect(later.view.settled).to.equal(later.entries.at(-1)!.seq, 'every change before the later edit settled');
    expect(later.view.settled).to.be.greaterThan(seqs[3]!);
  });

  describe('blind edits (an autosave writes its fields without reading the draft)', () => {
    it('stores the edit alone, reads it into the draft at once, and folds it in at the next write', async () => {
      const name = freshDbName('blind');
      const s = await store(name);
      const older = await s.create(WORKSHEET, { title: 'Older' });
      const d = await s.create(WORKSHEET, { title: 'Typed into' });
      const newer = await s.create(WORKSHEET, { title: 'Newer' });
      const edits = await s.update(older.id, { achieve: 'first words', audience: 'parents' });
      expect(edits.map((e) => [e.key, e.value, e.by])).to.deep.equal([
        ['achieve', 'first words', s.deviceId],
        ['audience', 'parents', s.deviceId],
      ]);
      await s.update(older.id, { achieve: 'first words, and more' });

      const db = await openKitDb({ name });
      expect((await db.get('drafts', older.id))!.fields['achieve'], 'the draft itself is not written').to.equal(
        undefined,
      );
      expect((await db.getAll('edits')).map((e) => [e.key, e.value])).to.deep.equal(
        [
          ['achieve', 'first words, and more'],
          ['audience', 'parents'],
        ],
        'one edit a field: a later one replaces it',
      );
      const read = (await s.get(older.id))!;
      expect(read.fields['achieve']).to.deep.include({ value: 'first words, and more', rev: 0, conflict: null });
      expect(read.fields['title']!.value).to.equal('Older');
      expect((await s.list()).map((x) => x.id)).to.deep.equal([older.id, newer.id, d.id], 'the edited draft first');
      expect((await s.outboxStatus()).waiting).to.equal(4, 'three creations and the edits, one change');
      expect([...(await s.draftsWithQueuedChanges())]).to.include(older.id);

      // Any write to drafts folds first: the edits join their draft and the outbox, before it.
      await s.remove(d.id);
      expect(await db.getAll('edits')).to.deep.equal([]);
      expect((await db.get('drafts', older.id))!.fields['audience']!.value).to.equal('parents');
      expect((await db.getAll('outbox')).slice(-2).map((e) => [e.draftId, e.kind, e.fields])).to.deep.equal([
        [older.id, 'update', ['achieve', 'audience']],
        [d.id, 'delete', []],
      ]);
      expect(await s.get(older.id)).to.deep.equal(read, 'folding changed nothing a read sees');
      db.close();
    });

    it('folds on its own a second after the last edit, and tells the sync of the queued change', async () => {
      const s = await store();
      const d = await s.create(WORKSHEET, { title: 'Left to settle' });
      const told: { fields: readonly string[]; step: string }[] = [];
      s.onLocalChange(({ fields, step }) => told.push({ fields, step }));
      await s.update(d.id, { achieve: 'then nothing more' });
      await waitUntil(() => told.length === 1, 'the edit told of, a task after it is stored');
      expect(told).to.deep.equal([{ fields: ['achieve'], step: 'edited' }]);
      await waitUntil(() => told.length === 2, 'the fold told of its change', { timeout: 3_000 });
      expect(told[1]).to.deep.equal({ fields: ['achieve'], step: 'folded' });
      expect((await s.outbox()).map((e) => e.fields)).to.deep.equal([['title'], ['achieve']]);
    });

    it('meets a pull as a change waiting to go: the local value stays and the cursor is held', async () => {
      const s = await store();
      const draft = await sharedDraft(s);
      // Not yet folded in when the team's newer answer to the same question arrives.
      await s.update(draft.id, { achieve: 'Mine, just typed' });
      expect(await s.applyRemote([teamDraft(draft.id, 4, 'B’s, from the team')], { key: 'cursor', value: 4 })).to.equal(
        3,
      );
      const mine = (await s.get(draft.id))!;
      expect(mine.fields['achieve']).to.deep.include({ value: 'Mine, just typed', rev: 0 });
      expect((await s.outbox()).at(-1)!.fields).to.deep.equal(['achieve'], 'and it is queued to meet the team’s');
    });

    it('is sent with the batch it was made before, and one made after joins a later batch', async () => {
      const s = await store();
      const draft = await s.create(WORKSHEET, { title: 'Sent' });
      await s.update(draft.id, { achieve: 'before the batch' });
      const batch = await s.outboxBatch({ limit: 10 });
      expect(batch.entries.map((e) => e.fields)).to.deep.equal([['title'], ['achieve']]);
      expect(batch.drafts.get(draft.id)!.fields['achieve']!.value).to.equal('before the batch');
      await s.update(draft.id, { audience: 'while it travels' });
      await s.acknowledge(
        batch.entries,
        batch.entries.map((e) => ({ seq: e.seq!, status: 'applied' as const, rev: 1 })),
        { read: { view: batch.view, drafts: batch.drafts, writer: 'w' } },
      );
      const after = (await s.get(draft.id))!;
      expect(after.fields['audience']!.value).to.equal('while it travels', 'the acknowledgement kept it');
      expect(after.fields['achieve']!.rev).to.equal(1);
      expect((await s.outbox()).map((e) => e.fields)).to.deep.equal([['audience']]);
    });

    it('drops an edit whose draft is gone (storage cleared under the page), queuing nothing', async () => {
      const s = await store();
      await s.update('0190a000-0000-7000-8000-000000000000', { achieve: 'nowhere to go' });
      expect(await s.get('0190a000-0000-7000-8000-000000000000')).to.equal(undefined);
      expect(await s.outbox()).to.deep.equal([]);
      expect(await s.outboxStatus()).to.deep.equal({ waiting: 0, rejected: [] });
    });
  });

  it('holds the pull cursor before a draft whose queued field the server changed, and moves on once it is answered', async () => {
    const s = await store();
    const draft = await sharedDraft(s);
    await s.update(draft.id, { achieve: 'Mine, queued' });
    const other = await s.create(WORKSHEET, { title: 'Other' });
    // The page's second draft (rev 5) has no queued field, the first (rev 4) does: held just before it.
    const page = [teamDraft(draft.id, 4, 'B’s, from the team'), { ...teamDraft(other.id, 5, 'x'), fields: {} }];
    expect(await s.applyRemote(page, { key: 'cursor', value: 5 })).to.equal(3);
    expect(await s.meta('cursor')).to.equal('3');
    expect((await s.get(draft.id))!.fields['achieve']!.value).to.equal('Mine, queued', 'the queued value stays');
    expect(await s.applyRemote([], { key: 'cursor', value: 5 })).to.equal(undefined);
    expect(await s.meta('cursor')).to.equal('5', 'a later page with nothing held moves it');

    // Once the queued change is answered, the same page is taken whole and holds nothing.
    const queued = (await s.outbox()).filter((e) => e.draftId === draft.id);
    await s.acknowledge(queued, [{ seq: queued[0]!.seq!, status: 'applied', rev: 2 }]);
    expect(await s.applyRemote(page, { key: 'cursor', value: 5 })).to.equal(undefined);
    expect(await s.meta('cursor')).to.equal('5');
    expect((await s.get(draft.id))!.fields['achieve']!.value).to.equal('B’s, from the team');
  });

  describe('discarding a refused change', () => {
    const team = (
      id: string,
      rev: number,
      fields: ServerDraft['fields'],
      deletedAt: number | null = null,
    ): ServerDraft => ({
      id,
      worksheetId: WORKSHEET.id,
      worksheetVersion: WORKSHEET.version,
      createdAt: 1,
      rev,
      deletedAt,
      note: null,
      fields,
    });
    const field = (value: string, rev: number): ServerDraft['fields'][string] => ({
      value,
      rev,
      changedAt: rev,
      changedBy: 'B',
      conflict: null,
    });

    /** A synced draft, then a change to it the server refused, discarded. */
    async function discarded(s: DraftStore, change: (id: string) => Promise<unknown>): Promise<{ id: string }> {
      const draft = await sharedDraft(s);
      await change(draft.id);
      const [refused] = await s.outbox();
      await s.acknowledge([refused!], [{ seq: refused!.seq!, status: 'rejected', reason: 'Not allowed.', rev: 0 }]);
      return draft;
    }

    it('takes the change’s fields back to the team’s version, but not one edited since or pulled newer', async () => {
      const s = await store();
      const long = 'x'.repeat(TEXT_MAX + 1);
      const draft = await discarded(s, (id) => s.update(id, { achieve: long, audience: long, measure: long }));
      const [refused] = await s.outbox();
      await s.update(draft.id, { audience: 'Edited since' });
      await s.discardRejected(refused!.seq!);
      expect(await s.revertsPending()).to.deep.equal([draft.id]);
      expect((await s.outboxStatus()).waiting).to.equal(2, 'the edit since, and the draft going back');
      expect([...(await s.draftsWithQueuedChanges())]).to.deep.equal([draft.id]);
      // A pull brings a teammate's newer measure before the team's version is fetched.
      await s.applyRemote([team(draft.id, 7, { title: field('Shared', 1), measure: field('Pulled, newer', 7) })]);

      const changes: (readonly DraftChange[])[] = [];
      s.onChange((c) => changes.push(c));
      await s.applyRevert(
        draft.id,
        team(draft.id, 3, {
          title: field('Shared', 1),
          achieve: field('The team’s aim', 3),
          measure: field('Older', 2),
        }),
      );
      const after = (await s.get(draft.id))!;
      expect(after.fields['achieve']).to.deep.equal(field('The team’s aim', 3));
      expect(after.fields['audience']!.value).to.equal('Edited since', 'an edit since the discard stays, to sync');
      expect(after.fields['measure']!.value).to.equal('Pulled, newer');
      expect(after.fields['title']!.value).to.equal('Shared');
      expect(changes).to.deep.equal([[{ draftId: draft.id, fields: ['achieve'], kind: 'update' }]]);
      expect(await s.revertsPending()).to.deep.equal([]);
      expect((await s.outboxStatus()).waiting).to.equal(1);
    });

    it('queues again, one change each, the fields the server would take, and takes back only those it would not', async () => {
      const s = await store();
      const long = 'x'.repeat(TEXT_MAX + 1);
      const draft = await discarded(s, (id) =>
        s.update(id, { achieve: long, audience: 'Parents', measure: 'Turnout' }),
      );
      const [refused] = await s.outbox();
      await s.discardRejected(refused!.seq!);
      const queued = await s.outbox();
      expect(queued.map((e) => [e.kind, e.fields, e.rejected])).to.deep.equal([
        ['update', ['audience'], undefined],
        ['update', ['measure'], undefined],
      ]);
      await s.applyRevert(draft.id, team(draft.id, 1, { title: field('Shared', 1) }));
      const after = (await s.get(draft.id))!;
      expect(after.fields['achieve'], 'the team has no aim for it').to.equal(undefined);
      expect(after.fields['audience']!.value).to.equal('Parents');
      expect(after.fields['measure']!.value).to.equal('Turnout');
    });

    it('keeps an answer refused for its length through a pull until it is shortened, then settles that refusal and takes pulls', async () => {
      const s = await store();
      const long = 'x'.repeat(TEXT_MAX + 1);
      const draft = await sharedDraft(s);
      await s.update(draft.id, { achieve: long, audience: long });
      const [entry] = await s.outbox();
      // As the sync engine answers a change it refused itself, naming the answers.
      await s.acknowledge([entry!], [{ seq: entry!.seq!, status: 'rejected', reason: 'Too long.', rev: 0 }], {
        refused: new Map([[entry!.seq!, { fields: ['achieve', 'audience'], reason: 'Too long.' }]]),
      });
      expect((await s.outboxStatus()).rejected.map((e) => e.refused)).to.deep.equal([['achieve', 'audience']]);
      const pulled = (rev: number, value: string): ServerDraft =>
        team(draft.id, rev, { title: field('Shared', 1), achieve: field(value, rev) });

      await s.applyRemote([pulled(5, 'A teammate’s aim')]);
      expect((await s.get(draft.id))!.fields['achieve']!.value).to.equal(long, 'the user’s text stays to be shortened');
      await s.update(draft.id, { achieve: 'Shortened' });
      const [, shortened] = await s.outbox();
      await s.acknowledge([shortened!], [{ seq: shortened!.seq!, status: 'conflict', rev: 6 }]);
      // The shortened answer was taken: that part of the refusal is settled, the other still stands.
      expect((await s.outboxStatus()).rejected.map((e) => [e.fields, e.refused])).to.deep.equal([
        [['audience'], ['audience']],
      ]);
      await s.applyRemote([pulled(7, 'The team’s, after the conflict')]);
      expect((await s.get(draft.id))!.fields['achieve']!.value).to.equal('The team’s, after the conflict');
      await s.update(draft.id, { audience: 'Short too' });
      const [, last] = await s.outbox();
      await s.acknowledge([last!], [{ seq: last!.seq!, status: 'applied', rev: 8 }]);
      expect(await s.outboxStatus()).to.deep.equal({ waiting: 0, rejected: [] }, 'nothing left to discard');
    });

    it('takes back a refused deletion to the team’s draft, and one the team does not have stays deleted', async () => {
      const s = await store();
      const draft = await discarded(s, (id) => s.remove(id));
      await s.discardRejected((await s.outbox())[0]!.seq!);
      await s.applyRevert(draft.id, team(draft.id, 1, { title: field('Shared', 1) }));
      expect((await s.list()).map((d) => d.id)).to.deep.equal([draft.id], 'the team still has it, so it is back');

      const gone = await discarded(s, (id) => s.remove(id));
      await s.discardRejected((await s.outbox())[0]!.seq!);
      await s.applyRevert(gone.id, null);
      expect((await s.get(gone.id))!.deletedAt).to.be.a('number');
      expect(await s.revertsPending()).to.deep.equal([]);
    });
  });

  it('tells its own listeners at once of an edit begun in memory, and stores nothing for it', async () => {
    const s = await store();
    const d = await s.create(WORKSHEET, { title: 'Typing' });
    const waitingBefore = (await s.outboxStatus()).waiting;
    const told: LocalChange[] = [];
    s.onLocalChange((change) => told.push(change));
    s.editing(d.id, ['achieve']);
    expect(told).to.deep.equal([{ draftId: d.id, fields: ['achieve'], kind: 'update', step: 'editing' }]);
    expect((await s.outboxStatus()).waiting).to.equal(waitingBefore);
    expect((await s.get(d.id))!.fields['achieve']).to.equal(undefined);
  });

  it('changes team in one step: drafts, queued changes, unsaved edits and the old team’s facts go; the device stays itself', async () => {
    const name = freshDbName('change-team');
    const s = await store(name);
    const otherTab = await store(name);
    const kept = await s.create(WORKSHEET, { title: 'Riverside’s draft' });
    await s.update(kept.id, { achieve: 'an edit not yet folded in' });
    const gone = await s.create(WORKSHEET, { title: 'Deleted, undo still possible' });
    await s.remove(gone.id);
    s.journal(kept.id, { audience: 'saved as a page closed' });
    await s.setMeta(SYNC_META.token, 'riverside token');
    await s.setMeta(SYNC_META.cursor, '42');
    await s.setMeta(SYNC_META.lastSynced, '1');
    const heard: DraftChange[] = [];
    otherTab.onChange((changes) => heard.push(...changes));

    await s.changeTeam({ [SYNC_META.token]: 'hillside token', [SYNC_META.cursor]: '0' });

    expect(await s.list()).to.deep.equal([]);
    expect(await s.get(kept.id)).to.equal(undefined);
    expect(await s.outbox()).to.deep.equal([]);
    expect(await s.meta(SYNC_META.token)).to.equal('hillside token');
    expect(await s.meta(SYNC_META.cursor)).to.equal('0');
    expect(await s.meta(SYNC_META.lastSynced)).to.equal(undefined, 'no fact of the old team is left');
    await waitUntil(() => heard.length === 2, 'the other tab hears both drafts go');
    expect(heard.map((c) => c.kind)).to.deep.equal(['delete', 'delete']);
    s.close();
    const reopened = await store(name);
    expect(reopened.deviceId).to.equal(s.deviceId, 'the device keeps its own id');
    expect(await reopened.list()).to.deep.equal([], 'no journalled edit brings a draft back');
    expect(await reopened.outbox()).to.deep.equal([]);
  });

  it('adds a file’s drafts all in one transaction, or none of them when one is already here', async () => {
    const s = await store();
    const here = await s.create(WORKSHEET, { title: 'Already here' });
    const other = await store();
    const a = await other.create(WORKSHEET, { title: 'A' });
    const b = await other.create(WORKSHEET, { title: 'B' });
    const [fileA, fileB, fileHere] = [await other.get(a.id), await other.get(b.id), await s.get(here.id)];
    let refused: unknown;
    await s.addAll([fileA!, fileB!, fileHere!]).catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(Error);
    expect((await s.list()).map((d) => d.id)).to.deep.equal([here.id], 'none of the three taken');
    await s.addAll([fileA!, fileB!]);
    expect((await s.list()).map((d) => d.id).sort()).to.deep.equal([here.id, a.id, b.id].sort());
    const queued = (await s.outbox()).filter((e) => e.draftId === a.id || e.draftId === b.id);
    expect(queued.map((e) => e.kind)).to.deep.equal(['create', 'create'], 'each queued as a new draft');
  });

  describe('erasing drafts deleted long ago', () => {
    const DAY = 24 * 60 * 60 * 1000;
    let clock = Date.now();
    /** A store whose clock the test sets, as if its writes were made at `clock`. */
    async function at(name: string): Promise<DraftStore> {
      const s = await openStore(name, { now: () => clock });
      stores.push(s);
      return s;
    }

    it('takes drafts deleted over 30 days ago off a device in no team, with their queued changes; nothing else', async () => {
      const name = freshDbName('erase');
      clock = Date.now() - 40 * DAY;
      const s = await at(name);
      const old = await s.create(WORKSHEET, { title: 'Mrs Lee, 0400 000 000' });
      await s.update(old.id, { achieve: 'said at the hall' });
      await s.remove(old.id);
      const oldLive = await s.create(WORKSHEET, { title: 'Old but kept' });
      clock = Date.now() - 2 * DAY;
      const recent = await s.create(WORKSHEET, { title: 'Deleted this week' });
      await s.remove(recent.id);
      clock = Date.now();
      const otherTab = await store(name);
      const heard: DraftChange[] = [];
      otherTab.onChange((changes) => heard.push(...changes));

      expect(await s.eraseDeleted({ keepUnsent: false })).to.equal(1);
      expect(await s.get(old.id)).to.equal(undefined, 'the draft and its answers are gone');
      expect((await s.outbox()).filter((e) => e.draftId === old.id)).to.deep.equal([]);
      expect((await s.get(recent.id))!.deletedAt).to.be.a(
        'number',
        'deleted this week: Undo and restore still possible',
      );
      expect((await s.list()).map((d) => d.id)).to.deep.equal([oldLive.id]);
      await waitUntil(() => heard.some((c) => c.draftId === old.id && c.kind === 'delete'), 'other tabs hear it go');
      expect(await s.eraseDeleted({ keepUnsent: false })).to.equal(0);
    });

    it('on a device in a team, keeps a deleted draft until its deletion has reached the team', async () => {
      const name = freshDbName('erase-team');
      clock = Date.now() - 40 * DAY;
      const s = await at(name);
      const draft = await sharedDraft(s);
      await s.remove(draft.id);
      clock = Date.now();
      expect(await s.eraseDeleted({ keepUnsent: true })).to.equal(0);
      expect((await s.get(draft.id))!.deletedAt).to.be.a('number', 'kept: the team would otherwise keep it live');
      const batch = await s.outboxBatch({ limit: 10 });
      await s.acknowledge(batch.entries, [{ seq: batch.entries[0]!.seq!, status: 'applied', rev: 2 }]);
      expect(await s.eraseDeleted({ keepUnsent: true })).to.equal(1);
      expect(await s.get(draft.id)).to.equal(undefined);
    });
  });

  it('keeps a teammate’s answer beside words typed over it unseen, through an edit and through a journal', async () => {
    /** Typing begun on the device's answer at revision 1, with no conflict in view. */
    const FROM_REV_1 = { rev: 1, sawConflict: false };
    const name = freshDbName('typed-over');
    const first = await store(name);
    const d = await sharedDraft(first);
    // The device's own answer, typed from revision 1 and synced; then a teammate's, pulled at 3.
    await first.update(d.id, { achieve: 'Mine' }, { achieve: FROM_REV_1 });
    const [mine] = await first.outbox();
    await first.acknowledge([mine!], [{ seq: mine!.seq!, status: 'applied', rev: 2 }]);
    await first.applyRemote([teamDraft(d.id, 3, 'The teammate’s')]);
    // Typed on from what the typist saw (revision 1): the teammate's answer stays beside it.
    await first.update(d.id, { achieve: 'Mine, and more' }, { achieve: FROM_REV_1 });
    const typed = (await first.get(d.id))!.fields['achieve']!;
    expect(typed).to.deep.include({ value: 'Mine, and more', rev: 1 });
    expect(typed.conflict).to.deep.include({ value: 'The teammate’s', changedBy: 'B' });
    // And at the keystroke after: the conflict came during the typing, so typing does not settle it.
    await first.update(d.id, { achieve: 'Mine, and more still' }, { achieve: FROM_REV_1 });
    expect((await first.get(d.id))!.fields['achieve']!.conflict).to.deep.include({ value: 'The teammate’s' });
    // The same as a page closing writes it, merged when the kit next opens.
    const queued = await first.outbox();
    await first.acknowledge(
      queued,
      queued.map((e) => ({ seq: e.seq!, status: 'applied' as const, rev: 4 })),
    );
    await first.applyRemote([teamDraft(d.id, 5, 'The teammate’s again')]);
    expect(first.journal(d.id, { achieve: 'Mine, as the page closed' }, { achieve: FROM_REV_1 })).to.equal(true);
    first.close();
    const reopened = await store(name);
    await waitUntil(
      async () => (await reopened.get(d.id))!.fields['achieve']!.value === 'Mine, as the page closed',
      'the journal is merged',
    );
    expect((await reopened.get(d.id))!.fields['achieve']!.conflict).to.deep.include({ value: 'The teammate’s again' });
    // Typing begun with the conflict in view settles it, as choosing does.
    await reopened.foldEdits();
    await reopened.update(d.id, { achieve: 'Both, combined' }, { achieve: { rev: 1, sawConflict: true } });
    expect((await reopened.get(d.id))!.fields['achieve']!.conflict).to.equal(null);
  });

  it('merges edits journalled as a page closed when it next opens, unless a later edit exists', async () => {
    const name = freshDbName('journal');
    const first = await store(name);
    const d = await first.create(WORKSHEET, { title: 'Closing fast' });
    const told: LocalChange[] = [];
    first.onLocalChange((change) => told.push(change));
    expect(first.journal(d.id, { achieve: 'saved on the way out', audience: 'older than the edit below' })).to.equal(
      true,
    );
    // At once: a closing page may not live another task, and the tell is what asks for Background Sync.
    expect(told).to.deep.equal([{ draftId: d.id, fields: ['achieve', 'audience'], kind: 'update', step: 'edited' }]);
    await new Promise((r) => setTimeout(r, 5));
    await first.update(d.id, { audience: 'typed later in another tab' });
    first.close();
    const reopened = await store(name);
    const saved = (await reopened.get(d.id))!;
    expect(saved.fields['achieve']!.value).to.equal('saved on the way out');
    expect(saved.fields['audience']!.value).to.equal('typed later in another tab');
    const outbox = await reopened.outbox();
    // Queued with the other tab's edit, which was not yet folded in when that tab closed.
    expect(outbox.at(-1)!.fields).to.deep.equal(['achieve', 'audience'], 'the merged edit is queued for sync');
    reopened.close();
    const again = await store(name);
    expect((await again.outbox()).length).to.equal(outbox.length, 'the journal is applied once');
  });

  // Only the service worker closes stores today; a write that reached one after would otherwise
  // open a connection nobody closes, which a deletion of the database (leaving a team, a browser's
  // "clear site data") then made open again at once, bringing back an empty database.
  it('stays closed: a write on a closed store fails, and opens no connection again', async () => {
    const name = freshDbName('closed');
    const s = await openStore(name);
    s.close();
    let failed: unknown;
    await s.create(WORKSHEET, { title: 'Too late' }).catch((error: unknown) => (failed = error));
    expect(failed).to.be.instanceOf(StorageWriteError);
    await new Promise<void>((resolve, reject) => {
      const deletion = indexedDB.deleteDatabase(name);
      deletion.onsuccess = () => resolve();
      deletion.onerror = () => reject(deletion.error);
    });
    // Requests to one database run in order: a connection the store opened again after the
    // deletion would have made the database anew before this one is answered.
    const oldVersion = await new Promise<number>((resolve, reject) => {
      const open = indexedDB.open(name);
      let seen = -1;
      open.onupgradeneeded = (event) => (seen = event.oldVersion);
      open.onsuccess = () => {
        open.result.close();
        resolve(seen === -1 ? open.result.version : seen);
      };
      open.onerror = () => reject(open.error);
    });
    expect(oldVersion).to.equal(0, 'the database stays deleted');
  });

  it('tells its listeners nothing when it opens with no rescued edit to merge', async () => {
    const name = freshDbName('rescue-none');
    const first = await store(name);
    await first.create(WORKSHEET, { title: 'Nothing to merge' });
    const heard: (readonly DraftChange[])[] = [];
    const reopened = await store(name);
    reopened.onChange((changes) => heard.push(changes));
    // Past the idle moment at which rescued edits are looked for.
    await new Promise((r) => requestIdleCallback(() => setTimeout(r, 50)));
    expect(heard).to.deep.equal([]);
  });

  it('drops a page’s rescued copy of its edits once they are saved, so a long day of app switches does not fill it', async () => {
    const name = freshDbName('rescue-saved');
    const s = await store(name);
    const d = await s.create(WORKSHEET, { title: 'Hidden and shown all day' });
    const rescued = (): number => Object.keys(localStorage).filter((key) => key.startsWith(`${name}:unsaved:`)).length;
    s.journal(d.id, { achieve: 'typed before switching apps', audience: 'and this' });
    s.journal(d.id, { achieve: 'typed before switching apps again' });
    expect(rescued()).to.equal(2);
    await s.update(d.id, { achieve: 'typed before switching apps again' });
    expect(rescued(), 'the first copy still holds an unsaved answer').to.equal(1);
    await s.update(d.id, { audience: 'and this' });
    expect(rescued()).to.equal(0);
    // A save begun before the copy was made holds an older value: the copy stays.
    const inFlight = s.update(d.id, { achieve: 'older, being saved' });
    s.journal(d.id, { achieve: 'newer, typed as the page was hidden' });
    await inFlight;
    expect(rescued()).to.equal(1);
  });

  it('merges nothing a draft already holds: a save under way as the page closed, which finished after all', async () => {
    const name = freshDbName('journal-same');
    const first = await store(name);
    const d = await first.create(WORKSHEET, { title: 'Saved twice over' });
    const saving = first.update(d.id, { achieve: 'under way as the page closed' });
    first.journal(d.id, { achieve: 'under way as the page closed' });
    await saving;
    const queued = (await first.outbox()).length;
    first.close();
    const reopened = await store(name);
    await new Promise((r) => requestIdleCallback(() => setTimeout(r, 50)));
    expect((await reopened.outbox()).length, 'no change queued again for the same answer').to.equal(queued);
  });

  it('upgrades a version-1 database with drafts, losing nothing', async () => {
    const name = freshDbName('migrate');
    const v1 = await openKitDbAtVersion(name, 1);
    const old = {
      id: crypto.randomUUID(),
      worksheetId: 'engagement-strategy',
      worksheetVersion: 1,
      createdAt: 1,
      updatedAt: 2,
      fields: { title: { value: 'Made by version 1', changedAt: 2, changedBy: 'old-device' } },
      deletedAt: null,
    };
    await v1.put('drafts', old);
    v1.close();
    const s = await store(name);
    expect(await s.get(old.id)).to.deep.equal(old);
    expect((await s.list()).map((d) => d.id)).to.deep.equal([old.id]);
    const db = await openKitDb({ name });
    expect(db.version).to.equal(DB_VERSION);
    expect([...db.objectStoreNames].sort()).to.deep.equal(['drafts', 'edits', 'journal', 'meta', 'outbox']);
    db.close();
  });

  it('upgrades a database with a full outbox, losing no queued change', async () => {
    const name = freshDbName('outbox-upgrade');
    const v2 = await openKitDbAtVersion(name, 2);
    const draft = {
      id: crypto.randomUUID(),
      worksheetId: 'engagement-strategy',
      worksheetVersion: 1,
      createdAt: 1,
      updatedAt: 2,
      fields: { achieve: { value: 'queued offline', changedAt: 2, changedBy: 'old-device' } },
      deletedAt: null,
    };
    await v2.put('drafts', draft);
    for (let i = 0; i < 250; i += 1)
      await v2.add('outbox', { draftId: draft.id, kind: 'update', fields: ['achieve'], at: i });
    v2.close();
    const s = await store(name);
    const outbox = await s.outbox();
    expect(outbox).to.have.length(250);
    expect(outbox.map((e) => e.at)).to.deep.equal(
      Array.from({ length: 250 }, (_, i) => i),
      'in the same order',
    );
    expect(await s.get(draft.id)).to.deep.equal(draft);
  });

  it('upgrades a version-3 outbox so the changes the server refused are still found', async () => {
    const name = freshDbName('refused-upgrade');
    const v3 = await openKitDbAtVersion(name, 3);
    const draftId = crypto.randomUUID();
    await v3.add('outbox', { draftId, kind: 'create', fields: ['title'], at: 1 });
    await v3.add('outbox', {
      draftId,
      kind: 'update',
      fields: ['achieve'],
      at: 2,
      rejected: 'Refused before the upgrade.',
    });
    await v3.add('outbox', { draftId, kind: 'update', fields: ['achieve'], at: 3 });
    v3.close();
    const s = await store(name);
    const status = await s.outboxStatus();
    expect(status.waiting).to.equal(2);
    expect(status.rejected.map((e) => [e.at, e.rejected])).to.deep.equal([[2, 'Refused before the upgrade.']]);
    expect([...(await s.draftsWithQueuedChanges())]).to.deep.equal([draftId]);
    expect(await s.outbox()).to.have.length(3, 'no queued change lost');
  });

  it('takes its team in again after the server went back in time: what it lost queued again, in one transaction a page', async () => {
    const s = await store();
    const kept = await sharedDraft(s);
    await s.applyRemote([teamDraft(kept.id, 150, 'Typed after the backup')], { key: SYNC_META.cursor, value: 150 });
    const gone = await sharedDraft(s);
    const before = (await s.outbox()).length;

    // The restored server: the aim as before the backup (revision 90, the history begun at 100),
    // and no copy of the second draft at all.
    await s.rebase([teamDraft(kept.id, 90, 'Before the backup')], 100);
    const rebased = (await s.get(kept.id))!;
    expect(rebased.fields['achieve']).to.include({ value: 'Typed after the backup', rev: 90 });
    expect(rebased.rev).to.equal(90);
    const queued = (await s.outbox()).slice(before);
    expect(queued.map((e) => [e.draftId, e.kind, e.fields])).to.deep.equal([[kept.id, 'update', ['achieve']]]);

    expect(await s.rebased(new Set([kept.id]), { [SYNC_META.cursor]: '90', [SYNC_META.history]: 'h2' })).to.equal(1);
    const lost = (await s.get(gone.id))!;
    expect(lost.rev).to.equal(undefined);
    expect(lost.fields['title']!.rev).to.equal(undefined);
    expect((await s.outbox()).at(-1)).to.include({ draftId: gone.id, kind: 'create' });
    expect(await s.meta(SYNC_META.history)).to.equal('h2');
    expect(await s.meta(SYNC_META.cursor)).to.equal('90');
  });

  it('keeps saving when a newer version of the kit has upgraded the database under it', async () => {
    const name = freshDbName('newer');
    const s = await store(name);
    const d = await s.create(WORKSHEET, { title: 'Open in an old tab' });
    // Another tab, running a later version, upgrades: migrations only add, so it adds a store.
    const newer = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, DB_VERSION + 1);
      request.onupgradeneeded = () => request.result.createObjectStore('added-later');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    // This tab's connection was closed for the upgrade; its next write opens the newer database.
    await s.update(d.id, { achieve: 'typed after the upgrade' });
    expect((await s.get(d.id))!.fields['achieve']!.value).to.equal('typed after the upgrade');
    expect((await s.outboxStatus()).waiting).to.equal(2, 'the create and the edit, both queued');
    newer.close();
    const db = await openKitDb({ name });
    expect(db.version).to.equal(DB_VERSION + 1, 'opened as it is, not downgraded');
    expect((await db.get('edits', [d.id, 'achieve']))!.value).to.equal('typed after the upgrade');
    db.close();
  });

  it('reopens after the browser closes the connection mid-session, losing nothing', async () => {
    const s = await store();
    const d = await s.create(WORKSHEET, { title: 'Connection lost' });
    // What the browser does when it clears storage or another tab upgrades: the connection closes.
    s['_connection']!.close();
    let error: unknown;
    try {
      await s.update(d.id, { achieve: 'typed while the connection was gone' });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(StorageWriteError);
    expect((error as StorageWriteError).kind).to.equal('unavailable');
    // The caller (autosave) keeps the edit and tries again; the store has reopened by then.
    await s.update(d.id, { achieve: 'typed while the connection was gone' });
    expect((await s.get(d.id))!.fields['achieve']!.value).to.equal('typed while the connection was gone');
    expect((await s.get(d.id))!.fields['title']!.value).to.equal('Connection lost');
  });

  it('times out an open that never answers, then opens once the blocker lets go', async () => {
    const name = freshDbName('blocked');
    (await openKitDbAtVersion(name, 1)).close();
    // A connection that ignores `versionchange` makes the upgrade to version 2 wait for ever.
    const blocker = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name, 1);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    let error: unknown;
    try {
      await openKitDb({ name, timeoutMs: 200, attempts: 1 });
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(DatabaseUnavailableError);
    expect((error as Error).message).to.contain('did not answer within 0.2 s');
    setTimeout(() => blocker.close(), 300);
    const db = await openKitDb({ name, timeoutMs: 250, attempts: 4 });
    expect(db.version).to.equal(DB_VERSION);
    db.close();
  });

  describe('when the device is out of space', () => {
    let freeDisk: (() => void) | undefined;
    afterEach(() => freeDisk?.());

    it('reports a quota error, stores nothing half-written, and succeeds once space returns', async () => {
      const s = await store();
      const d = await s.create(WORKSHEET, { title: 'Tight on space' });
      const before = await s.get(d.id);
      const outboxBefore = (await s.outbox()).length;
      freeDisk = fillDisk();
      let error: unknown;
      try {
        await s.update(d.id, { achieve: 'a long answer', audience: 'kept with it' });
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(StorageWriteError);
      expect((error as StorageWriteError).kind).to.equal('quota');
      expect((error as StorageWriteError).message).to.contain('out of storage space');
      expect(await s.get(d.id)).to.deep.equal(before, 'neither field was written');
      expect((await s.outbox()).length).to.equal(outboxBefore, 'no outbox entry for the failed change');

      freeDisk();
      await s.update(d.id, { achieve: 'a long answer', audience: 'kept with it' });
      expect((await s.get(d.id))!.fields['achieve']!.value).to.equal('a long answer');
      expect((await s.outbox()).length).to.equal(outboxBefore + 1);
    });

    // A real full disk lets a transaction's requests succeed and aborts it as it commits. The
    // helper once threw at the first write and let the rest commit: a discard's removal of its
    // change was then stored without what the discard owed the draft (a flaky test of Settings).
    it('discards nothing of a refused change on a full disk, and all of it once there is room', async () => {
      const s = await store();
      const draft = await s.create(WORKSHEET, { title: 'Refused' });
      const [refused] = await s.outbox();
      await s.acknowledge([refused!], [{ seq: refused!.seq!, status: 'rejected', reason: 'Not the team’s.', rev: 0 }]);
      freeDisk = fillDisk();
      let error: unknown;
      await s.discardRejected(refused!.seq!).catch((e: unknown) => (error = e));
      expect(error).to.be.instanceOf(StorageWriteError);
      expect((error as StorageWriteError).kind).to.equal('quota');
      freeDisk();
      expect((await s.outbox()).map((e) => e.seq)).to.deep.equal([refused!.seq], 'the refused change is still there');
      expect(await s.revertsPending()).to.deep.equal([]);
      await s.discardRejected(refused!.seq!);
      expect(await s.outbox()).to.deep.equal([]);
      expect(await s.revertsPending()).to.deep.equal([draft.id], 'the draft goes back to the team’s version');
    });

    it('keeps edits saved as a page closed on a full disk, and merges the latest of each once there is room', async () => {
      const name = freshDbName('rescue');
      const first = await store(name);
      const d = await first.create(WORKSHEET, { title: 'Closing on a full phone' });
      freeDisk = fillDisk();
      // Two closes (the page hidden, shown again, then closed), the second with the later words.
      first.journal(d.id, { achieve: 'typed as the phone filled up', audience: 'kept from the first close' });
      await new Promise((r) => setTimeout(r, 5));
      first.journal(d.id, { achieve: 'typed last, as the page closed' });
      first.close();

      const stillFull = await store(name);
      // The rescued edits are merged once the page is idle (off its first paint): let that try fail.
      await new Promise((r) => requestIdleCallback(() => setTimeout(r, 50)));
      expect((await stillFull.get(d.id))!.fields['achieve'], 'no room yet: nothing merged').to.equal(undefined);
      stillFull.close();
      freeDisk();

      const reopened = await store(name);
      await waitUntil(async () => (await reopened.get(d.id))!.fields['achieve'], 'merged once the page is idle');
      const saved = (await reopened.get(d.id))!;
      expect(saved.fields['achieve']!.value).to.equal('typed last, as the page closed');
      expect(saved.fields['audience']!.value).to.equal('kept from the first close');
      const outbox = await reopened.outbox();
      expect(outbox.at(-1)!.fields).to.deep.equal(['achieve', 'audience'], 'queued for sync');
      reopened.close();
      const again = await store(name);
      expect((await again.outbox()).length).to.equal(outbox.length, 'merged once');
      expect(
        Object.keys(localStorage).filter((key) => key.startsWith(name)),
        'no copy left behind',
      ).to.deep.equal([]);
    });

    it('keeps a teammate’s answer beside words typed over it unseen, saved as a page closed on a full disk', async () => {
      const name = freshDbName('rescue-typed');
      const first = await store(name);
      const d = await sharedDraft(first);
      // A teammate's answer at revision 2 on screen as the typing began; another, at 3, pulled during it.
      await first.applyRemote([teamDraft(d.id, 2, 'The teammate’s')]);
      await first.applyRemote([teamDraft(d.id, 3, 'The teammate’s, changed')]);
      freeDisk = fillDisk();
      first.journal(d.id, { achieve: 'Mine, typed over it' }, { achieve: { rev: 2, sawConflict: false } });
      first.close();
      freeDisk();

      const reopened = await store(name);
      await waitUntil(
        async () => (await reopened.get(d.id))!.fields['achieve']!.value === 'Mine, typed over it',
        'the rescued edit is merged',
      );
      const field = (await reopened.get(d.id))!.fields['achieve']!;
      expect(field.rev, 'it goes based on what the typist saw').to.equal(2);
      expect(field.conflict).to.deep.include({ value: 'The teammate’s, changed', changedBy: 'B' });
    });

    it('opens on a full disk with edits journalled as a page closed, and merges them at the first save with room', async () => {
      const name = freshDbName('journal-full');
      const first = await store(name);
      const d = await first.create(WORKSHEET, { title: 'Reopened on a full phone' });
      expect(first.journal(d.id, { achieve: 'saved on the way out' })).to.equal(true);
      await new Promise((r) => setTimeout(r, 5));
      first.close();

      freeDisk = fillDisk();
      const reopened = await store(name);
      expect((await reopened.get(d.id))!.fields['title']!.value, 'the drafts can still be read').to.equal(
        'Reopened on a full phone',
      );
      freeDisk();
      await reopened.update(d.id, { audience: 'the next edit, with room again' });
      await waitUntil(
        async () => (await reopened.get(d.id))!.fields['achieve']?.value === 'saved on the way out',
        'the waiting edit is merged',
      );
      expect((await reopened.get(d.id))!.fields['audience']!.value).to.equal('the next edit, with room again');
    });
  });
});
