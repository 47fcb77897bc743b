import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';
import type { OutputBundle, OutputChunk, Plugin } from 'rollup';

/**
 * Writes `index.html` with the entry chunk's hashed name in place of its source path, and puts the
 * module loader at the top of that chunk (src/boot/module-loader.ts says why the chunks are not ES
 * modules). In the same file rather than a script of its own: on a slow link every script before
 * the first render is another round trip.
 */
export function htmlPlugin({ template, entry, loader }: { template: string; entry: string; loader: string }): Plugin {
  let loaderCode: Promise<string> | undefined;
  const isEntry = (chunk: { isEntry: boolean; facadeModuleId: string | null }) =>
    chunk.isEntry && chunk.facadeModuleId?.endsWith(entry.replace(/^\//, '')) === true;
  return {
    name: 'efk-html',
    buildStart() {
      this.addWatchFile(template);
      this.addWatchFile(loader);
      loaderCode = bundleLoader(loader);
    },
    // Part of the chunk's hash, so a changed loader gets a new file name.
    async banner(chunk) {
      return isEntry(chunk) ? await loaderCode! : '';
    },
    async generateBundle(options, bundle) {
      if (options.format !== 'amd') this.error(`the app's chunks must be built as "amd" for ${loader}`);
      const chunks = Object.values(bundle).filter((o): o is OutputChunk => o.type === 'chunk');
      const main = chunks.find(isEntry);
      if (!main) this.error(`no entry chunk for ${entry}`);
      const cycle = findImportCycle(bundle);
      if (cycle)
        this.error(`chunks import each other in a cycle, which the module loader cannot run: ${cycle.join(' → ')}`);
      const html = await readFile(template, 'utf8');
      const tag = `<script type="module" src="${entry}"></script>`;
      if (!html.includes(tag)) this.error(`${template} must contain ${tag}`);
      // High priority, as the browser gives module scripts: a deferred classic script gets low,
      // and the first render waits for it.
      const preloads = main.imports.map(
        (file) => `<link rel="preload" as="script" href="/${file}" fetchpriority="high">`,
      );
      const scripts = [...preloads, `<script src="/${main.fileName}" defer fetchpriority="high"></script>`];
      this.emitFile({ type: 'asset', fileName: 'index.html', source: html.replace(tag, scripts.join('\n    ')) });
    },
  };
}

async function bundleLoader(file: string): Promise<string> {
  const result = await build({
    entryPoints: [file],
    bundle: true,
    format: 'iife',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    write: false,
  });
  return result.outputFiles[0]!.text.trim();
}

/** A chain of static imports between chunks that comes back to where it started, if any. */
function findImportCycle(bundle: OutputBundle): string[] | undefined {
  const done = new Set<string>();
  const visit = (file: string, path: string[]): string[] | undefined => {
    const start = path.indexOf(file);
    if (start >= 0) return [...path.slice(start), file];
    if (done.has(file)) return undefined;
    const chunk = bundle[file];
    for (const next of chunk?.type === 'chunk' ? chunk.imports : []) {
      const cycle = visit(next, [...path, file]);
      if (cycle) return cycle;
    }
    done.add(file);
    return undefined;
  };
  for (const file of Object.keys(bundle)) {
    const cycle = visit(file, []);
    if (cycle) return cycle;
  }
  return undefined;
}
