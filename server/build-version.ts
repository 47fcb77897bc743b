import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { VERSION_META } from '../src/content/app-version.js';

/**
 * The name of the app build the server serves, as the build wrote it into `index.html`
 * ({@link VERSION_META}), for `/health`: an IT team compares it with what a phone's Settings
 * shows. Read again whenever the file changes (`npm run dev` rebuilds under a running server);
 * without a build, or with a shell that names none, there is no version to give.
 */
export class BuildVersion {
  private readonly _file: string;
  private _read: { mtimeMs: number; version: string | undefined } | undefined;

  constructor(distDir: string) {
    this._file = path.join(distDir, 'index.html');
  }

  async version(): Promise<string | undefined> {
    const info = await stat(this._file).catch(() => null);
    if (!info) return undefined;
    if (this._read?.mtimeMs !== info.mtimeMs) {
      const html = await readFile(this._file, 'utf8').catch(() => '');
      const meta = new RegExp(`<meta name="${VERSION_META}" content="([^"<>]+)">`).exec(html);
      this._read = { mtimeMs: info.mtimeMs, version: meta?.[1] };
    }
    return this._read.version;
  }
}
