/** The id a heading gets from its text: lower case, words joined by hyphens ("Why must I?" → "why-must-i"). */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Compares link text with heading text the way a reader would: ignoring case, spacing and punctuation. */
export function sameWords(a: string, b: string): boolean {
  return slugify(a) === slugify(b);
}
