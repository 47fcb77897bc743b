/**
 * Text as a filter compares it: letter case and accents set aside (a community's name typed
 * without them, "da nang" for "Đà Nẵng"), Arabic's vowel marks too, and the forms Unicode has for
 * the same letter (an accent composed or apart, letters full width) read as one.
 */
export function matchKey(text: string): string {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      // Vietnamese đ, and its capital, is a letter of its own, not d with a mark.
      .replace(/[đĐ]/g, 'd')
      .toLocaleLowerCase('en-AU')
  );
}
