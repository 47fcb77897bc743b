import { isMap, parseDocument } from 'yaml';
import type { GuideAttribution } from '../../src/content/guide.js';
import { ContentError } from './content-error.js';

/** The front matter a guide may carry; anything else is a typo and fails the build. */
export interface GuideFrontMatter {
  readonly title: string;
  readonly slug?: string;
  readonly updated?: string;
  readonly attribution: GuideAttribution;
  /** The guide's language (a BCP 47 tag) and its direction, when it is not the kit's own English. */
  readonly lang?: string;
  readonly dir?: 'ltr' | 'rtl';
}

export interface ParsedGuideFile {
  readonly frontMatter: GuideFrontMatter;
  readonly body: string;
  /** 1-based line of the file on which `body` starts, to report body errors at file lines. */
  readonly bodyLine: number;
}

const KNOWN_KEYS = new Set(['title', 'layout', 'slug', 'updated', 'lang', 'attribution']);

/** Scripts written right to left (ISO 15924), as Unicode's likely-subtags data gives a language's script. */
const RTL_SCRIPTS = new Set(['Adlm', 'Arab', 'Hebr', 'Mand', 'Nkoo', 'Rohg', 'Samr', 'Syrc', 'Thaa', 'Yezi']);

/** The direction a language is written in: `ar`, `fa`, `he`, `ur`, `ps` right to left. */
export function directionOf(lang: string): 'ltr' | 'rtl' {
  return RTL_SCRIPTS.has(new Intl.Locale(lang).maximize().script ?? '') ? 'rtl' : 'ltr';
}
const ATTRIBUTION_KEYS = ['publisher', 'work', 'licence', 'licence_url', 'changes'] as const;
const REQUIRED_ATTRIBUTION = ['publisher', 'work', 'licence', 'licence_url'] as const;

/**
 * Splits a Markdown file into its YAML front matter and body, and checks the front matter.
 * @param file the path reported in errors
 */
export function parseFrontMatter(file: string, source: string): ParsedGuideFile {
  const lines = source.split(/\r?\n/);
  if (lines[0]?.trim() !== '---') {
    throw new ContentError(file, 1, 'front matter must start on the first line with "---"');
  }
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---');
  if (end < 0) {
    throw new ContentError(file, 1, 'front matter opened with "---" is never closed');
  }
  const yamlText = lines.slice(1, end).join('\n');
  // Line 1 is the opening fence, so YAML line n is file line n + 1.
  const doc = parseDocument(yamlText, { prettyErrors: false, uniqueKeys: true });
  const firstError = doc.errors[0];
  if (firstError) {
    const yamlLine = yamlText.slice(0, firstError.pos[0]).split('\n').length;
    const line = yamlLine + 1;
    throw new ContentError(file, line, `front matter is not valid YAML: ${firstError.message.split('\n')[0]}`);
  }
  const lineOfKey = (key: string): number => {
    const at = lines.slice(1, end).findIndex((l) => l.trimStart().startsWith(`${key}:`));
    return at < 0 ? 1 : at + 2;
  };
  if (!isMap(doc.contents)) {
    throw new ContentError(file, 2, 'front matter must be a set of "key: value" lines');
  }
  const data = doc.toJS() as Record<string, unknown>;
  for (const key of Object.keys(data)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new ContentError(file, lineOfKey(key), `unknown front matter key "${key}" (known: ${[...KNOWN_KEYS].join(', ')})`);
    }
  }
  const text = (key: string, value: unknown, where = key): string => {
    if (typeof value !== 'string' || value.trim() === '') {
      throw new ContentError(file, lineOfKey(key), `front matter "${where}" must be non-empty text`);
    }
    return value.trim();
  };
  const title = text('title', data['title']);
  const slug = data['slug'] === undefined ? undefined : text('slug', data['slug']);
  if (slug !== undefined && !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug)) {
    throw new ContentError(file, lineOfKey('slug'), `front matter "slug" must be lower-case words joined by hyphens, got "${slug}"`);
  }
  let updated: string | undefined;
  if (data['updated'] !== undefined) {
    // YAML reads an unquoted 2015-03-27 as text here (core schema), so both spellings arrive as text.
    updated = text('updated', data['updated'] instanceof Date ? data['updated'].toISOString().slice(0, 10) : data['updated']);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(updated) || Number.isNaN(Date.parse(updated))) {
      throw new ContentError(file, lineOfKey('updated'), `front matter "updated" must be a date like 2015-03-27, got "${updated}"`);
    }
  }
  let lang: string | undefined;
  if (data['lang'] !== undefined) {
    const tag = text('lang', data['lang']);
    try {
      lang = Intl.getCanonicalLocales(tag)[0];
    } catch {
      // Intl takes any well-formed tag; a name or a typo is not one.
    }
    if (!lang) {
      throw new ContentError(file, lineOfKey('lang'), `front matter "lang" must be a language tag such as ar or vi, got "${tag}"`);
    }
    // The kit's own language needs no mark: the page already says it.
    if (/^en(-|$)/i.test(lang)) lang = undefined;
  }
  const rawAttribution = data['attribution'];
  if (typeof rawAttribution !== 'object' || rawAttribution === null || Array.isArray(rawAttribution)) {
    throw new ContentError(
      file,
      lineOfKey('attribution'),
      `front matter needs "attribution" with ${REQUIRED_ATTRIBUTION.join(', ')}: reused guidance must say whose it is`,
    );
  }
  const attr = rawAttribution as Record<string, unknown>;
  for (const key of Object.keys(attr)) {
    if (!(ATTRIBUTION_KEYS as readonly string[]).includes(key)) {
      throw new ContentError(file, lineOfKey(key), `unknown attribution key "${key}" (known: ${ATTRIBUTION_KEYS.join(', ')})`);
    }
  }
  const licenceUrl = text('licence_url', attr['licence_url'], 'attribution.licence_url');
  if (!/^https:\/\//.test(licenceUrl)) {
    throw new ContentError(file, lineOfKey('licence_url'), 'attribution.licence_url must be an https:// address');
  }
  const attribution: GuideAttribution = {
    publisher: text('publisher', attr['publisher'], 'attribution.publisher'),
    work: text('work', attr['work'], 'attribution.work'),
    licence: text('licence', attr['licence'], 'attribution.licence'),
    licenceUrl,
    ...(attr['changes'] === undefined ? {} : { changes: text('changes', attr['changes'], 'attribution.changes') }),
  };
  return {
    frontMatter: {
      title,
      attribution,
      ...(slug ? { slug } : {}),
      ...(updated ? { updated } : {}),
      ...(lang ? { lang, dir: directionOf(lang) } : {}),
    },
    body: lines.slice(end + 1).join('\n'),
    bodyLine: end + 2,
  };
}
