import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { retryAfterMs } from '../../src/sync/sync-errors.js';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-27T03:00:00Z');

  it('reads delay-seconds', () => {
    assert.equal(retryAfterMs('60', now), 60_000);
    assert.equal(retryAfterMs(' 0 ', now), 0);
  });

  it('reads an HTTP date as the time left until it, and a date gone by as no wait', () => {
    assert.equal(retryAfterMs('Fri, 27 Nov 2026 03:02:00 GMT', now), 120_000);
    assert.equal(retryAfterMs('Fri, 27 Nov 2026 02:00:00 GMT', now), 0);
  });

  it('takes no header, or one it cannot read, as no request to wait', () => {
    assert.equal(retryAfterMs(null, now), null);
    assert.equal(retryAfterMs('soon', now), null);
    assert.equal(retryAfterMs('-5', now), null);
  });
});
