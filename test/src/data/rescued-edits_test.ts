import { expect } from '@open-wc/testing';
import { RescuedEdits } from '../../../src/data/rescued-edits.js';
import { freshDbName } from '../support/fresh-db.js';

describe('RescuedEdits', () => {
  const names: string[] = [];
  function rescued(): { edits: RescuedEdits; name: string } {
    const name = freshDbName('rescued');
    names.push(name);
    return { edits: RescuedEdits.forDatabase(name)!, name };
  }
  afterEach(() => {
    for (const name of names.splice(0)) RescuedEdits.forDatabase(name)!.clear();
  });

  it('keeps each close’s edits under a key of its own, for its database only', () => {
    const { edits } = rescued();
    const other = rescued().edits;
    expect(edits.keep('draft-1', { achieve: 'first tab' }, 10)).to.be.a('string');
    expect(edits.keep('draft-1', { achieve: 'second tab, closed in the same moment' }, 10)).to.be.a('string');
    other.keep('draft-2', { title: 'another database' }, 11);
    const all = edits.all();
    expect(all.map(({ draftId, fields, at }) => ({ draftId, fields, at }))).to.have.deep.members([
      { draftId: 'draft-1', fields: { achieve: 'first tab' }, at: 10 },
      { draftId: 'draft-1', fields: { achieve: 'second tab, closed in the same moment' }, at: 10 },
    ]);
    edits.drop([all[0]!.key]);
    expect(edits.all()).to.have.length(1);
    expect(other.all()).to.have.length(1, 'another database’s edits are its own');
  });

  it('drops an entry it cannot read back, and keeps the others', () => {
    const { edits, name } = rescued();
    edits.keep('draft-1', { achieve: 'readable' }, 10);
    localStorage.setItem(`${name}:unsaved:cut-short`, '{"draftId":"draft-1","fie');
    localStorage.setItem(`${name}:unsaved:not-an-answer`, JSON.stringify({ draftId: 'd', fields: { a: 1 }, at: 1 }));
    localStorage.setItem(`${name}:unsaved:no-time`, JSON.stringify({ draftId: 'd', fields: {} }));
    expect(edits.all().map((entry) => entry.fields)).to.deep.equal([{ achieve: 'readable' }]);
    expect(Object.keys(localStorage).filter((key) => key.startsWith(name))).to.have.length(1);
  });

  it('keeps where each answer’s typing began, and the words of one whose record of it is garbled', () => {
    const { edits, name } = rescued();
    edits.keep('draft-1', { achieve: 'typed over revision 4', audience: 'chosen' }, 10, {
      achieve: { rev: 4, sawConflict: false },
    });
    localStorage.setItem(
      `${name}:unsaved:garbled`,
      JSON.stringify({
        draftId: 'draft-2',
        fields: { achieve: 'kept', audience: 'kept too' },
        at: 11,
        typed: { achieve: { rev: 'four' }, audience: { rev: 2, sawConflict: true } },
      }),
    );
    const byDraft = new Map(edits.all().map((entry) => [entry.draftId, entry]));
    expect(byDraft.get('draft-1')!.typed).to.deep.equal({ achieve: { rev: 4, sawConflict: false } });
    expect(byDraft.get('draft-2')!.fields).to.deep.equal({ achieve: 'kept', audience: 'kept too' });
    expect(byDraft.get('draft-2')!.typed).to.deep.equal({ audience: { rev: 2, sawConflict: true } });
  });

  it('says so, and throws nothing, when localStorage is full as well', () => {
    const { edits } = rescued();
    const { setItem } = Storage.prototype;
    Storage.prototype.setItem = function full(): void {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    try {
      expect(edits.keep('draft-1', { achieve: 'nowhere to go' }, 10)).to.equal(null);
    } finally {
      Storage.prototype.setItem = setItem;
    }
    expect(edits.all()).to.deep.equal([]);
  });
});
