import { expect } from '@open-wc/testing';
import { formatCount } from '../../../src/text/format-count.js';

describe('formatCount', () => {
  it('says one thing in the singular and any other number in the plural', () => {
    expect(formatCount(1, 'change')).to.equal('1 change');
    expect(formatCount(0, 'change')).to.equal('0 changes');
    expect(formatCount(2500, 'change')).to.equal('2500 changes');
    expect(formatCount(2, 'copy', 'copies')).to.equal('2 copies');
  });
});
