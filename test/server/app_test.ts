import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { buildApp } from '../../server/app.js';
import { builtApp } from '../support/build-app.js';

describe('the server', () => {
  let app: FastifyInstance;
  let entryScript: string;
  let guideUrl: string;
  let distDir: string;

  let cleanup: () => Promise<void>;

  before(async () => {
    const out = await builtApp();
    cleanup = out.cleanup;
    distDir = out.dir;
    entryScript = /src="(\/assets\/main-[^"]+\.js)"/.exec(
      await readFile(path.join(out.dir, 'index.html'), 'utf8'),
    )![1]!;
    guideUrl = (
      JSON.parse(await readFile(path.join(out.dir, 'content/guides.json'), 'utf8')) as { guides: { url: string }[] }
    ).guides[0]!.url;
    app = await buildApp({ distDir: out.dir });
  });

  after(async () => {
    await app?.close();
    await cleanup?.();
  });

  it('serves the app shell for every app route, revalidated on each use', async () => {
    for (const url of [
      '/',
      '/guide/social-media',
      '/guide/social-media?x=1',
      '/worksheet',
      '/drafts',
      '/settings',
      '/search?q=feedback',
      '/no/such/page',
    ]) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.headers['content-type'] as string, /^text\/html/, url);
      assert.equal(res.headers['cache-control'], 'no-cache', url);
      assert.match(res.body, /<app-shell><\/app-shell>/, url);
    }
  });

  it('lets browsers keep hashed files for a year, and revalidates the guide index', async () => {
    const script = await app.inject({ url: entryScript });
    assert.equal(script.statusCode, 200);
    assert.equal(script.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(script.headers['content-type'] as string, /javascript/);
    const guide = await app.inject({ url: guideUrl });
    assert.equal(guide.headers['cache-control'], 'public, max-age=31536000, immutable');
    const index = await app.inject({ url: '/content/guides.json' });
    assert.equal(index.statusCode, 200);
    assert.equal(index.headers['cache-control'], 'no-cache');
  });

  it('tells a first visit what its page loads after the entry script (Link), naming only files it serves', async () => {
    const linked = async (url: string): Promise<string[]> => {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.body, /<app-shell><\/app-shell>/, url);
      const header = res.headers['link'];
      return header === undefined
        ? []
        : String(header)
            .split(', ')
            .map((l) => /^<([^>]+)>/.exec(l)![1]!);
    };
    // Every page loads the service worker's helper as it starts, after its own script.
    const [helper] = await linked('/no/such/page');
    assert.match(helper ?? '', /^\/assets\/workbox-window[\w.-]+\.js$/);
    assert.deepEqual(await linked('/'), [helper, '/content/guides.json']);
    assert.deepEqual(await linked('/guide/social-media'), [helper, '/content/guides.json', guideUrl]);
    for (const url of ['/worksheet', '/worksheet/new', '/drafts', '/worksheet/0b8f4a52-3f7e-4a7e-9a39-4e7e0f1c2d3e']) {
      const files = await linked(url);
      assert.ok(
        files.some((f) => /^\/assets\/worksheet-views-[\w-]+\.js$/.test(f)),
        `${url}: ${files.join(' ')}`,
      );
      assert.ok(files.includes('/content/worksheet.json'), url);
    }
    assert.ok((await linked('/settings')).some((f) => /^\/assets\/settings-page-[\w-]+\.js$/.test(f)));
    // Pages that load nothing more get no other hint; nor does a guide that does not exist.
    assert.deepEqual(await linked('/no/such/page'), [helper]);
    assert.deepEqual(await linked('/guide/no-such-guide'), [helper]);
    for (const url of ['/', '/guide/social-media', '/drafts', '/settings']) {
      for (const file of await linked(url)) {
        assert.equal((await app.inject({ url: file })).statusCode, 200, `${url} hints at ${file}`);
        assert.notEqual(file, entryScript, 'the page names its entry script itself');
      }
    }
    const res = await app.inject({ url: '/drafts' });
    assert.match(String(res.headers['link']), /<\/assets\/[^>]+\.js>; rel=modulepreload/);
    assert.match(String(res.headers['link']), /<\/content\/worksheet\.json>; rel=preload; as=fetch; crossorigin/);
    // The server's own file is neither served nor precached.
    assert.equal((await app.inject({ url: '/.preload-hints.json' })).statusCode, 404);
    assert.doesNotMatch(await readFile(path.join(distDir, 'sw.js'), 'utf8'), /preload-hints/);
  });

  it('sends pages without hints when the hints file is damaged, and picks up a rewritten one', async () => {
    const file = path.join(distDir, '.preload-hints.json');
    const good = await readFile(file, 'utf8');
    try {
      for (const damaged of ['{"routes": ', '[1, 2]', '{"routes": {"drafts": [7, "<a>; rel=x\\r\\nSet-Cookie: x"]}}']) {
        await writeFile(file, damaged);
        const res = await app.inject({ url: '/drafts' });
        assert.equal(res.statusCode, 200, damaged);
        assert.match(res.body, /<app-shell><\/app-shell>/);
        assert.equal(res.headers['link'], undefined, damaged);
      }
    } finally {
      await writeFile(file, good);
    }
    assert.match(String((await app.inject({ url: '/drafts' })).headers['link']), /worksheet-views/);
  });

  // An install dialog shows the manifest's screenshots (Chromium's richer one needs a narrow one on
  // a phone, a wide one on a computer) and its icons: each as the manifest says it is, and the
  // screenshots left out of what the worker keeps offline, which has no use for them.
  it('serves each image the manifest names, of the type and size it says, keeping screenshots out of the precache', async () => {
    const manifest = (await app.inject({ url: '/manifest.webmanifest' })).json<{
      icons: { src: string; sizes: string; type: string }[];
      screenshots: { src: string; sizes: string; type: string; form_factor: string; label: string }[];
    }>();
    assert.deepEqual(manifest.screenshots.map((s) => s.form_factor).sort(), ['narrow', 'narrow', 'wide']);
    const worker = await readFile(path.join(distDir, 'sw.js'), 'utf8');
    for (const image of [...manifest.icons, ...manifest.screenshots]) {
      const res = await app.inject({ url: image.src });
      assert.equal(res.statusCode, 200, image.src);
      assert.equal(res.headers['content-type'], image.type, image.src);
      const { width, height, format } = await sharp(res.rawPayload).metadata();
      assert.equal(`${width}x${height}`, image.sizes, image.src);
      assert.equal(`image/${format}`, image.type, image.src);
    }
    for (const shot of manifest.screenshots) {
      assert.ok(shot.label.length > 10, `${shot.src} is described for a screen reader`);
      const [width, height] = shot.sizes.split('x').map(Number) as [number, number];
      // Chromium's limits for a screenshot it shows: 320 to 3840 px a side, the long side at most 2.3 times the short.
      assert.ok(Math.min(width, height) >= 320 && Math.max(width, height) <= 3840, shot.src);
      assert.ok(Math.max(width, height) / Math.min(width, height) <= 2.3, shot.src);
      assert.doesNotMatch(worker, new RegExp(`"url":"${shot.src.slice(1)}"`), `${shot.src} is not precached`);
    }
    assert.match(worker, /"url":"icons\/icon-192\.png"/, 'the icons are');
  });

  it('answers unknown /api paths with a JSON 404, whatever the method', async () => {
    for (const [method, url] of [
      ['GET', '/api/nothing'],
      ['POST', '/api/drafts'],
      ['GET', '/api'],
    ] as const) {
      const res = await app.inject({ method, url });
      assert.equal(res.statusCode, 404, url);
      assert.match(res.headers['content-type'] as string, /^application\/json/);
      assert.equal(res.json<{ error: string }>().error, 'not_found');
    }
  });

  it('answers a missing file with 404, not with the app shell', async () => {
    for (const url of ['/assets/missing-abcdefgh.js', '/content/guides/nope.json', '/favicon.ico']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 404, url);
      assert.doesNotMatch(res.body, /app-shell/, url);
    }
  });

  it('sends a strict Content-Security-Policy and the other security headers', async () => {
    const res = await app.inject({ url: '/guide/social-media' });
    const csp = res.headers['content-security-policy'] as string;
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name!, values];
      }),
    );
    assert.deepEqual(directives.get('script-src'), ["'self'"]);
    assert.deepEqual(directives.get('default-src'), ["'self'"]);
    assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
    assert.deepEqual(directives.get('object-src'), ["'none'"]);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:|\*/, 'no inline script and no other origins');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
    assert.equal(res.headers['x-frame-options'], 'DENY');
  });

  it('reports that it is up, and which build of the app it serves', async () => {
    const res = await app.inject({ url: '/health' });
    assert.equal(res.statusCode, 200);
    const built = /<meta name="efk-version" content="([^"]+)">/.exec(
      await readFile(path.join(distDir, 'index.html'), 'utf8'),
    )![1]!;
    assert.deepEqual(res.json(), { status: 'ok', version: built });
  });
});

