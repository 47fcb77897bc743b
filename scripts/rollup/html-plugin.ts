import { readFile } from 'node:fs/promises';
import type { OutputChunk, Plugin } from 'rollup';

/**
 * Writes `index.html` with the entry script's hashed name in place of its source path, and
 * preloads the entry's static imports so the browser fetches them in parallel.
 */
export function htmlPlugin({ template, entry }: { template: string; entry: string }): Plugin {
  return {
    name: 'efk-html',
    buildStart() {
      this.addWatchFile(template);
    },
    async generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((o): o is OutputChunk => o.type === 'chunk');
      const main = chunks.find((c) => c.isEntry && c.facadeModuleId?.endsWith(entry.replace(/^\//, '')));
      if (!main) this.error(`no entry chunk for ${entry}`);
      const html = await readFile(template, 'utf8');
      const tag = `<script type="module" src="${entry}"></script>`;
      if (!html.includes(tag)) this.error(`${template} must contain ${tag}`);
      const preloads = main.imports.map((file) => `<link rel="modulepreload" href="/${file}">`).join('\n    ');
      const script = `${preloads ? `${preloads}\n    ` : ''}<script type="module" src="/${main.fileName}"></script>`;
      this.emitFile({ type: 'asset', fileName: 'index.html', source: html.replace(tag, script) });
    },
  };
}
