import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Plugin } from 'rollup';
import { WORKSHEET_URL } from '../../src/content/worksheet.js';
import { buildGuidesFromDir, guideOutputFiles, type BuiltFile } from '../content/build-guides.js';
import { buildWorksheet } from '../content/build-worksheet.js';
import { ContentError } from '../content/content-error.js';

/**
 * Builds every guide in `contentDir` and the worksheet (`worksheet.yaml`, when present) into the
 * app's content files. A content mistake stops the build with the file and line, rather than
 * shipping a guide with a broken link or a question quoting words the guide does not say.
 */
export function contentPlugin({ contentDir }: { contentDir: string }): Plugin {
  let files: BuiltFile[] = [];
  return {
    name: 'efk-content',
    async buildStart() {
      this.addWatchFile(contentDir);
      try {
        const built = await buildGuidesFromDir(contentDir);
        for (const file of built.files) this.addWatchFile(file);
        files = guideOutputFiles(built.guides);
        const worksheetFile = path.join(contentDir, 'worksheet.yaml');
        const source = await readFile(worksheetFile, 'utf8').catch(() => null);
        if (source !== null) {
          this.addWatchFile(worksheetFile);
          const worksheet = buildWorksheet('worksheet.yaml', source, built.guides);
          files.push({ fileName: WORKSHEET_URL.slice(1), source: JSON.stringify(worksheet) });
        }
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
