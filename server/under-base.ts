import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { APP_BASE_META } from '../src/routing/app-base.js';

/**
 * A request's URL under the kit's path `basePath` (`/field-kit/drafts?x` to `/drafts?x`), for the
 * router; one outside it as it is (a proxy that took the path off already).
 */
export function withoutBase(url: string, basePath: string): string {
  if (url !== basePath && !url.startsWith(`${basePath}/`) && !url.startsWith(`${basePath}?`)) return url;
  const rest = url.slice(basePath.length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** Manifest members that hold addresses (the icons' and screenshots' `src` within them). */
const MANIFEST_ADDRESSES = new Set(['id', 'start_url', 'scope', 'src', 'url']);

/**
 * The built shell and manifest as served under the kit's path: their addresses (written from the
 * root of a host) under it, and the shell naming it for the app (APP_BASE_META). Read again when
 * the build changes (`npm run dev` rebuilds under a running server).
 */
export class UnderBase {
  private readonly _files = new Map<string, { mtimeMs: number; text: string }>();

  constructor(
    private readonly distDir: string,
    private readonly basePath: string,
  ) {}

  /** index.html: every `href` and `src` from the root, under the path, and the path named. */
  shell(): Promise<string> {
    return this._read('index.html', (html) =>
      html
        .replace(/(\s(?:href|src)=")\/(?!\/)/g, `$1${this.basePath}/`)
        .replace(/<head>/, `<head>\n    <meta name="${APP_BASE_META}" content="${this.basePath}/">`),
    );
  }

  /** manifest.webmanifest, its addresses under the path. */
  manifest(): Promise<string> {
    return this._read('manifest.webmanifest', (json) =>
      JSON.stringify(
        JSON.parse(json, (key, value: unknown) =>
          MANIFEST_ADDRESSES.has(key) && typeof value === 'string' && value.startsWith('/')
            ? `${this.basePath}${value}`
            : value,
        ),
      ),
    );
  }

  /** A `Link` header's addresses under the path. */
  links(link: string): string {
    return link.replace(/<\//g, `<${this.basePath}/`);
  }

  private async _read(file: string, rewrite: (text: string) => string): Promise<string> {
    const full = path.join(this.distDir, file);
    const { mtimeMs } = await stat(full);
    const known = this._files.get(file);
    if (known?.mtimeMs === mtimeMs) return known.text;
    const text = rewrite(await readFile(full, 'utf8'));
    this._files.set(file, { mtimeMs, text });
    return text;
  }
}
