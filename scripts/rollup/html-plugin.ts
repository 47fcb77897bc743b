import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { OutputBundle, OutputChunk, Plugin } from 'rollup';
import { VERSION_META } from '../../src/content/app-version.js';

/**
 * Writes `index.html` with the entry script's hashed name in place of its source path, preloads
 * the entry's static imports so the browser fetches them in parallel, and names the build:
 * `version` (the package's), then `+` and a hash of every other file the build wrote so far, so
 * the same files give the same name and any change another (the service worker, built after,
 * folds its own code into the hash: precache-plugin.ts). Put it after the plugins that emit
 * files (content, icons, public files), so their files count.
 */
export function htmlPlugin({ template, entry, version }: { template: string; entry: string; version: string }): Plugin {
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
      const meta = `<meta name="${VERSION_META}" content="${version}+${buildHash(bundle)}">`;
      if (!html.includes('<meta charset="utf-8" />')) this.error(`${template} must contain <meta charset="utf-8" />`);
      const source = html
        .replace(tag, script)
        .replace('<meta charset="utf-8" />', `<meta charset="utf-8" />\n    ${meta}`);
      this.emitFile({ type: 'asset', fileName: 'index.html', source });
    },
  };
}

/** Ten hex digits of a hash of every file in the bundle, by name and content, in name order. */
function buildHash(bundle: OutputBundle): string {
  const hash = createHash('sha256');
  for (const name of Object.keys(bundle).sort()) {
    const file = bundle[name]!;
    hash.update(`${name}\0`);
    hash.update(file.type === 'chunk' ? file.code : file.source);
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 10);
}
