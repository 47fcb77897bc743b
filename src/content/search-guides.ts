import { matchKey } from '../text/match-key.js';

/** A part of a guide that search reads: a section's title and its paragraphs as plain text. */
export interface SearchableSection {
  readonly guideSlug: string;
  readonly guideTitle: string;
  readonly sectionId: string;
  readonly title: string;
  readonly passages: readonly string[];
  /** The guide's language and direction, when not the kit's English (see Guide). */
  readonly lang?: string;
  readonly dir?: 'ltr' | 'rtl';
}

/** Where a word of the query was found in a text: [start, end) in its UTF-16 units. */
export type TextRange = readonly [number, number];

/** A section that holds every word of the query, with what to show of it. */
export interface SearchHit {
  readonly section: SearchableSection;
  /** The words found in the section's title. */
  readonly inTitle: readonly TextRange[];
  /**
   * The passages to show, each cut down around the words when long: the one holding most of the
   * words, then, while some are not shown yet, the one holding most of those (three at most).
   */
  readonly excerpts: readonly Excerpt[];
}

/** Part of a passage, with where the words are in it. */
export interface Excerpt {
  readonly text: string;
  readonly marks: readonly TextRange[];
}

/** The most passages a hit shows. */
export const EXCERPTS_SHOWN = 3;

/** How long an excerpt may be before it is cut down around its first word found, in characters. */
export const EXCERPT_CHARS = 200;

/**
 * The words of a query, as search compares them; none for a query of spaces and punctuation. An
 * apostrophe or hyphen inside a word keeps it whole ("in-depth" is one word, not "in" found all over).
 */
export function queryWords(query: string): string[] {
  const words = matchKey(query).match(/[\p{L}\p{N}]+(?:['’\-‐][\p{L}\p{N}]+)*/gu) ?? [];
  return [...new Set(words)];
}

/**
 * The sections holding every word of `query` (each anywhere in the section, its title or its text,
 * as a word or the start of one: "moderat" finds "moderation", "rat" does not), letter case,
 * accents and the forms of a letter set aside as the drafts' filter does; those with the words
 * in their title first, then by how often the words occur, then in the guides' own order.
 */
export function searchGuides(sections: readonly SearchableSection[], query: string): SearchHit[] {
  const words = queryWords(query);
  if (words.length === 0) return [];
  const hits: { hit: SearchHit; titleWords: number; count: number; order: number }[] = [];
  sections.forEach((section, order) => {
    const inTitle = findWords(section.title, words);
    const found = section.passages.map((p) => findWords(p, words));
    const seen = new Set<string>();
    for (const ranges of [inTitle, ...found]) for (const r of ranges) seen.add(r.word);
    if (seen.size < words.length) return;
    const chosen: { i: number; excerpt: Excerpt }[] = [];
    const unshown = new Set(words.filter((w) => !inTitle.some((r) => r.word === w)));
    const left = found.map((ranges, i) => ({ ranges, i })).filter(({ ranges }) => ranges.length > 0);
    // The passage with the most words not shown yet, then the most occurrences: the reader's best look.
    while (chosen.length < EXCERPTS_SHOWN && left.length > 0 && (unshown.size > 0 || chosen.length === 0)) {
      const score = ({ ranges }: { ranges: readonly Found[] }) =>
        new Set(ranges.filter((r) => unshown.has(r.word)).map((r) => r.word)).size * 10_000 + ranges.length;
      let best = 0;
      for (let j = 1; j < left.length; j += 1) if (score(left[j]!) > score(left[best]!)) best = j;
      const [{ ranges, i }] = left.splice(best, 1) as [{ ranges: Found[]; i: number }];
      if (chosen.length > 0 && !ranges.some((r) => unshown.has(r.word))) break;
      for (const r of ranges) unshown.delete(r.word);
      chosen.push({ i, excerpt: cutDown(section.passages[i]!, ranges) });
    }
    // Shown in the order the guide has them.
    const excerpts = chosen.sort((a, b) => a.i - b.i).map((c) => c.excerpt);
    hits.push({
      hit: { section, inTitle: merged(section.title, inTitle), excerpts },
      titleWords: new Set(inTitle.map((r) => r.word)).size,
      count: inTitle.length + found.reduce((n, r) => n + r.length, 0),
      order,
    });
  });
  hits.sort((a, b) => b.titleWords - a.titleWords || b.count - a.count || a.order - b.order);
  return hits.map((h) => h.hit);
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

interface Found {
  readonly word: string;
  readonly range: TextRange;
}

/**
 * Every place a word occurs in `text`, as ranges of the text as written (the comparison runs on
 * its match key, which may be shorter or longer: "é" is "e" and a mark, the mark dropped).
 */
function findWords(text: string, words: readonly string[]): Found[] {
  // For each unit of the key, the index in `text` of the character it came from.
  let key = '';
  const from: number[] = [];
  for (let i = 0; i < text.length; ) {
    const char = String.fromCodePoint(text.codePointAt(i)!);
    const k = matchKey(char);
    key += k;
    for (let j = 0; j < k.length; j += 1) from.push(i);
    i += char.length;
  }
  from.push(text.length);
  const found: Found[] = [];
  for (const word of words) {
    for (let at = key.indexOf(word); at !== -1; at = key.indexOf(word, at + 1)) {
      // Words are found from their start: "moderat" finds "moderation", "rat" does not.
      if (at > 0 && WORD_CHAR.test(key[at - 1]!)) continue;
      const end = at + word.length;
      // The end is where the last matched key unit's character ends.
      const last = from[end - 1]!;
      const lastEnd = last + String.fromCodePoint(text.codePointAt(last)!).length;
      found.push({ word, range: [from[at]!, lastEnd] });
    }
  }
  return found.sort((a, b) => a.range[0] - b.range[0]);
}

/**
 * Ranges of `text` as marked: two that overlap ("share" and "shared"), touch or stand a space apart
 * ("social media") are one stretch.
 */
function merged(text: string, found: readonly Found[]): TextRange[] {
  const out: [number, number][] = [];
  for (const { range } of found) {
    const prev = out[out.length - 1];
    if (prev && (range[0] <= prev[1] || /^\s+$/.test(text.slice(prev[1], range[0]))))
      prev[1] = Math.max(prev[1], range[1]);
    else out.push([range[0], range[1]]);
  }
  return out;
}

/** A passage as shown: whole when short, else a stretch of words around the first word found. */
function cutDown(passage: string, found: readonly Found[]): Excerpt {
  const ranges = merged(passage, found);
  if (passage.length <= EXCERPT_CHARS) return { text: passage, marks: ranges };
  const first = ranges[0]?.[0] ?? 0;
  // Start at a word boundary a little before the first word found, so it reads in context.
  let start = Math.max(0, first - 60);
  if (start > 0) {
    const space = passage.lastIndexOf(' ', start);
    start = space === -1 ? 0 : space + 1;
  }
  let end = Math.min(passage.length, start + EXCERPT_CHARS);
  if (end < passage.length) {
    const space = passage.lastIndexOf(' ', end);
    if (space > first) end = space;
  }
  const lead = start > 0 ? '… ' : '';
  const tail = end < passage.length ? ' …' : '';
  const shift = lead.length - start;
  return {
    text: `${lead}${passage.slice(start, end)}${tail}`,
    marks: ranges.filter(([s, e]) => s >= start && e <= end).map(([s, e]) => [s + shift, e + shift] as const),
  };
}
