/** What a link in a guide points at, decided from its href and the set of guides in the kit. */
export type GuideLink =
  | { readonly kind: 'in-kit'; readonly file: string; readonly anchor: string | null }
  | { readonly kind: 'not-in-kit'; readonly target: string }
  | { readonly kind: 'external'; readonly href: string };

const CONTENT_ROOT = 'file:///content/';

/**
 * Classifies an href found in `fromFile` (a path relative to `content/`).
 * @param bundled content files that become guides in this build, relative to `content/`
 */
export function classifyGuideLink(href: string, fromFile: string, bundled: ReadonlySet<string>): GuideLink {
  if (/^(https?:|mailto:)/i.test(href)) return { kind: 'external', href };
  let url: URL;
  try {
    url = new URL(href, CONTENT_ROOT + fromFile);
  } catch {
    return { kind: 'not-in-kit', target: href };
  }
  if (url.protocol !== 'file:' || !url.pathname.startsWith('/content/')) {
    return { kind: 'not-in-kit', target: href };
  }
  const file = decodeURIComponent(url.pathname.slice('/content/'.length));
  if (!bundled.has(file)) return { kind: 'not-in-kit', target: href };
  const anchor = url.hash.length > 1 ? decodeURIComponent(url.hash.slice(1)) : null;
  return { kind: 'in-kit', file, anchor };
}