// Behind an agency's proxy at a path of a host it shares (PUBLIC_URL=https://apps.agency.gov.au/field-kit).
describe('the server, the kit under a path', () => {
  let app: FastifyInstance;
  let cleanup: () => Promise<void>;
  let distDir: string;

  before(async () => {
    const out = await builtApp();
    cleanup = out.cleanup;
    distDir = out.dir;
    app = await buildApp({ distDir, basePath: '/field-kit' });
  });
  after(async () => {
    await app?.close();
    await cleanup?.();
  });

  it('serves the shell under the path, naming it, with its files’ addresses and hints under it', async () => {
    for (const url of ['/field-kit', '/field-kit/', '/field-kit/guide/social-media?x=1', '/field-kit/index.html']) {
      const res = await app.inject({ url });
      assert.equal(res.statusCode, 200, url);
      assert.match(res.headers['content-type'] as string, /^text\/html/, url);
      assert.equal(res.headers['cache-control'], 'no-cache', url);
      assert.match(res.body, /<meta name="efk-base" content="\/field-kit\/">/, url);
      const addresses = [...res.body.matchAll(/\s(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
      assert.ok(addresses.length > 3 && addresses.every((a) => a.startsWith('/field-kit/')), addresses.join(' '));
    }
    const hinted = String((await app.inject({ url: '/field-kit/drafts' })).headers['link'])
      .split(', ')
      .map((l) => /^<([^>]+)>/.exec(l)![1]!);
    assert.ok(hinted.length > 0 && hinted.every((h) => h.startsWith('/field-kit/')), hinted.join(' '));
    for (const file of hinted) assert.equal((await app.inject({ url: file })).statusCode, 200, file);
  });

  it('serves its files, manifest and API under the path, and as a proxy that takes the path off passes them on', async () => {
    const built = await readFile(path.join(distDir, 'index.html'), 'utf8');
    const entry = /src="(\/assets\/main-[^"]+\.js)"/.exec(built)![1]!;
    for (const url of [`/field-kit${entry}`, entry, '/field-kit/content/guides.json', '/field-kit/sw.js'])
      assert.equal((await app.inject({ url })).statusCode, 200, url);
    const manifest = await app.inject({ url: '/field-kit/manifest.webmanifest' });
    assert.equal(manifest.statusCode, 200);
    assert.match(manifest.headers['content-type'] as string, /^application\/manifest\+json/);
    const read = manifest.json<{
      id: string;
      start_url: string;
      scope: string;
      icons: { src: string }[];
      shortcuts: { url: string; icons: { src: string }[] }[];
    }>();
    assert.deepEqual([read.id, read.start_url, read.scope], ['/field-kit/', '/field-kit/', '/field-kit/']);
    assert.ok(read.icons.every((i) => i.src.startsWith('/field-kit/icons/')));
    assert.deepEqual(
      read.shortcuts.map((s) => s.url),
      ['/field-kit/guide/social-media', '/field-kit/worksheet'],
    );
    assert.equal((await app.inject({ url: '/field-kit/health' })).json<{ status: string }>().status, 'ok');
    const api = await app.inject({ url: '/field-kit/api/no-such-route' });
    assert.equal(api.statusCode, 404);
    assert.equal(api.json<{ error: string }>().error, 'not_found');
    // A path that only begins the same is not the kit's.
    assert.notEqual((await app.inject({ url: '/field-kit-other/api/x' })).headers['content-type'], 'application/json');
  });
});
