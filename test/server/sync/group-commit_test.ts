import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GroupCommit } from '../../../server/sync/group-commit.js';

interface Item {
  readonly id: string;
  readonly size: number;
  readonly fails?: boolean;
}

/** A group commit whose transactions record the groups they were given and answer each id. */
function recorder(maxSize = 10, wait?: Promise<void>) {
  const groups: string[][] = [];
  const commit = new GroupCommit<Item, string>({
    run: async (items) => {
      groups.push(items.map((i) => i.id));
      await wait;
      if (items.some((i) => i.fails)) throw new Error(`bad item in ${items.map((i) => i.id).join(',')}`);
      return items.map((i) => `done ${i.id}`);
    },
    sizeOf: (item) => item.size,
    maxSize,
  });
  return { groups, commit };
}

describe('GroupCommit', () => {
  it('writes items that arrive together as one group, each with its own answer', async () => {
    const { groups, commit } = recorder();
    const answers = await Promise.all(['a', 'b', 'c'].map((id) => commit.submit('team', { id, size: 1 })));
    assert.deepEqual(answers, ['done a', 'done b', 'done c']);
    assert.deepEqual(groups, [['a', 'b', 'c']]);
  });

  it('puts items that arrive during a write into the next group, in arrival order', async () => {
    let release!: () => void;
    const { groups, commit } = recorder(10, new Promise<void>((r) => (release = r)));
    const first = commit.submit('team', { id: 'a', size: 1 });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(groups, [['a']], 'a lone item is written without waiting for company');
    const later = ['b', 'c', 'd'].map((id) => commit.submit('team', { id, size: 1 }));
    release();
    assert.deepEqual(await Promise.all([first, ...later]), ['done a', 'done b', 'done c', 'done d']);
    assert.deepEqual(groups, [['a'], ['b', 'c', 'd']]);
  });

  it('keeps a group within the size limit but never refuses an item larger than it', async () => {
    const { groups, commit } = recorder(5);
    await Promise.all(
      [
        { id: 'a', size: 3 },
        { id: 'b', size: 2 },
        { id: 'c', size: 1 },
        { id: 'big', size: 9 },
        { id: 'd', size: 1 },
      ].map((item) => commit.submit('team', item)),
    );
    assert.deepEqual(groups, [['a', 'b'], ['c'], ['big'], ['d']]);
  });

  it('keeps keys apart: one team’s items never share another team’s transaction', async () => {
    const { groups, commit } = recorder();
    await Promise.all([
      commit.submit('north', { id: 'n1', size: 1 }),
      commit.submit('south', { id: 's1', size: 1 }),
      commit.submit('north', { id: 'n2', size: 1 }),
    ]);
    assert.deepEqual(groups.sort(), [['n1', 'n2'], ['s1']]);
  });

  it('fails only the bad item of a failed group: the others are written again one by one', async () => {
    const { groups, commit } = recorder();
    const settled = await Promise.allSettled(
      [
        { id: 'a', size: 1 },
        { id: 'bad', size: 1, fails: true },
        { id: 'c', size: 1 },
      ].map((item) => commit.submit('team', item)),
    );
    assert.deepEqual(
      settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message)),
      ['done a', 'bad item in bad', 'done c'],
    );
    assert.deepEqual(groups, [['a', 'bad', 'c'], ['a'], ['bad'], ['c']]);
    // The key is free again afterwards.
    assert.equal(await commit.submit('team', { id: 'e', size: 1 }), 'done e');
  });
});
