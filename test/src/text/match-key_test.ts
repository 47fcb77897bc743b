import { expect } from '@open-wc/testing';
import { matchKey } from '../../../src/text/match-key.js';

describe('matchKey', () => {
  it('sets letter case, accents and marks aside, as a person typing a filter does', () => {
    expect(matchKey('Đà Nẵng Hall')).to.equal(matchKey('đa nang hall'));
    expect(matchKey('Kūmara')).to.equal('kumara');
    // Arabic with its vowel marks, and without: typed without them more often than not.
    expect(matchKey('مُجْتَمَع')).to.equal(matchKey('مجتمع'));
  });

  it('reads the two ways Unicode writes an accented letter, and full-width letters, as one', () => {
    const composed = 'Café'; // é as one code point, as most keyboards type it
    const decomposed = 'Cafe\u0301'; // e and a combining accent, as some systems paste it
    expect(composed).to.not.equal(decomposed);
    expect(matchKey(composed)).to.equal(matchKey(decomposed));
    expect(matchKey('ＡＢＣ　１２')).to.equal('abc 12');
  });
});
