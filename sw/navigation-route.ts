import { createHandlerBoundToURL } from 'workbox-precaching';
import { NavigationRoute } from 'workbox-routing';

/** Paths a navigation may reach that are not app routes: the server must answer them. */
export const NOT_APP_ROUTES = [/^\/api(\/|$)/, /^\/health$/, /\/[^/]+\.[a-z0-9]+$/i];

/**
 * Answers every navigation to an app route with the precached shell, so deep links and routes
 * never visited open offline; the shell then routes itself.
 */
export function appShellRoute(): NavigationRoute {
  return new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: NOT_APP_ROUTES });
}
