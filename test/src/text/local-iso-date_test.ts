import { expect } from '@open-wc/testing';
import { localIsoDate } from '../../../src/text/local-iso-date.js';

describe('localIsoDate', () => {
  it('gives the calendar date on the device’s own clock, padded as a date input wants it', () => {
    expect(localIsoDate(new Date(2026, 10, 27, 8, 0))).to.equal('2026-11-27');
    expect(localIsoDate(new Date(2027, 0, 5, 23, 59))).to.equal('2027-01-05');
    expect(localIsoDate(new Date(2027, 0, 6, 0, 1))).to.equal('2027-01-06');
  });
});
