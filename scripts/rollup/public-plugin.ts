import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin } from 'rollup';

/** Copies `public/` (manifest, icons) into the output as it is, so the service worker can precache it. */
export function publicPlugin({ dir }: { dir: string }): Plugin {
  return {
    name: 'efk-public',
    async generateBundle() {
      const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return []; // a kit without public files is still a kit
          throw error;
        },
      );
      for (const entry of entries) {
        if (!entry.isFile() || entry.name.startsWith('.')) continue;
        const full = path.join(entry.parentPath, entry.name);
        this.addWatchFile(full);
        const fileName = path.relative(dir, full).split(path.sep).join('/');
        this.emitFile({ type: 'asset', fileName, source: await readFile(full) });
      }
    },
  };
}
