import { expect } from '@open-wc/testing';
import { formatSpan } from '../../../src/text/format-span.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('formatSpan', () => {
  it('says a length of time in its largest sensible unit, rounded, either way', () => {
    expect(formatSpan(2 * MINUTE)).to.equal('2 minutes');
    expect(formatSpan(-2 * MINUTE)).to.equal('2 minutes');
    expect(formatSpan(20_000)).to.equal('1 minute');
    expect(formatSpan(89 * MINUTE)).to.equal('89 minutes');
    expect(formatSpan(90 * MINUTE)).to.equal('2 hours');
    expect(formatSpan(3 * HOUR + 10 * MINUTE)).to.equal('3 hours');
    expect(formatSpan(47 * HOUR)).to.equal('47 hours');
    expect(formatSpan(2 * DAY)).to.equal('2 days');
    expect(formatSpan(400 * DAY)).to.equal('400 days');
    expect(formatSpan(26 * 365.25 * DAY)).to.equal('26 years');
  });
});
