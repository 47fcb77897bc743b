import { expect, waitUntil } from '@open-wc/testing';
import type { Worksheet } from '../../../src/content/worksheet.js';
import type { Draft } from '../../../src/data/draft.js';
import {
  DUE_AHEAD_DAYS,
  type DraftNotice,
  RecentDraftsController,
  recentDrafts,
} from '../../../src/controllers/recent-drafts-controller.js';
import type { ServerDraft } from '../../../src/sync/protocol.js';
import { builtWorksheet } from '../support/built-worksheet.js';
import { ControllerHost } from '../support/controller-host.js';
import { openStore, WORKSHEET } from '../support/fresh-db.js';

/** A draft as the store lists it: its title, review date and any answer with two versions. */
function draft(title: string, { review = '', twoVersions = 0, updatedAt = 1 } = {}): Draft {
  const fields: Record<string, Draft['fields'][string]> = {
    title: { value: title, changedAt: updatedAt, changedBy: 'device' },
  };
  if (review) fields['review'] = { value: review, changedAt: updatedAt, changedBy: 'device' };
  for (let i = 0; i < twoVersions; i += 1)
    fields[`answer-${i}`] = {
      value: 'ours',
      changedAt: updatedAt,
      changedBy: 'device',
      conflict: { value: 'theirs', changedAt: updatedAt, changedBy: 'Sam’s tablet' },
    };
  return {
    id: crypto.randomUUID(),
    worksheetId: WORKSHEET.id,
    worksheetVersion: WORKSHEET.version,
    createdAt: 1,
    updatedAt,
    fields,
    deletedAt: null,
  };
}

describe('recentDrafts', () => {
  let worksheet: Worksheet;
  before(async () => {
    worksheet = await builtWorksheet();
  });

  it('names the draft changed last, then answers with two versions, then reviews due within the week, soonest first', () => {
    const today = '2026-11-28';
    const drafts = [
      draft('Latest', { updatedAt: 9 }),
      draft('Due in a week', { review: '2026-12-05' }),
      draft('Due in eight days', { review: '2026-12-06' }),
      draft('Overdue', { review: '2026-10-01' }),
      draft('Due today', { review: today }),
      draft('Two answers disputed', { twoVersions: 2 }),
      draft('One answer disputed', { twoVersions: 1, review: '2026-11-29' }),
    ];
    const recent = recentDrafts(drafts, worksheet, today);
    expect(recent.latest).to.deep.equal({ id: drafts[0]!.id, title: 'Latest', updatedAt: 9 });
    const reasons = (n: DraftNotice) => n.reasons.map((r) => `${r.text}${r.urgent ? ' (urgent)' : ''}`);
    expect(recent.notices.map((n) => [n.title, ...reasons(n)])).to.deep.equal([
      ['Two answers disputed', '2 answers have two versions: choose which to keep (urgent)'],
      // Named once, with both reasons: twice would take the place of another draft among five.
      [
        'One answer disputed',
        'An answer has two versions: choose which to keep (urgent)',
        'Review due 29 November 2026',
      ],
      ['Overdue', 'Review overdue: due 1 October 2026 (urgent)'],
      ['Due today', 'Review due today (urgent)'],
      ['Due in a week', 'Review due 5 December 2026'],
    ]);
    expect(DUE_AHEAD_DAYS).to.equal(7);
  });

  it('names first the drafts with a change the team’s server refused: it reaches no teammate until the user acts', () => {
    const drafts = [
      draft('Disputed', { twoVersions: 1 }),
      draft('Due today', { review: '2026-11-28' }),
      draft('Refused twice, and due', { review: '2026-12-01' }),
      draft('Refused once'),
    ];
    const refused = new Map([
      [drafts[2]!.id, 2],
      [drafts[3]!.id, 1],
    ]);
    const recent = recentDrafts(drafts, worksheet, '2026-11-28', refused);
    expect(recent.notices.map((n) => [n.title, ...n.reasons.map((r) => r.text)])).to.deep.equal([
      [
        'Refused twice, and due',
        'The team’s server refused 2 changes: open it to see why',
        'Review due 1 December 2026',
      ],
      ['Refused once', 'The team’s server refused a change: open it to see why'],
      ['Disputed', 'An answer has two versions: choose which to keep'],
      ['Due today', 'Review due today'],
    ]);
    expect(recent.notices[0]!.reasons.map((r) => r.urgent)).to.deep.equal([true, false]);
  });

  it('names with them the drafts whose changes the sync held back, and why', () => {
    const drafts = [
      draft('Disputed', { twoVersions: 1 }),
      draft('Council website'),
      draft('Long plan', { review: '2026-11-28' }),
      draft('Refused once'),
    ];
    const recent = recentDrafts(
      drafts,
      worksheet,
      '2026-11-28',
      new Map([[drafts[3]!.id, 1]]),
      new Map([
        [drafts[1]!.id, 'blocked'],
        [drafts[2]!.id, 'too-large'],
      ]),
    );
    expect(
      recent.notices.map((n) => [n.title, ...n.reasons.map((r) => `${r.text}${r.urgent ? ' (urgent)' : ''}`)]),
    ).to.deep.equal([
      [
        'Council website',
        'Refused on the way to the team’s server for some of its words: take out any code pasted into an answer, or tell whoever runs the server (urgent)',
      ],
      [
        'Long plan',
        'Too large to send to the team’s server: shorten its longest answer, or ask whoever runs the server to allow larger requests (urgent)',
        'Review due today (urgent)',
      ],
      ['Refused once', 'The team’s server refused a change: open it to see why (urgent)'],
      ['Disputed', 'An answer has two versions: choose which to keep (urgent)'],
    ]);
  });

  it('counts the week in calendar days across a month’s and a year’s end', () => {
    const recent = recentDrafts(
      [draft('In', { review: '2027-01-07' }), draft('Out', { review: '2027-01-08' })],
      worksheet,
      '2026-12-31',
    );
    expect(recent.notices.map((n) => n.title)).to.deep.equal(['In']);
  });

  it('says nothing of drafts when there are none', () => {
    expect(recentDrafts([], worksheet, '2026-11-28')).to.deep.equal({ latest: null, notices: [] });
  });
});

