import { appRouteOf } from './app-base.js';

/** Every view the app can show, and what it needs from the URL. */
export type Route =
  | { readonly name: 'home' }
  | { readonly name: 'guide'; readonly slug: string }
  | { readonly name: 'worksheet' }
  | { readonly name: 'new-draft' }
  | { readonly name: 'draft'; readonly id: string }
  | { readonly name: 'drafts' }
  | { readonly name: 'settings' }
  | { readonly name: 'search' }
  | { readonly name: 'join' }
  | { readonly name: 'not-found'; readonly path: string };

export type RouteName = Route['name'];

/** The routes that show the worksheet, drafts and their parts (loaded when first needed). */
export const WORKSHEET_ROUTES: readonly RouteName[] = ['worksheet', 'new-draft', 'draft', 'drafts'];

const FIXED: Readonly<Record<string, Route>> = {
  '/': { name: 'home' },
  '/guide': { name: 'home' },
  '/worksheet': { name: 'worksheet' },
  '/drafts': { name: 'drafts' },
  '/settings': { name: 'settings' },
  '/search': { name: 'search' },
  '/join': { name: 'join' },
};

/** Paths the app never handles: they belong to the server or are files. */
export function isAppPath(pathname: string): boolean {
  return !/^\/(api|content|assets|icons)(\/|$)/.test(pathname) && !/\.[a-z0-9]+$/i.test(pathname);
}

/**
 * The view for an address's path as the browser has it, under the kit's path (see appRouteOf);
 * outside it, not found.
 */
export function routeAt(pathname: string): Route {
  const path = appRouteOf(pathname);
  return path === null ? { name: 'not-found', path: pathname } : matchRoute(path);
}

/** Finds the view for a path. Trailing slashes are forgiven; letter case is not (URLs are shared). */
export function matchRoute(pathname: string): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const fixed = FIXED[path];
  if (fixed) return fixed;
  const guide = /^\/guide\/([a-z0-9]+(?:-[a-z0-9]+)*)$/.exec(path);
  if (guide) return { name: 'guide', slug: guide[1]! };
  if (path === '/worksheet/new') return { name: 'new-draft' };
  const draft = /^\/worksheet\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(path);
  if (draft) return { name: 'draft', id: draft[1]! };
  return { name: 'not-found', path: pathname };
}
