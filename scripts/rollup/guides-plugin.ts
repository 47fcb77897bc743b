import type { Plugin } from 'rollup';
import { buildGuidesFromDir, guideOutputFiles } from '../content/build-guides.js';
import { ContentError } from '../content/content-error.js';

/**
 * Builds every guide in `contentDir` into the app's content files. A content mistake stops the
 * build with the file and line, rather than shipping a guide with a broken link.
 */
export function guidesPlugin({ contentDir }: { contentDir: string }): Plugin {
  let files: { fileName: string; source: string }[] = [];
  return {
    name: 'efk-guides',
    async buildStart() {
      this.addWatchFile(contentDir);
      try {
        const built = await buildGuidesFromDir(contentDir);
        for (const file of built.files) this.addWatchFile(file);
        files = guideOutputFiles(built.guides);
      } catch (error) {
        if (error instanceof ContentError) this.error(`content error: ${error.message}`);
        throw error;
      }
    },
    generateBundle() {
      for (const { fileName, source } of files) this.emitFile({ type: 'asset', fileName, source });
    },
  };
}
