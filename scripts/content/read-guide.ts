import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { ContentError } from './content-error.js';
import { parseFrontMatter, type GuideFrontMatter } from './front-matter.js';
import { headingId, slugify } from './slugify.js';

/**
 * Raw HTML in Markdown is not parsed (it shows as text): guides are prose, and this keeps a stray
 * `<script>` from ever reaching the renderer. Typographer stays off to keep the publisher's wording.
 */
export const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

export interface GuideHeading {
  readonly text: string;
  readonly slug: string;
  readonly level: number;
  /** Index of the heading's `heading_open` token. */
  readonly tokenIndex: number;
  readonly line: number;
}

export interface GuideLinkSite {
  readonly href: string;
  readonly text: string;
  readonly line: number;
  /** The inline tokens holding the link, and its `link_open` among them: rewritten in place on render. */
  readonly siblings: Token[];
  readonly open: Token;
}

/** A guide file parsed but not yet rendered: rendering needs every guide's headings first. */
export interface ReadGuide {
  readonly file: string;
  readonly slug: string;
  readonly frontMatter: GuideFrontMatter;
  readonly tokens: Token[];
  readonly title: string;
  readonly headings: readonly GuideHeading[];
  readonly links: readonly GuideLinkSite[];
  readonly updated: string | null;
  /** Index of the token that starts the "Last updated" paragraph, which the app shows as data instead. */
  readonly lastUpdatedTokens: readonly [number, number] | null;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function parseLongDate(text: string): string | null {
  const m = /(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})/.exec(text);
  if (!m) return null;
  const month = MONTHS.indexOf(m[2]!.toLowerCase());
  if (month < 0) return null;
  const day = Number(m[1]);
  const iso = `${m[3]}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const check = new Date(`${iso}T00:00:00Z`);
  return check.getUTCDate() === day ? iso : null;
}

function inlineText(token: Token | undefined): string {
  return (token?.children ?? [])
    .filter((c) => c.type === 'text' || c.type === 'code_inline')
    .map((c) => c.content)
    .join('')
    .trim();
}

/** Parses one guide file into tokens, headings and links. */
export function readGuide(file: string, source: string): ReadGuide {
  const { frontMatter, body, bodyLine } = parseFrontMatter(file, source);
  const bodyLines = body.split('\n');
  const tokens = markdown.parse(body, {});
  const fileLine = (bodyIndex: number): number => bodyLine + bodyIndex;

  let title: string | null = null;
  const headings: GuideHeading[] = [];
  const links: GuideLinkSite[] = [];
  let updated: string | null = frontMatter.updated ?? null;
  let lastUpdatedTokens: [number, number] | null = null;

  tokens.forEach((token, i) => {
    const line = fileLine(token.map?.[0] ?? 0);
    if (token.type === 'heading_open') {
      const level = Number(token.tag.slice(1));
      const text = inlineText(tokens[i + 1]);
      if (level === 1) {
        if (title !== null) throw new ContentError(file, line, `a guide has one level-1 heading; "${text}" is a second`);
        title = text;
      } else if (level <= 3) {
        headings.push({ text, slug: headingId(text), level, tokenIndex: i, line });
      }
    }
    if (token.type !== 'inline' || !token.children) return;
    const [start, end] = token.map ?? [0, 0];
    let lastLinkLine = start;
    token.children.forEach((child, c) => {
      if (child.type !== 'link_open') return;
      const href = child.attrGet('href') ?? '';
      // Inline tokens carry no line of their own: find the first line of the block that holds the href.
      const offset = bodyLines.slice(lastLinkLine, Math.max(end, lastLinkLine + 1)).findIndex((l) => l.includes(`](${href}`));
      const linkLine = offset < 0 ? lastLinkLine : lastLinkLine + offset;
      lastLinkLine = linkLine;
      const text = token.children!.slice(c + 1, token.children!.findIndex((t, k) => k > c && t.type === 'link_close')).map((t) => t.content).join('');
      links.push({ href, text, line: fileLine(linkLine), siblings: token.children!, open: child });
    });
    // The publisher's "**Last updated**: 27 March 2015 | feedback" footer becomes data the app lays out itself.
    if (tokens[i - 1]?.type === 'paragraph_open' && /^last updated\b/i.test(inlineText(token).replace(/^\W+/, ''))) {
      const date = parseLongDate(token.content);
      if (!date) throw new ContentError(file, line, `cannot read the date in "${token.content.split('|')[0]!.trim()}"`);
      updated ??= date;
      lastUpdatedTokens = [i - 1, i + 1];
    }
  });

  if (title === null) throw new ContentError(file, bodyLine, 'a guide needs a level-1 heading for its title');
  const seen = new Map<string, GuideHeading>();
  for (const h of headings) {
    const earlier = seen.get(h.slug);
    if (earlier) {
      throw new ContentError(file, h.line, `heading "${h.text}" has the same id "${h.slug}" as the heading on line ${earlier.line}`);
    }
    seen.set(h.slug, h);
  }
  const slug = frontMatter.slug ?? slugify(file.replace(/\.md$/i, '').split('/').pop()!);
  // The guide's address is made of Latin letters (src/routing/route.ts): a file named otherwise says so.
  if (!slug) throw new ContentError(file, 1, `the file's name has no Latin letters or digits for the guide's address: give it a "slug:" in the front matter, such as slug: community-guide`);
  return { file, slug, frontMatter, tokens, title, headings, links, updated, lastUpdatedTokens };
}
