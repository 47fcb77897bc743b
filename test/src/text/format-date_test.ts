import { expect } from '@open-wc/testing';
import { formatDate } from '../../../src/text/format-date.js';

describe('formatDate', () => {
  it('writes every day as Intl writes it for an Australian reader', () => {
    const intl = new Intl.DateTimeFormat('en-AU', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    const start = Date.UTC(2023, 0, 1);
    const days = 2 * 366 + 1;
    const differ: string[] = [];
    for (let i = 0; i < days; i += 1) {
      const iso = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
      if (formatDate(iso) !== intl.format(new Date(`${iso}T00:00:00Z`))) differ.push(iso);
    }
    for (const iso of ['1999-12-31', '2000-02-29', '2100-03-01', '2015-03-27T10:00:00Z']) {
      if (formatDate(iso) !== intl.format(new Date(`${iso.slice(0, 10)}T00:00:00Z`))) differ.push(iso);
    }
    expect(differ).to.deep.equal([]);
    expect(formatDate('2015-03-27')).to.equal('27 March 2015');
  });

  it('gives back what is not a date as it is, rather than failing the page', () => {
    for (const text of ['', 'soon', '2015-13-01', 'not-a-date']) expect(formatDate(text)).to.equal(text);
  });
});