/** A teammate's draft as a sync brings it. */
function fromTeam(title: string, at: number): ServerDraft {
  return {
    id: crypto.randomUUID(),
    worksheetId: WORKSHEET.id,
    worksheetVersion: WORKSHEET.version,
    createdAt: at,
    rev: 3,
    deletedAt: null,
    note: null,
    fields: { title: { value: title, rev: 3, changedAt: at, changedBy: 'Sam’s tablet', conflict: null } },
  };
}

describe('RecentDraftsController', () => {
  it('reads the drafts while shown and as they change, and stops reading once hidden', async () => {
    const store = await openStore();
    const worksheet = await builtWorksheet();
    const first = await store.create(WORKSHEET, { title: 'First' });
    let reads = 0;
    const list = store.list.bind(store);
    store.list = () => {
      reads += 1;
      return list();
    };
    const host = new ControllerHost();
    const controller = new RecentDraftsController(host, () =>
      Promise.resolve({ store, worksheet: () => Promise.resolve(worksheet) }),
    );
    expect(controller.value).to.equal(undefined);

    controller.show(true);
    await waitUntil(() => controller.value?.latest?.id === first.id, 'the draft is read as the page shows');
    // A sync's writes are heard of (this tab's own are made elsewhere than the start page).
    const second = fromTeam('From the team', Date.now() + 60_000);
    await store.applyRemote([second]);
    await waitUntil(() => controller.value?.latest?.id === second.id, 'a teammate’s draft is heard of');
    expect(host.updates).to.be.greaterThanOrEqual(2);

    controller.show(false);
    const before = reads;
    await store.applyRemote([fromTeam('Synced while hidden', Date.now() + 120_000)]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reads).to.equal(before, 'no reads while the start page is not shown');

    controller.show(true);
    await waitUntil(() => controller.value?.latest?.title === 'Synced while hidden', 'read again as it shows');
    store.close();
  });

  it('counts the changes the team’s server refused, as the store keeps them', async () => {
    const store = await openStore();
    const worksheet = await builtWorksheet();
    const draft = await store.create(WORKSHEET, { title: 'Refused here' });
    await store.update(draft.id, { achieve: 'Too much for the server' });
    await store.create(WORKSHEET, { title: 'Taken' });
    const entries = (await store.outbox()).filter((e) => e.draftId === draft.id);
    expect(entries).to.have.length(2);
    await store.acknowledge(
      entries,
      entries.map((e) => ({ seq: e.seq!, status: 'rejected' as const, reason: 'Not allowed.', rev: 0 })),
    );
    const controller = new RecentDraftsController(new ControllerHost(), () =>
      Promise.resolve({ store, worksheet: () => Promise.resolve(worksheet) }),
    );
    controller.show(true);
    await controller.ready;
    expect(controller.value?.notices.map((n) => [n.title, ...n.reasons.map((r) => r.text)])).to.deep.equal([
      ['Refused here', 'The team’s server refused 2 changes: open it to see why'],
    ]);
    store.close();
  });

  it('asks for no worksheet on a device with no drafts, and is ready once it has read them', async () => {
    const store = await openStore();
    let asked = 0;
    const controller = new RecentDraftsController(new ControllerHost(), () =>
      Promise.resolve({ store, worksheet: () => ((asked += 1), builtWorksheet()) }),
    );
    controller.show(true);
    await controller.ready;
    expect([controller.value, asked]).to.deep.equal([{ latest: null, notices: [] }, 0]);
    store.close();
  });

  it('shows nothing of the drafts when they cannot be read', async () => {
    const store = await openStore();
    const worksheet = await builtWorksheet();
    store.close();
    const host = new ControllerHost();
    const controller = new RecentDraftsController(host, () =>
      Promise.resolve({ store, worksheet: () => Promise.resolve(worksheet) }),
    );
    controller.show(true);
    await controller.ready;
    expect([controller.value, host.updates]).to.deep.equal([undefined, 1]);
  });
});
