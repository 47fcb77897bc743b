import { expect } from '@open-wc/testing';
import { newDraftId } from '../../../src/data/new-draft-id.js';
import type { Draft } from '../../../src/data/draft.js';
import { draftToJson, parseDraftExport } from '../../../src/export/draft-export.js';
import { PUSH_REQUEST_SCHEMA } from '../../../src/sync/protocol.js';
import { builtWorksheet } from '../support/built-worksheet.js';
import { timeOf, UUID_V7 } from '../support/uuid-v7.js';

describe('newDraftId', () => {
  it('is a version 7 UUID whose first 48 bits are the time it was made', () => {
    for (const now of [0, 1, 1_764_201_600_000, Date.now(), 2 ** 48 - 1]) {
      const id = newDraftId(now);
      expect(id, String(now)).to.match(UUID_V7);
      expect(timeOf(id), id).to.equal(now);
    }
    const before = Date.now();
    const id = newDraftId();
    expect(timeOf(id)).to.be.within(before, Date.now());
  });

  it('sorts as the times it was made do, across the digits that carry over', () => {
    const times = [1, 255, 256, 65_535, 65_536, 1_764_201_599_999, 1_764_201_600_000, 1_764_201_600_001, 2 ** 44];
    const ids = times.map((t) => newDraftId(t));
    expect([...ids].sort()).to.deep.equal(ids);
  });

  it('never repeats, even when many are made in the same millisecond', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => newDraftId(now)));
    expect(ids.size).to.equal(10_000);
    // The random part is random: its last hex digit takes every value in 10,000 ids.
    const digits = new Set([...ids].map((id) => id.slice(-1)));
    expect(digits.size).to.equal(16);
  });

  it('is accepted wherever a draft id is checked: the sync protocol and an exported file', async () => {
    const id = newDraftId();
    expect(id).to.match(new RegExp(PUSH_REQUEST_SCHEMA.properties.mutations.items.properties.draftId.pattern));
    const draft: Draft = {
      id,
      worksheetId: 'engagement-strategy',
      worksheetVersion: 1,
      createdAt: timeOf(id),
      updatedAt: timeOf(id),
      fields: { title: { value: 'Made with a new id', changedAt: timeOf(id), changedBy: 'd' } },
      deletedAt: null,
    };
    expect(parseDraftExport(draftToJson(draft), await builtWorksheet()).id).to.equal(id);
  });
});
