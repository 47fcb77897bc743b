/**
 * A name for a URL path from text: lower-case Latin letters and digits, words joined by hyphens
 * (`social_media` → "social-media"); accents go, and anything else becomes a hyphen, so a name in
 * another script gives "" (see {@link headingId} for headings).
 */
export function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * The id a heading gets from its words, in any script: lower case, words joined by hyphens ("Why
 * must I?" → "why-must-i", "الخطوات التالية" → "الخطوات-التالية"). Latin accents go, as in
 * {@link slugify}, which gives the same id for a heading in English.
 */
export function headingId(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '');
}

/** Compares link text with heading text the way a reader would: ignoring case, spacing and punctuation. */
export function sameWords(a: string, b: string): boolean {
  return headingId(a) === headingId(b);
}
