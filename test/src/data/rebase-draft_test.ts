import { expect } from '@open-wc/testing';
import type { Draft, DraftField, OutboxEntry } from '../../../src/data/draft.js';
import { rebaseDraft, unsynced } from '../../../src/data/rebase-draft.js';
import type { ServerDraft, ServerField } from '../../../src/sync/protocol.js';

const ME = 'device-me';

/** A field as held here: its value, when, by whom, and the revision of the lost history it held. */
function held(value: string, changedAt: number, rev = 900, changedBy = ME): DraftField {
  return { value, changedAt, changedBy, rev, conflict: null };
}

function server(value: string, changedAt: number, rev: number, changedBy = 'Sam’s phone'): ServerField {
  return { value, changedAt, changedBy, rev, conflict: null };
}

function local(fields: Record<string, DraftField>, deletedAt: number | null = null): Draft {
  const updatedAt = Math.max(deletedAt ?? 0, ...Object.values(fields).map((f) => f.changedAt));
  return { id: 'd1', worksheetId: 'ws', worksheetVersion: 1, createdAt: 1, updatedAt, fields, deletedAt, rev: 950 };
}

function remote(fields: Record<string, ServerField>, rev: number, deletedAt: number | null = null): ServerDraft {
  return { id: 'd1', worksheetId: 'ws', worksheetVersion: 1, createdAt: 1, rev, deletedAt, note: null, fields };
}

const queued = (kind: OutboxEntry['kind'], fields: string[] = []): OutboxEntry => ({
  draftId: 'd1',
  kind,
  fields,
  at: 1,
});
const notOwn = (): boolean => false;

