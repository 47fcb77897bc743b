import { expect } from '@open-wc/testing';
import { clockApart } from '../../../src/text/clock-apart.js';

describe('clockApart', () => {
  it('says how far and which way a device’s clock is from the server’s', () => {
    expect(clockApart(3 * 24 * 60 * 60 * 1000)).to.equal('3 days behind');
    expect(clockApart(-2 * 60 * 60 * 1000)).to.equal('2 hours ahead of');
  });
});
