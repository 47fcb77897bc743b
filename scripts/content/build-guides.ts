import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import Token from 'markdown-it/lib/token.mjs';
import type { Guide, GuideIndex, GuideSection } from '../../src/content/guide.js';
import { GUIDE_INDEX_URL, guidePath } from '../../src/content/guide.js';
import { ContentError } from './content-error.js';
import { classifyGuideLink } from './guide-link.js';
import { markdown, readGuide, type GuideHeading, type GuideLinkSite, type ReadGuide } from './read-guide.js';
import { sanitizeGuideHtml } from './sanitize-guide-html.js';
import { sameWords } from './slugify.js';

/** A file the build writes, relative to the output folder. */
export interface BuiltFile {
  readonly fileName: string;
  readonly source: string;
}

interface HeadingIds {
  id: string;
  readonly aliases: string[];
}

function htmlToken(content: string): Token {
  const token = new Token('html_inline', '', 0);
  token.content = content;
  return token;
}


/**
 * Gives each heading its id. A heading's id is its slug, unless a link in the kit names it by
 * another anchor and by the heading's own words ("[Develop an engagement strategy](social_media.md#develop)"):
 * the guide was published with those short anchors, and readers' bookmarks use them.
 */
function assignHeadingIds(guides: readonly ReadGuide[], bundled: ReadonlySet<string>): Map<ReadGuide, Map<GuideHeading, HeadingIds>> {
  const byFile = new Map(guides.map((g) => [g.file, g]));
  const ids = new Map(guides.map((g) => [g, new Map(g.headings.map((h) => [h, { id: h.slug, aliases: [] as string[] }]))]));
  const known = (g: ReadGuide, anchor: string): boolean =>
    [...ids.get(g)!.values()].some((h) => h.id === anchor || h.aliases.includes(anchor));

  for (const guide of guides) {
    for (const link of guide.links) {
      const target = classifyGuideLink(link.href, guide.file, bundled);
      if (target.kind !== 'in-kit' || target.anchor === null) continue;
      const targetGuide = byFile.get(target.file)!;
      if (known(targetGuide, target.anchor)) continue;
      const heading = targetGuide.headings.find((h) => sameWords(h.text, link.text));
      const headingIds = heading && ids.get(targetGuide)!.get(heading);
      if (headingIds && headingIds.id === heading.slug) {
        headingIds.aliases.push(headingIds.id);
        headingIds.id = target.anchor;
      }
    }
  }
  for (const guide of guides) {
    const seen = new Map<string, GuideHeading>();
    for (const [heading, { id, aliases }] of ids.get(guide)!) {
      for (const name of [id, ...aliases]) {
        const other = seen.get(name);
        if (other && other !== heading) {
          throw new ContentError(guide.file, heading.line, `id "${name}" of "${heading.text}" is already used by "${other.text}" on line ${other.line}`);
        }
        seen.set(name, heading);
      }
    }
  }
  return ids;
}

/** The language the kit's own words are in: what its notes in a guide of another language say they are. */
const KIT_LANG = 'en-AU';

/** A guide's language and direction, for its built data: none for a guide in the kit's own language. */
function language(guide: ReadGuide): Pick<Guide, 'lang' | 'dir'> {
  const { lang, dir } = guide.frontMatter;
  return lang && dir ? { lang, dir } : {};
}

/** The attribute that marks the kit's own words inside a guide written in another language. */
function kitLang(guide: ReadGuide): string {
  return guide.frontMatter.lang ? ` lang="${KIT_LANG}"` : '';
}

/** Rewrites one link for the app: in-kit links route inside the app, the rest say where they go. */
function rewriteLink(guide: ReadGuide, link: GuideLinkSite, bundled: ReadonlySet<string>, slugOf: (file: string) => string, sectionId: (file: string, anchor: string) => string | null): void {
  // Earlier rewrites in the same paragraph may have added tokens, so positions are found afresh.
  const { open, siblings } = link;
  const at = siblings.indexOf(open);
  const close = siblings.findIndex((t, k) => k > at && t.type === 'link_close');
  const target = classifyGuideLink(link.href, guide.file, bundled);
  if (target.kind === 'external') {
    open.attrSet('class', 'external');
    open.attrSet('target', '_blank');
    open.attrSet('rel', 'noopener');
    // The second note shows only while offline (the app sets a flag), when the link cannot open.
    siblings.splice(
      close,
      0,
      htmlToken(`<span class="visually-hidden"${kitLang(guide)}> (external link, opens in a new tab)</span><span class="needs-connection"${kitLang(guide)}> (needs a connection)</span>`),
    );
    return;
  }
  if (target.kind === 'not-in-kit') {
    // A link to a page the kit does not carry would be broken offline and confusing online.
    siblings[at] = htmlToken('<span class="not-in-kit">');
    siblings[close] = htmlToken(`</span><span class="not-in-kit-note"${kitLang(guide)}> (not part of this kit)</span>`);
    return;
  }
  let id: string | null = null;
  if (target.anchor !== null) {
    id = sectionId(target.file, target.anchor);
    if (id === null) {
      throw new ContentError(guide.file, link.line, `link "${link.href}" points at "#${target.anchor}", which is not a section of ${target.file}`);
    }
  }
  open.attrSet('href', guidePath(slugOf(target.file), id ?? undefined));
  open.attrSet('class', 'in-kit');
}