describe('rebaseDraft (a server gone back in time)', () => {
  it('keeps a value changed here after the server’s, and sends it again based on the server’s revision', () => {
    const { draft, resend, taken } = rebaseDraft(
      local({ achieve: held('Later, lost by the server', 50) }),
      remote({ achieve: server('Earlier', 40, 7) }, 7),
      [],
      notOwn,
    );
    expect(draft.fields['achieve']).to.include({ value: 'Later, lost by the server', rev: 7 });
    expect(resend).to.deep.equal(['achieve']);
    expect(taken).to.deep.equal([]);
    expect(draft.rev, 'the draft’s revision is the server’s').to.equal(7);
  });

  it('takes the server’s value when it is the later, and every revision from the server', () => {
    const { draft, resend, taken } = rebaseDraft(
      local({ achieve: held('Earlier here', 30), audience: held('Same', 20) }),
      remote({ achieve: server('Later on the server', 40, 9), audience: server('Same', 20, 3) }, 9),
      [],
      notOwn,
    );
    expect(draft.fields['achieve']).to.include({ value: 'Later on the server', rev: 9, changedBy: 'Sam’s phone' });
    expect(draft.fields['audience']).to.include({ value: 'Same', rev: 3 });
    expect(resend).to.deep.equal([]);
    expect(taken).to.have.members(['achieve', 'audience']);
  });

  it('sends a change waiting here that is older than the server’s as made without seeing it: it meets it as a conflict', () => {
    const { draft, resend } = rebaseDraft(
      local({ achieve: held('Typed here, earlier', 30) }),
      remote({ achieve: server('A teammate’s, after the restore', 40, 12) }, 12),
      [queued('update', ['achieve'])],
      notOwn,
    );
    expect(draft.fields['achieve']).to.include({ value: 'Typed here, earlier', rev: 0 });
    expect(resend, 'already waiting').to.deep.equal([]);
  });

  it('sends again a field the server does not have, as new', () => {
    const { draft, resend } = rebaseDraft(
      local({ title: held('Hall', 10), timing: held('Added after the backup', 60) }),
      remote({ title: server('Hall', 10, 2) }, 2),
      [],
      notOwn,
    );
    expect(draft.fields['timing']).to.include({ value: 'Added after the backup', rev: 0 });
    expect(resend).to.deep.equal(['timing']);
  });

  it('deletes again a draft deleted here after the server’s last change, and restores one restored or edited here since its deletion', () => {
    const deleted = rebaseDraft(
      local({ title: held('Hall', 10) }, 70),
      remote({ title: server('Hall', 10, 2) }, 2),
      [],
      notOwn,
    );
    expect(deleted.lifecycle).to.equal('delete');
    expect(deleted.draft.deletedAt).to.equal(70);

    const keptByTeam = rebaseDraft(
      local({ title: held('Hall', 10) }, 70),
      remote({ title: server('Renamed by a teammate later', 80, 5) }, 5),
      [],
      notOwn,
    );
    expect(keptByTeam.lifecycle, 'a teammate’s later edit keeps the draft, as the server would').to.equal(undefined);
    expect(keptByTeam.draft.deletedAt).to.equal(null);

    const restored = rebaseDraft(
      local({ title: held('Hall', 90) }),
      remote({ title: server('Hall', 10, 4) }, 4, 50),
      [],
      notOwn,
    );
    expect(restored.lifecycle).to.equal('restore');
    expect(restored.draft.deletedAt).to.equal(null);
  });

  it('sends a deletion waiting here as based on nothing when a teammate edited the draft after it', () => {
    const { draft } = rebaseDraft(
      local({ title: held('Hall', 10) }, 70),
      remote({ title: server('Renamed later', 80, 5) }, 5),
      [queued('delete')],
      notOwn,
    );
    expect(draft.deletedAt).to.equal(70);
    expect(draft.rev).to.equal(0);
  });

  it('settles again a conflict settled here after the server’s copy, choosing the value the server kept', () => {
    const open = { value: 'A teammate’s', changedAt: 35, changedBy: 'Sam’s phone' };
    const { draft, resend } = rebaseDraft(
      local({ achieve: held('Kept', 50) }),
      remote({ achieve: { ...server('Kept', 40, 8), conflict: open } }, 8),
      [],
      notOwn,
    );
    expect(draft.fields['achieve']).to.include({ value: 'Kept', rev: 8, conflict: null });
    expect(resend, 'sent again, it settles the conflict on the server too').to.deep.equal(['achieve']);
  });

  describe('with the revision the history began at: revisions decide, whatever the clocks', () => {
    const FROM = 100;

    it('keeps a value given after the backup even when its clock was behind the server’s value', () => {
      const { draft, resend } = rebaseDraft(
        local({ achieve: held('After the backup, on a slow clock', 10, 150) }),
        remote({ achieve: server('Before the backup', 40, 90) }, 90),
        [],
        notOwn,
        FROM,
      );
      expect(draft.fields['achieve']).to.include({ value: 'After the backup, on a slow clock', rev: 90 });
      expect(resend).to.deep.equal(['achieve']);
    });

    it('sends a value changed on both sides since the backup as a conflict, not over the server’s', () => {
      const { draft, resend } = rebaseDraft(
        local({ achieve: held('Here, before the restore', 60, 150) }),
        remote({ achieve: server('A teammate’s, since the restore', 50, 120) }, 120),
        [],
        notOwn,
        FROM,
      );
      expect(draft.fields['achieve']).to.include({ value: 'Here, before the restore', rev: 0 });
      expect(resend).to.deep.equal(['achieve']);
    });

    it('takes the server’s newer revision over a stale value here, even one stamped later by a fast clock', () => {
      const { draft, resend } = rebaseDraft(
        local({ achieve: held('Stale, stamped late', 90, 30, 'Sam’s phone') }),
        remote({ achieve: server('Newer', 40, 60) }, 60),
        [],
        notOwn,
        FROM,
      );
      expect(draft.fields['achieve']).to.include({ value: 'Newer', rev: 60 });
      expect(resend).to.deep.equal([]);
    });

    it('keeps a change waiting on a revision the server shares based on it, and an edit taken in a conflict, then lost', () => {
      const waiting = rebaseDraft(
        local({ achieve: held('Typed on 30', 20, 30) }),
        remote({ achieve: server('Changed at 60', 40, 60) }, 60),
        [queued('update', ['achieve'])],
        notOwn,
        FROM,
      );
      expect(waiting.draft.fields['achieve']).to.include({ value: 'Typed on 30', rev: 30 });
      const kept = rebaseDraft(
        local({ achieve: held('Edited on 30, its revision kept', 10, 30) }),
        remote({ achieve: server('As at 30', 40, 30) }, 30),
        [],
        notOwn,
        FROM,
      );
      expect(kept.draft.fields['achieve']).to.include({ value: 'Edited on 30, its revision kept', rev: 30 });
      expect(kept.resend).to.deep.equal(['achieve']);
    });
  });

  it('keeps this device’s own change under its own id', () => {
    const { draft } = rebaseDraft(
      local({ achieve: held('Mine', 30) }),
      remote({ achieve: server('Mine', 30, 6, 'My phone') }, 6),
      [],
      (mine, theirs) => mine?.changedAt === theirs.changedAt,
    );
    expect(draft.fields['achieve']).to.include({ changedBy: ME, rev: 6 });
  });

  it('takes a draft new to this device as the server has it', () => {
    const { draft, resend, lifecycle } = rebaseDraft(undefined, remote({ title: server('New', 10, 3) }, 3), [], notOwn);
    expect(draft.fields['title']).to.include({ value: 'New', rev: 3 });
    expect(draft.updatedAt).to.equal(10);
    expect(resend).to.deep.equal([]);
    expect(lifecycle).to.equal(undefined);
  });

  it('makes a draft the server lost new again: no revision of the lost history is left', () => {
    const draft = unsynced(local({ title: held('Hillside', 10) }));
    expect(draft.rev).to.equal(undefined);
    expect(draft.fields['title']!.rev).to.equal(undefined);
    expect(draft.fields['title']!.value).to.equal('Hillside');
  });
});
