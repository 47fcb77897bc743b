/**
 * The length of `text` in UTF-8 bytes, as it goes over the wire, without encoding it: a character
 * of Vietnamese or Chinese takes two or three bytes, where `length` counts one. Limits on what is
 * sent (a push's body, a page) are in bytes.
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code < 0x80) continue;
    if (code < 0x800) bytes += 1;
    // A surrogate pair is two UTF-16 units and four bytes; any other character here three.
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2;
      i += 1;
    } else bytes += 2;
  }
  return bytes;
}
