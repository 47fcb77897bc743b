import type { OutputBundle, OutputChunk, Plugin } from 'rollup';
import type { GuideIndex, GuideSummary } from '../../src/content/guide.js';
import type { RouteName } from '../../src/routing/route.js';

/** What the pages of some routes load after the entry script: their own modules and data files. */
export interface RouteNeeds {
  readonly routes: readonly RouteName[];
  /** Source modules the routes import dynamically (each is a chunk of its own). */
  readonly modules?: readonly string[];
  /** Data files the routes fetch, by URL. */
  readonly data?: readonly string[];
  /** The routes fetch the guide index and then every guide's file (search). */
  readonly everyGuide?: boolean;
}

/**
 * The file the server reads: Link header values by route name (`guide:<slug>` for a guide, and
 * {@link EVERY_PAGE} for what every page loads). A dotfile, so the server never sends it and the
 * service worker never precaches it.
 */
export const PRELOAD_HINTS_FILE = '.preload-hints.json';

/** The key of the hints every page gets, before its route's own. */
export const EVERY_PAGE = '*';

export interface PreloadHints {
  readonly routes: Readonly<Record<string, readonly string[]>>;
}

/**
 * Writes {@link PRELOAD_HINTS_FILE}: for each route, what its page fetches once the entry script
 * has run, as `Link` header values. The server sends them with a first visit's page, so a phone
 * on a weak signal fetches those files beside the entry script instead of a round trip after it.
 * A module that is not a chunk of its own stops the build: its hint would fetch the wrong file.
 */
export function hintsPlugin({
  entry,
  needs,
  everyPage = [],
  guideIndex,
}: {
  entry: string;
  needs: readonly RouteNeeds[];
  /** Source modules every page imports dynamically as it starts (the service worker's helper). */
  everyPage?: readonly string[];
  /** The guide index's URL: a guide's page fetches it, then the guide's own file. */
  guideIndex: string;
}): Plugin {
  return {
    name: 'efk-hints',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).filter((o): o is OutputChunk => o.type === 'chunk');
      const main = chunks.find((c) => c.isEntry && c.facadeModuleId?.endsWith(entry));
      if (!main) return this.error(`no entry chunk for ${entry}`);
      // The page's own HTML loads these already.
      const loaded = new Set([main.fileName, ...main.imports]);
      const routes: Record<string, string[]> = {};
      const guides = guideUrls(bundle, guideIndex);
      const all: {
        routes: readonly string[];
        modules?: readonly string[];
        data?: readonly string[];
        everyGuide?: boolean;
      }[] = [...(everyPage.length ? [{ routes: [EVERY_PAGE], modules: everyPage }] : []), ...needs];
      for (const need of all) {
        const files = new Set<string>();
        for (const module of need.modules ?? []) {
          const chunk = chunks.find((c) => c.facadeModuleId?.endsWith(module));
          if (!chunk) return this.error(`${module} is not a chunk of its own, so it cannot be hinted`);
          for (const file of withImports(chunk, bundle)) if (!loaded.has(file)) files.add(file);
        }
        // Only files this build wrote: a build from other content may have no worksheet.
        const data = [
          ...(need.data ?? []),
          ...(need.everyGuide ? [guideIndex, ...guides.map((g) => g.url)] : []),
        ].filter((url) => bundle[url.slice(1)] !== undefined);
        const links = [...[...files].map(modulePreload), ...data.map(dataPreload)];
        for (const route of need.routes) routes[route] = [...(routes[route] ?? []), ...links];
      }
      for (const guide of guides) {
        routes[`guide:${guide.slug}`] = [dataPreload(guideIndex), dataPreload(guide.url)];
      }
      const hints: PreloadHints = { routes };
      this.emitFile({ type: 'asset', fileName: PRELOAD_HINTS_FILE, source: JSON.stringify(hints) });
    },
  };
}

/** A chunk's file and those it imports statically, which the browser would fetch next. */
function withImports(chunk: OutputChunk, bundle: OutputBundle): string[] {
  const files = [chunk.fileName];
  for (let i = 0; i < files.length; i += 1) {
    const next = bundle[files[i]!];
    if (next?.type !== 'chunk') continue;
    for (const file of next.imports) if (!files.includes(file)) files.push(file);
  }
  return files;
}

function modulePreload(file: string): string {
  return `</${file}>; rel=modulepreload`;
}

/** `crossorigin` matches the app's own fetch() (CORS mode, same-origin credentials), so the page uses the preload. */
function dataPreload(url: string): string {
  return `<${url}>; rel=preload; as=fetch; crossorigin`;
}

/** Each guide's slug and file, from the guide index the content plugin emitted before this plugin runs. */
function guideUrls(bundle: OutputBundle, guideIndex: string): readonly GuideSummary[] {
  const asset = bundle[guideIndex.slice(1)];
  return asset?.type === 'asset' ? (JSON.parse(String(asset.source)) as GuideIndex).guides : [];
}
