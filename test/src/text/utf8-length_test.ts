import { expect } from '@open-wc/testing';
import { utf8Length } from '../../../src/text/utf8-length.js';

describe('utf8Length', () => {
  it('counts the bytes TextEncoder writes, for English, Vietnamese, Chinese, Arabic and emoji', () => {
    const encoder = new TextEncoder();
    const texts = [
      '',
      'Plain English answer, with punctuation: 100%.',
      'Ý kiến của cộng đồng về dự án đường mới.',
      '社区在会上提出了很多意见。',
      'رأي المجتمع في المشروع',
      'Thumbs up 👍🏽 and a flag 🇦🇺',
      JSON.stringify({ value: 'Ngữ cảnh "quoted" \n 社区 👍' }),
      // Lone halves of a surrogate pair: written out as the replacement character, three bytes.
      'lone \ud83d high',
      'lone \udc4d low',
      '\ud83d',
    ];
    for (const text of texts) expect(utf8Length(text), text).to.equal(encoder.encode(text).length);
  });

  it('counts every code point the same way TextEncoder does', () => {
    const encoder = new TextEncoder();
    // One character from each range where UTF-8's length changes, and the ends of each.
    for (const code of [0x00, 0x7f, 0x80, 0x7ff, 0x800, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff]) {
      const text = `a${String.fromCodePoint(code)}b`;
      expect(utf8Length(text), code.toString(16)).to.equal(encoder.encode(text).length);
    }
  });
});
