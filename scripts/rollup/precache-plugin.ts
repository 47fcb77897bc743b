import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin } from 'rollup';
import { injectManifest } from 'workbox-build';
import { VERSION_META } from '../../src/content/app-version.js';

/**
 * After the service worker is written, names the build by the worker's code too (see
 * {@link nameWithWorker}), then injects the precache list of everything else in the output
 * folder. Rollup builds the app first, so the folder is complete by then.
 */
export function precachePlugin({ outDir, swFile }: { outDir: string; swFile: string }): Plugin {
  const named: Named = {};
  return {
    name: 'efk-precache',
    buildStart() {
      // In watch mode, a rebuilt app or new content must refresh the precache list too.
      for (const file of ['index.html', 'content/guides.json', 'content/worksheet.json'])
        this.addWatchFile(path.join(outDir, file));
    },
    async writeBundle() {
      const swPath = path.join(outDir, swFile);
      // Before the list: it holds index.html's revision, which the name changes.
      await nameWithWorker(path.join(outDir, 'index.html'), await readFile(swPath, 'utf8'), named);
      const { count, size, warnings } = await injectManifest({
        swSrc: swPath,
        swDest: swPath,
        globDirectory: outDir,
        globPatterns: ['**/*.{html,js,json,webmanifest,png,svg,ico}'],
        // The worker is not in its own list, and source maps are for developers, not the field.
        globIgnores: [swFile, '**/*.map', '.build-stamp'],
        // Hashed names already change with their content; no extra revision needed.
        dontCacheBustURLsMatching: /^(assets|content\/guides)\//,
      });
      if (warnings.length) this.warn(warnings.join('\n'));
      this.info(`precache: ${count} files, ${(size / 1024).toFixed(1)} KiB`);
    },
  };
}

/** The last name this plugin wrote, and the app's hash it folded the worker into. */
interface Named {
  app?: string;
  written?: string;
}

/**
 * The html plugin names the build by the app's files (`0.1.0+<hash>`); the worker is built after
 * them, and a release that changed only the worker kept the name of the one before, so a help
 * desk could not tell a phone that took it from one that did not. Here the hash becomes one of
 * the app's hash and the worker's code (as written, before its precache list, which holds
 * index.html's revision and so this very name). In watch mode a rebuilt worker finds its own
 * name in the file, and folds its new code into the app's hash it remembers.
 */
export async function nameWithWorker(htmlFile: string, workerCode: string, named: Named = {}): Promise<string> {
  const html = await readFile(htmlFile, 'utf8');
  const tag = new RegExp(`<meta name="${VERSION_META}" content="([^"+]+)\\+([0-9a-f]+)">`);
  const [found, version, hashed] = tag.exec(html) ?? [];
  if (!found || !version || !hashed) throw new Error(`${htmlFile} names no build (<meta name="${VERSION_META}">)`);
  const app = hashed === named.written && named.app ? named.app : hashed;
  const hash = createHash('sha256').update(`${app}\0`).update(workerCode).digest('hex').slice(0, 10);
  Object.assign(named, { app, written: hash });
  const name = `${version}+${hash}`;
  if (hash !== hashed)
    await writeFile(htmlFile, html.replace(found, `<meta name="${VERSION_META}" content="${name}">`));
  return name;
}
