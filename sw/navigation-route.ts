import { createHandlerBoundToURL } from 'workbox-precaching';
import { NavigationRoute } from 'workbox-routing';
import { appBase, appPath } from '../src/routing/app-base.js';

/**
 * Paths a navigation may reach that are not app routes, under the kit's path `base` (see
 * appBase): the server must answer them.
 */
export function notAppRoutes(base = appBase()): RegExp[] {
  const at = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [new RegExp(`^${at}api(/|$)`), new RegExp(`^${at}health$`), /\/[^/]+\.[a-z0-9]+$/i];
}

/**
 * Answers every navigation to an app route with the precached shell, so deep links and routes
 * never visited open offline; the shell then routes itself.
 */
export function appShellRoute(): NavigationRoute {
  return new NavigationRoute(createHandlerBoundToURL(appPath('/index.html')), { denylist: notAppRoutes() });
}
