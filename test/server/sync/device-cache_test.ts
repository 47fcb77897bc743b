import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeviceCache } from '../../../server/sync/device-cache.js';

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('DeviceCache', () => {
  it('holds a device for its time, then reads as unknown', async () => {
    const cache = new DeviceCache<{ id: string; name: string }>(60);
    cache.set('hash-a', { id: 'a', name: 'Phone' }, cache.mark);
    assert.deepEqual(cache.get('hash-a'), { id: 'a', name: 'Phone' });
    assert.equal(cache.get('hash-b'), undefined);
    await wait(80);
    assert.equal(cache.get('hash-a'), undefined);
  });

  it('forgets every token of a device at once', () => {
    const cache = new DeviceCache<{ id: string }>(60_000);
    cache.set('one', { id: 'a' }, cache.mark);
    cache.set('two', { id: 'a' }, cache.mark);
    cache.set('three', { id: 'b' }, cache.mark);
    cache.forget('a');
    assert.equal(cache.get('one'), undefined);
    assert.equal(cache.get('two'), undefined);
    assert.deepEqual(cache.get('three'), { id: 'b' });
  });

  it('holds at most its size, letting the longest held go first', () => {
    const cache = new DeviceCache<{ id: string }>(60_000, 2);
    cache.set('one', { id: 'a' }, cache.mark);
    cache.set('two', { id: 'b' }, cache.mark);
    cache.set('one', { id: 'a' }, cache.mark); // read again: now the newest
    cache.set('three', { id: 'c' }, cache.mark);
    assert.equal(cache.get('two'), undefined);
    assert.deepEqual(cache.get('one'), { id: 'a' });
    assert.deepEqual(cache.get('three'), { id: 'c' });
  });

  it('does not hold a device read before another was forgotten: the read may predate the change', () => {
    const cache = new DeviceCache<{ id: string; revoked: boolean }>(60_000);
    const mark = cache.mark; // a read starts
    cache.forget('a'); // meanwhile this server revokes the device
    cache.set('one', { id: 'a', revoked: false }, mark); // the read, from before the revocation, ends
    assert.equal(cache.get('one'), undefined);
    cache.set('one', { id: 'a', revoked: true }, cache.mark);
    assert.deepEqual(cache.get('one'), { id: 'a', revoked: true });
  });

  it('holds nothing with no time to hold it', () => {
    const cache = new DeviceCache<{ id: string }>(0);
    cache.set('one', { id: 'a' }, cache.mark);
    assert.equal(cache.get('one'), undefined);
  });
});
