import path from 'node:path';
import type { Plugin } from 'rollup';
import { injectManifest } from 'workbox-build';

/**
 * After the service worker is written, injects the precache list of everything else in the
 * output folder. Rollup builds the app first, so the folder is complete by then.
 */
export function precachePlugin({ outDir, swFile }: { outDir: string; swFile: string }): Plugin {
  return {
    name: 'efk-precache',
    buildStart() {
      // In watch mode, a rebuilt app or new content must refresh the precache list too.
      for (const file of ['index.html', 'content/guides.json', 'content/worksheet.json'])
        this.addWatchFile(path.join(outDir, file));
    },
    async writeBundle() {
      const swPath = path.join(outDir, swFile);
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
