import type { Guide } from './guide.js';
import type { SearchableSection } from './search-guides.js';

/**
 * What the build adds around the guide's own words, to say where a link leads (to a screen reader,
 * offline, or outside the kit): not the guide's text, so neither found nor shown.
 */
const NOT_TEXT = '.visually-hidden, .needs-connection, .not-in-kit-note';

/** Elements whose text reads as a passage of its own. */
const BLOCKS = 'p, li, blockquote, pre, td, th, dt, dd, figcaption, h4, h5, h6';

/**
 * A guide as search reads it: its introduction (under the guide's title, leading to its top) and
 * each section, as plain-text passages, a passage the text whose nearest block is the same
 * paragraph, item or cell (a list item's own words apart from the list inside it). The HTML is
 * the build's, sanitised; a template's content is inert, so nothing in it loads or runs.
 */
export function searchableSections(guide: Guide): SearchableSection[] {
  const of = (sectionId: string, title: string, html: string): SearchableSection => ({
    guideSlug: guide.slug,
    guideTitle: guide.title,
    sectionId,
    title,
    passages: passages(html),
    ...(guide.lang ? { lang: guide.lang } : {}),
    ...(guide.dir ? { dir: guide.dir } : {}),
  });
  return [
    ...(guide.introHtml ? [of('', guide.title, guide.introHtml)] : []),
    ...guide.sections.map((s) => of(s.id, s.title, s.html)),
  ];
}

function passages(html: string): string[] {
  const template = document.createElement('template');
  template.innerHTML = html;
  const root = template.content;
  const texts = new Map<Node, string[]>();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement?.closest(NOT_TEXT)) continue;
    const block: Node = node.parentElement?.closest(BLOCKS) ?? root;
    texts.set(block, [...(texts.get(block) ?? []), node.nodeValue ?? '']);
  }
  return [...texts.values()].map((parts) => parts.join('').replace(/\s+/g, ' ').trim()).filter(Boolean);
}
