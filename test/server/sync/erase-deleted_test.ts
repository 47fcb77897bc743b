import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DELETED_KEEP_DAYS, ERASED_REASON, eraseDeleted } from '../../../server/sync/erase-deleted.js';
import type { Mutation, PullResponse, ServerDraft } from '../../../src/sync/protocol.js';
import { newDraftMutation } from '../../support/new-draft-mutation.js';
import { syncApiClient } from '../../support/sync-api-client.js';
import { EngineHost, type SyncServer } from '../../support/sync-server.js';

const KEEP_MS = DELETED_KEEP_DAYS * 24 * 60 * 60 * 1000;
/** Once the keeping period of a draft deleted now is over. */
const later = (): number => Date.now() + KEEP_MS + 60_000;
const WS = { worksheetId: 'engagement-strategy', worksheetVersion: 1 } as const;

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`erasing deleted drafts on ${engine}`, () => {
    const host = new EngineHost(engine);
    let server: SyncServer;
    let teamCode: string;

    before(async () => {
      server = await host.server();
      teamCode = (await server.store.createTeam('Erasing team')).code;
    });
    after(async () => {
      await server?.close();
      await host.stop();
    });

    const api = syncApiClient(() => server);

    async function pullAll(token: string): Promise<Map<string, ServerDraft>> {
      const drafts = new Map<string, ServerDraft>();
      let since = 0;
      for (;;) {
        const res = await server.app.inject({
          url: `/api/pull?since=${since}&limit=500`,
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(res.statusCode, 200, res.body);
        const page = res.json<PullResponse>();
        for (const d of page.drafts) drafts.set(d.id, d);
        since = page.cursor;
        if (!page.more) return drafts;
      }
    }

    /** What the database holds of a draft's answers: the erasing must leave none of them anywhere. */
    async function storedFields(draftId: string): Promise<number> {
      const rows = await server.db.selectFrom('draft_fields').select('key').where('draft_id', '=', draftId).execute();
      return rows.length;
    }

    const remove = (seq: number, draftId: string, baseRev: number): Mutation => ({
      seq,
      draftId,
      kind: 'delete',
      ...WS,
      createdAt: 1,
      baseRev,
      fields: {},
    });

    it('erases the answers of drafts deleted longer ago than it keeps them, and nothing else', async () => {
      const a = await api.join(teamCode, 'Erasing A');
      const gone = newDraftMutation(1, { title: 'Hall meeting', purpose: 'Mrs Lee’s phone number is 0400 000 000' });
      const kept = newDraftMutation(2, { title: 'Kept', purpose: 'still here' });
      const recent = newDraftMutation(3, { title: 'Deleted today', purpose: 'still restorable' });
      const created = await api.push(a.token, [gone, kept, recent]);
      // A teammate's conflicting value is an answer too: it must go with the rest.
      const b = await api.join(teamCode, 'Erasing B');
      const [conflicted] = await api.push(b.token, [
        { ...gone, seq: 1, fields: { purpose: { value: 'B’s version', baseRev: 0, changedAt: 99 } } },
      ]);
      assert.equal(conflicted!.status, 'conflict');
      await api.push(a.token, [remove(4, gone.draftId, conflicted!.rev)]);

      await api.push(a.token, [remove(5, recent.draftId, created[2]!.rev)]);
      assert.equal(await eraseDeleted(server.db), 0, 'nothing within the keeping period');
      assert.equal(await storedFields(gone.draftId), 2);

      // The first was deleted a keeping period and a minute ago; the other just now.
      await server.db
        .updateTable('drafts')
        .set((eb) => ({ deleted_at: eb('deleted_at', '-', KEEP_MS + 60_000) }))
        .where('id', '=', gone.draftId)
        .execute();
      assert.equal(await eraseDeleted(server.db), 1);
      assert.equal(await storedFields(gone.draftId), 0, 'no answer, no conflict of it left');
      assert.equal(await storedFields(kept.draftId), 2);
      assert.equal(await storedFields(recent.draftId), 2);
      assert.equal(await eraseDeleted(server.db), 0, 'erased once');

      // A device joining now learns the draft was deleted, and nothing of what it said.
      const c = await api.join(teamCode, 'Erasing C');
      const pulled = await pullAll(c.token);
      const erased = pulled.get(gone.draftId)!;
      assert.ok(erased.deletedAt !== null);
      assert.deepEqual(erased.fields, {});
      assert.equal(erased.note, null);
      assert.equal(pulled.get(kept.draftId)!.fields['purpose']!.value, 'still here');
      assert.equal(pulled.get(recent.draftId)!.fields['purpose']!.value, 'still restorable');
    });

    it('refuses to restore or edit an erased draft, with a reason a person can act on, and changes nothing', async () => {
      const a = await api.join(teamCode, 'Restoring A');
      const draft = newDraftMutation(1, { title: 'Old consultation' });
      const [made] = await api.push(a.token, [draft]);
      await api.push(a.token, [remove(2, draft.draftId, made!.rev)]);
      await eraseDeleted(server.db, { now: later() });
      const before = (await pullAll(a.token)).get(draft.draftId)!;

      const results = await api.push(a.token, [
        { seq: 3, draftId: draft.draftId, kind: 'restore', ...WS, createdAt: 1, baseRev: before.rev, fields: {} },
        {
          ...draft,
          seq: 4,
          kind: 'upsert',
          fields: { title: { value: 'Edited offline', baseRev: made!.rev, changedAt: 5 } },
        },
      ]);
      assert.deepEqual(
        results.map((r) => [r.status, r.reason]),
        [
          ['rejected', ERASED_REASON],
          ['rejected', ERASED_REASON],
        ],
      );
      const after = (await pullAll(a.token)).get(draft.draftId)!;
      assert.deepEqual(after, before, 'still deleted, still without answers');
      assert.equal(await storedFields(draft.draftId), 0);
      // Deleting it again, from a device that had not heard, is harmless.
      const [again] = await api.push(a.token, [remove(5, draft.draftId, 0)]);
      assert.equal(again!.status, 'applied');
    });

    it('erases a team’s many deleted drafts a part at a time', async () => {
      const a = await api.join(teamCode, 'Bulk A');
      const drafts = Array.from({ length: 700 }, (_, i) => newDraftMutation(i + 1, { title: `Draft ${i}` }));
      const made = [
        ...(await api.push(a.token, drafts.slice(0, 350))),
        ...(await api.push(a.token, drafts.slice(350))),
      ];
      const removes = drafts.map((d, i) => remove(1_000 + i, d.draftId, made[i]!.rev));
      await api.push(a.token, removes.slice(0, 350));
      await api.push(a.token, removes.slice(350));
      assert.equal(await eraseDeleted(server.db, { now: later() }), 700);
      const left = await server.db
        .selectFrom('draft_fields')
        .select('draft_id')
        .where(
          'draft_id',
          'in',
          drafts.map((d) => d.draftId),
        )
        .execute();
      assert.deepEqual(left, []);
    });
  });
}
