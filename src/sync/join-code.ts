import { JOIN_CODE_PATTERN } from './protocol.js';
import { appBase, appPath } from '../routing/app-base.js';

/** A join code found in what the user pasted or typed, or why there is none, in words. */
export type JoinCodeReading = { readonly code: string } | { readonly problem: string };

const CODE = new RegExp(JOIN_CODE_PATTERN);

/**
 * The join code in a join link pasted or typed into the kit at `origin` (under `base`, its path:
 * see appBase), or the code alone. A
 * device whose kit cannot open links (an iPhone opens them in Safari, not in the kit on its home
 * screen) joins this way. White space is dropped: a link in an email or a PDF can break across
 * lines, and a code holds none.
 */
export function joinCodeOf(typed: string, origin: string, base = appBase()): JoinCodeReading {
  const text = typed.replace(/\s+/g, '');
  if (!text) return { problem: 'Paste the team’s join link first.' };
  if (CODE.test(text)) return { code: text };
  const here = new URL(origin);
  const url = linkOf(text);
  const example = `${here.host}${appPath('/join', base)}#…`;
  if (!url || url.pathname.replace(/\/+$/, '') !== appPath('/join', base))
    return {
      problem: `That is not a join link. A join link reads ${example} and a long code; ask your team lead for the whole link.`,
    };
  if (url.host !== here.host)
    return {
      problem: `That join link is for the kit at ${url.host}, and this is the kit at ${here.host}. Open the link itself on this device to use that kit.`,
    };
  const code = url.hash.slice(1);
  if (!CODE.test(code))
    return { problem: 'That join link’s code is cut short or changed. Copy the whole link again, to its very end.' };
  return { code };
}

/** `text` as an address, with or without its `https://` (a link retyped from paper often lacks it). */
function linkOf(text: string): URL | null {
  for (const candidate of [text, `https://${text}`]) {
    try {
      const url = new URL(candidate);
      if (url.protocol === 'https:' || url.protocol === 'http:') return url;
    } catch {
      // not an address as it stands: try the next reading
    }
  }
  return null;
}
