/**
 * The production build ships the app's chunks as classic scripts in rollup's `amd` format, loaded
 * by this loader, rather than as ES modules. Chromium reuses V8's code cache for classic scripts
 * that the service worker answers from CacheStorage, but not for module scripts: measured here, an
 * offline cold start compiled ~240 KB of code from scratch every time as modules, and skipped that
 * work as classic scripts (the README's Performance section has the figures).
 *
 * It runs exactly what rollup emits: anonymous `define(deps, factory)` calls whose dependencies are
 * `'require'`, `'exports'` or chunk paths relative to the defining script. Like an ES module, each
 * chunk runs once, after its dependencies; unlike ES modules it cannot run an import cycle, which
 * the build refuses to emit (see scripts/rollup/html-plugin.ts).
 */

type Exports = Record<string, unknown>;
type Factory = (...args: unknown[]) => void;
/** What rollup calls for `import()`: `require([path], resolve, reject)`. */
type Require = (paths: string[], resolve: (...modules: Exports[]) => void, reject: (error: unknown) => void) => void;

export interface Define {
  (deps: string[], factory: Factory): void;
  /** Marks an AMD loader, as the AMD spec asks. */
  readonly amd: Record<string, never>;
}

interface ModuleRecord {
  readonly exports: Exports;
  readonly ready: Promise<Exports>;
  resolve(exports: Exports): void;
  reject(error: unknown): void;
  /** A script for it is in the page, or its define() has run. */
  requested: boolean;
  defined: boolean;
}

/**
 * A loader for the scripts of `doc`. `report` hears of a chunk that throws as it runs (the app
 * passes `reportError`, so the page's error handlers see it as they would an ES module's).
 */
export function createDefine(doc: Document, report: (error: unknown) => void): Define {
  const modules = new Map<string, ModuleRecord>();

  function record(url: string): ModuleRecord {
    let found = modules.get(url);
    if (!found) {
      let resolve!: (exports: Exports) => void;
      let reject!: (error: unknown) => void;
      const ready = new Promise<Exports>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // Whoever needs the module handles its failure; an unneeded failure is not an unhandled one.
      ready.catch(() => undefined);
      found = { exports: {}, ready, resolve, reject, requested: false, defined: false };
      modules.set(url, found);
    }
    return found;
  }

  function load(url: string): Promise<Exports> {
    const module = record(url);
    if (!module.requested) {
      module.requested = true;
      const script = doc.createElement('script');
      // As the browser fetches an import(): an inserted script would otherwise be low priority.
      script.fetchPriority = 'high';
      script.src = url;
      script.addEventListener('error', () => {
        // Forgotten, so a later import() of the same chunk tries the network again.
        modules.delete(url);
        script.remove();
        module.reject(new Error(`Could not load the script ${url}`));
      });
      doc.head.append(script);
    }
    return module.ready;
  }

  function requireFrom(base: string): Require {
    return (paths, resolve, reject) => {
      Promise.all(paths.map((path) => load(new URL(path, base).href))).then((loaded) => resolve(...loaded), reject);
    };
  }

  function define(deps: string[], factory: Factory): void {
    const script = doc.currentScript;
    if (!(script instanceof HTMLScriptElement) || !script.src) {
      throw new TypeError('define() must be called while a classic <script src> runs');
    }
    const url = script.src;
    const module = record(url);
    if (module.defined) throw new Error(`${url} called define() twice`);
    module.defined = true;
    module.requested = true;
    const args = deps.map((dep): unknown => {
      if (dep === 'exports') return module.exports;
      if (dep === 'require') return requireFrom(url);
      return load(new URL(dep, url).href);
    });
    Promise.all(args).then(
      (resolved) => {
        try {
          factory(...resolved);
        } catch (error) {
          // Kept as failed, as an ES module that throws stays failed.
          report(error);
          module.reject(error);
          return;
        }
        module.resolve(module.exports);
      },
      (error: unknown) => {
        // Never ran, so forgotten like a script that failed to load: a later import() retries.
        if (modules.get(url) === module) modules.delete(url);
        module.reject(error);
      },
    );
  }

  return Object.assign(define, { amd: {} });
}
