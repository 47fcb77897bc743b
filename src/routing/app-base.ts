/**
 * The meta tag in which the server names the path the kit is served under, when that is not the
 * root of its host (PUBLIC_URL with a path, such as https://apps.agency.gov.au/field-kit).
 */
export const APP_BASE_META = 'efk-base';

let known: string | undefined;

/**
 * The path the kit is served under, with its slash at the end: `/` at the root of its host, or
 * `/field-kit/`. A page reads it from the shell's meta tag, the service worker from its scope;
 * elsewhere (the build, Node) it is `/`.
 */
export function appBase(): string {
  known ??= readBase();
  return known;
}

/** What of a page or a service worker tells the kit's path: typed here, as the worker has no DOM types. */
interface Surroundings {
  readonly document?: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
  readonly registration?: { readonly scope: string };
}

function readBase(): string {
  const { document, registration } = globalThis as Surroundings;
  if (document) {
    const named = document.querySelector(`meta[name="${APP_BASE_META}"]`)?.getAttribute('content');
    return named && /^\/(.*\/)?$/.test(named) ? named : '/';
  }
  return registration ? new URL(registration.scope).pathname : '/';
}

/** An address of the kit's own, `/worksheet/new` as the app names it, under the kit's path. */
export function appPath(path: string, base = appBase()): string {
  return `${base}${path.replace(/^\//, '')}`;
}

/**
 * The app's name for an address under the kit's path (`/field-kit/worksheet/new` to
 * `/worksheet/new`), or null for an address outside it: not the kit's to handle.
 */
export function appRouteOf(pathname: string, base = appBase()): string | null {
  if (base === '/') return pathname;
  if (pathname === base.slice(0, -1)) return '/';
  return pathname.startsWith(base) ? `/${pathname.slice(base.length)}` : null;
}

/**
 * Links to the kit's own pages in HTML the build wrote (a guide's links to another guide, written
 * as `/guide/…`), under the kit's path.
 */
export function inAppBase(html: string, base = appBase()): string {
  return base === '/' ? html : html.replace(/(\shref=")\/(?!\/)/g, `$1${base}`);
}
