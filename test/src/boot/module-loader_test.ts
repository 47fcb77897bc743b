import { expect } from '@open-wc/testing';
import { createDefine } from '../../../src/boot/module-loader.js';

// The fixtures are classic scripts shaped like rollup's `amd` output; they report what ran here.
interface Fixture {
  ran: string[];
  done(value: unknown): void;
}
type Require = (paths: string[], resolve: (...modules: unknown[]) => void, reject: (error: unknown) => void) => void;
const scope = window as unknown as { define?: unknown; moduleLoaderFixture?: Fixture };
const fixtures = new URL('./fixtures/', import.meta.url).href;

/** Installs a fresh loader and returns a require() for the fixtures folder, from a real chunk. */
async function fixtureRequire(report: (error: unknown) => void = () => undefined): Promise<Require> {
  scope.define = createDefine(document, report);
  const required = new Promise<unknown>((done) => {
    scope.moduleLoaderFixture = { ran: [], done };
  });
  const script = document.createElement('script');
  script.src = `${fixtures}require-hook.js`;
  document.head.append(script);
  return (await required) as Require;
}

function requireOne(require: Require, path: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) =>
    require([path], (module) => resolve(module as Record<string, unknown>), reject),
  );
}

function ran(): string[] {
  return scope.moduleLoaderFixture!.ran;
}

describe('module loader (createDefine)', () => {
  afterEach(() => {
    delete scope.define;
    delete scope.moduleLoaderFixture;
    for (const script of document.head.querySelectorAll(`script[src^="${fixtures}"]`)) script.remove();
  });

  it('runs each chunk once, after its dependencies, resolving paths against the chunk that names them', async () => {
    const require = await fixtureRequire();
    const entry = await requireOne(require, './entry.js');
    const a = entry.a as Record<string, unknown>;
    const b = entry.b as Record<string, unknown>;
    expect([a.name, b.name]).to.deep.equal(['a', 'b']);
    expect(a.shared, 'one shared module, not two copies').to.equal(b.shared);
    expect(ran().filter((name) => name === 'shared')).to.have.length(1);
    expect(ran()[0]).to.equal('shared');
    expect(ran().at(-1)).to.equal('entry');
    expect(document.head.querySelectorAll(`script[src="${fixtures}lib/shared.js"]`)).to.have.length(1);
  });

  it('gives a chunk already loaded to a later import() without loading it again', async () => {
    const require = await fixtureRequire();
    const first = await requireOne(require, './lib/a.js');
    const again = await requireOne(require, './lib/a.js');
    expect(again).to.equal(first);
    expect(ran().filter((name) => name === 'a')).to.have.length(1);
  });

  it('rejects an import() whose script cannot load, and tries the network again next time', async () => {
    const require = await fixtureRequire();
    const added: string[] = [];
    const priorities: string[] = [];
    const observer = new MutationObserver((records) => {
      for (const node of records.flatMap((r) => [...r.addedNodes])) {
        if (node instanceof HTMLScriptElement) {
          added.push(node.src);
          priorities.push(node.fetchPriority);
        }
      }
    });
    observer.observe(document.head, { childList: true });
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = await requireOne(require, './needs-missing.js').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(Error);
        expect((error as Error).message).to.equal(`Could not load the script ${fixtures}missing.js`);
      }
    } finally {
      observer.disconnect();
    }
    expect(added.filter((src) => src === `${fixtures}missing.js`)).to.have.length(2);
    expect(
      added.filter((src) => src === `${fixtures}needs-missing.js`),
      'and the chunk that needed it',
    ).to.have.length(2);
    expect(ran()).to.not.include('needs-missing');
    expect(new Set(priorities), 'fetched as soon as an import() would be').to.deep.equal(new Set(['high']));
  });

  it('reports a chunk that throws, once, and fails what depends on it', async () => {
    const reported: unknown[] = [];
    const require = await fixtureRequire((error) => reported.push(error));
    const error = await requireOne(require, './needs-throws.js').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as Error).message).to.equal('the throws.js fixture failed');
    expect(reported).to.deep.equal([error]);
    expect(ran()).to.not.include('needs-throws');
    const again = await requireOne(require, './throws.js').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(again, 'a chunk that threw stays failed and is not run twice').to.equal(error);
    expect(reported).to.have.length(1);
  });

  it('refuses a define() that does not come from a classic script, which it could not name', () => {
    const define = createDefine(document, () => undefined);
    expect(() => define([], () => undefined)).to.throw(TypeError, /classic <script src>/);
  });
});
