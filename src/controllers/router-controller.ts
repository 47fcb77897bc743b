import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { appRouteOf } from '../routing/app-base.js';
import { isAppPath, routeAt, type Route } from '../routing/route.js';

/** Why the location changed, so the host can decide where focus and scroll go. */
export type NavigationKind = 'load' | 'push' | 'pop' | 'hash';

interface HistoryState {
  readonly scrollY?: number;
}

/**
 * Keeps its host in step with the URL through the History API: same-origin link clicks become
 * in-app navigations, Back and Forward work, and every view has a real, reloadable URL.
 */
export class RouterController implements ReactiveController {
  route: Route;
  /** The fragment without `#`, such as a guide section id; empty when there is none. */
  fragment: string;
  kind: NavigationKind = 'load';
  /** Counts navigations, so the host handles focus once per navigation however often it renders. */
  navigation = 0;
  /** Where to scroll after a Back or Forward navigation renders. */
  restoreScrollY: number | null = null;

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
    this.route = routeAt(location.pathname);
    this.fragment = decodeFragment(location.hash);
  }

  hostConnected(): void {
    // The browser's own restoration fires before the new view renders, so the app restores scroll itself.
    history.scrollRestoration = 'manual';
    window.addEventListener('popstate', this._onPopState);
    window.addEventListener('click', this._onClick);
  }

  hostDisconnected(): void {
    window.removeEventListener('popstate', this._onPopState);
    window.removeEventListener('click', this._onClick);
  }

  /** Shows the view for `href` (same origin, under the kit's path: see appPath) and records it in history. */
  navigate(href: string, { replace = false } = {}): void {
    const url = new URL(href, location.href);
    const samePage = url.pathname === location.pathname;
    if (replace) {
      // The entry is replaced, so there is no scroll position to keep for Back. Not reading it
      // matters: reading scrollY forces a style and layout, during a load a whole view's.
      history.replaceState({}, '', url);
    } else {
      const state: HistoryState = { scrollY: window.scrollY };
      history.replaceState(state, '');
      history.pushState({}, '', url);
    }
    // A redirect made while the page is loading (/worksheet/new to its draft, a join link to
    // settings) is part of that load: the page keeps the browser's own start, as a fresh page does.
    const loading = replace && this.kind === 'load';
    this._update(loading ? 'load' : samePage && url.hash ? 'hash' : 'push');
  }

  private _update(kind: NavigationKind): void {
    this.route = routeAt(location.pathname);
    this.fragment = decodeFragment(location.hash);
    this.kind = kind;
    this.navigation += 1;
    this.host.requestUpdate();
  }

  private readonly _onPopState = (event: PopStateEvent): void => {
    const state = event.state as HistoryState | null;
    this.restoreScrollY = state?.scrollY ?? null;
    this._update('pop');
  };

  private readonly _onClick = (event: MouseEvent): void => {
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    ) {
      return;
    }
    // Links inside shadow roots are retargeted to their host, so look along the composed path.
    const anchor = event.composedPath().find((n): n is HTMLAnchorElement => n instanceof HTMLAnchorElement);
    if (!anchor || !anchor.href || anchor.hasAttribute('download') || (anchor.target && anchor.target !== '_self'))
      return;
    const url = new URL(anchor.href);
    // Outside the kit's path (another app on its host), the browser goes there itself.
    const path = url.origin === location.origin ? appRouteOf(url.pathname) : null;
    if (path === null || !isAppPath(path)) return;
    event.preventDefault();
    this.navigate(url.href);
  };
}

function decodeFragment(hash: string): string {
  try {
    return decodeURIComponent(hash.replace(/^#/, ''));
  } catch {
    return '';
  }
}
