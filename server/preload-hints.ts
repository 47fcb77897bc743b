import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { matchRoute } from '../src/routing/route.js';
import { EVERY_PAGE, PRELOAD_HINTS_FILE, type PreloadHints } from '../scripts/rollup/hints-plugin.js';

/**
 * The `Link` header for an app page: what the build found its page loads after the entry script,
 * so a first visit fetches it at once. Read from the build's {@link PRELOAD_HINTS_FILE}, again
 * whenever the file changes (`npm run dev` rebuilds under a running server). Without the file, or
 * with one that cannot be read, pages go out without hints, as they would without this.
 */
export class PreloadHintsFile {
  private readonly _file: string;
  private _read: { mtimeMs: number; routes: PreloadHints['routes'] } | undefined;

  constructor(distDir: string) {
    this._file = path.join(distDir, PRELOAD_HINTS_FILE);
  }

  /** The header value for `pathname`, or undefined when its page needs nothing more. */
  async linkFor(pathname: string): Promise<string | undefined> {
    const route = matchRoute(pathname);
    const key = route.name === 'guide' ? `guide:${route.slug}` : route.name;
    const routes = await this._routes();
    const links = [...(routes[EVERY_PAGE] ?? []), ...(routes[key] ?? [])];
    return links.length ? links.join(', ') : undefined;
  }

  private async _routes(): Promise<PreloadHints['routes']> {
    const info = await stat(this._file).catch(() => null);
    if (!info) return {};
    if (this._read?.mtimeMs !== info.mtimeMs) {
      this._read = { mtimeMs: info.mtimeMs, routes: parseHints(await readFile(this._file, 'utf8').catch(() => '')) };
    }
    return this._read.routes;
  }
}

function parseHints(text: string): PreloadHints['routes'] {
  try {
    const { routes } = JSON.parse(text) as Partial<PreloadHints>;
    if (!routes || typeof routes !== 'object') return {};
    // Only strings go into a header; anything else in a damaged file is left out.
    return Object.fromEntries(
      Object.entries(routes).map(([key, links]) => [
        key,
        Array.isArray(links) ? links.filter((l): l is string => typeof l === 'string' && !/[\r\n]/.test(l)) : [],
      ]),
    );
  } catch {
    return {};
  }
}