function render(tokens: Token[]): string {
  return sanitizeGuideHtml(markdown.renderer.render(tokens, markdown.options, {})).trim();
}

/**
 * Turns parsed guide files into the data the app renders, checking every in-kit link.
 * Throws a {@link ContentError} naming file and line for the first mistake found.
 */
export function buildGuides(read: readonly ReadGuide[]): Guide[] {
  const bundled = new Set(read.map((g) => g.file));
  const bySlug = new Map<string, ReadGuide>();
  for (const g of read) {
    const other = bySlug.get(g.slug);
    if (other) throw new ContentError(g.file, 1, `guide slug "${g.slug}" is also the slug of ${other.file}`);
    bySlug.set(g.slug, g);
  }
  const ids = assignHeadingIds(read, bundled);
  const byFile = new Map(read.map((g) => [g.file, g]));
  const slugOf = (file: string): string => byFile.get(file)!.slug;
  const sectionId = (file: string, anchor: string): string | null => {
    for (const h of ids.get(byFile.get(file)!)!.values()) {
      if (h.id === anchor || h.aliases.includes(anchor)) return h.id;
    }
    return null;
  };

  return read.map((guide): Guide => {
    for (const link of guide.links) rewriteLink(guide, link, bundled, slugOf, sectionId);
    const tokens = guide.tokens.map((t, i) => {
      const [from, to] = guide.lastUpdatedTokens ?? [-1, -1];
      return i >= from && i <= to ? null : t;
    });
    const slice = (from: number, to: number): Token[] => tokens.slice(from, to).filter((t): t is Token => t !== null);

    const h1Close = guide.tokens.findIndex((t) => t.type === 'heading_close' && t.tag === 'h1');
    const firstSection = guide.headings[0]?.tokenIndex ?? guide.tokens.length;
    let intro = slice(h1Close + 1, firstSection);
    let summary = '';
    // A short first paragraph right under the title is the guide's strapline ("How and when to use social media").
    if (intro[0]?.type === 'paragraph_open' && intro[1] && !intro[1].children?.some((c) => c.type === 'link_open')) {
      summary = intro[1].content.trim();
      intro = intro.slice(3);
    }
    const sections = guide.headings.map((h, k): GuideSection => {
      const end = guide.headings[k + 1]?.tokenIndex ?? guide.tokens.length;
      const { id, aliases } = ids.get(guide)!.get(h)!;
      return { id, aliases, title: h.text, level: h.level, html: render(slice(h.tokenIndex + 3, end)) };
    });
    return {
      slug: guide.slug,
      title: guide.title,
      summary,
      introHtml: render(intro),
      sections,
      updated: guide.updated,
      attribution: guide.frontMatter.attribution,
      source: guide.file,
      ...language(guide),
    };
  });
}

/** Reads and builds every `.md` file under `contentDir` (at any depth). */
export async function buildGuidesFromDir(contentDir: string): Promise<{ guides: Guide[]; files: string[] }> {
  const entries = await readdir(contentDir, { recursive: true });
  const files = entries.filter((f) => f.toLowerCase().endsWith('.md')).map((f) => f.split(path.sep).join('/')).sort();
  const read = await Promise.all(files.map(async (file) => readGuide(file, await readFile(path.join(contentDir, file), 'utf8'))));
  return { guides: buildGuides(read), files: files.map((f) => path.join(contentDir, f)) };
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}

/**
 * The files the app loads: one content-hashed JSON file per guide (cacheable for ever) and an
 * index listing them, which is fetched fresh so a new build's guides are found.
 */
export function guideOutputFiles(guides: readonly Guide[]): BuiltFile[] {
  const files: BuiltFile[] = [];
  const summaries = [...guides]
    .sort((a, b) => a.title.localeCompare(b.title, 'en-AU'))
    .map((guide) => {
      const source = JSON.stringify(guide);
      const fileName = `content/guides/${guide.slug}.${hashOf(source)}.json`;
      files.push({ fileName, source });
      return {
        slug: guide.slug,
        title: guide.title,
        summary: guide.summary,
        updated: guide.updated,
        toc: guide.sections.map(({ id, title, level }) => ({ id, title, level })),
        url: `/${fileName}`,
        ...(guide.lang ? { lang: guide.lang, dir: guide.dir } : {}),
      };
    });
  const index: GuideIndex = { guides: summaries };
  files.push({ fileName: GUIDE_INDEX_URL.slice(1), source: JSON.stringify(index) });
  return files;
}
