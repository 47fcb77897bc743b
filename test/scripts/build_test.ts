import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { ROOT, runBuild } from '../support/build-app.js';
import { tempDirWith } from '../support/temp-dir.js';

describe('npm run build', () => {
  it('writes the shell, hashed scripts and the guide data', async () => {
    const out = await tempDirWith();
    after(() => out.cleanup());
    const result = await runBuild(out.dir);
    assert.equal(result.code, 0, result.output);
    const html = await readFile(path.join(out.dir, 'index.html'), 'utf8');
    const script = /<script type="module" src="\/(assets\/main-[\w-]{8}\.js)"><\/script>/.exec(html);
    assert.ok(script, 'index.html loads the hashed entry script');
    assert.ok((await readdir(path.join(out.dir, 'assets'))).includes(path.basename(script[1]!)));
    assert.doesNotMatch(html, /src\/main\.ts/);
    const index = JSON.parse(await readFile(path.join(out.dir, 'content/guides.json'), 'utf8')) as {
      guides: { slug: string; url: string }[];
    };
    assert.deepEqual(
      index.guides.map((g) => g.slug),
      ['social-media'],
    );
    const guide = JSON.parse(await readFile(path.join(out.dir, index.guides[0]!.url), 'utf8')) as {
      sections: unknown[];
    };
    assert.equal(guide.sections.length, 5);
  });

  // What a help desk asks for ("which version is on your phone?"), and what tells a phone still
  // on the last build from one that took the update.
  it('names the build in its shell: the same for the same files, another when any file changes', async () => {
    const guide = (words: string): string =>
      `---\ntitle: G\nattribution:\n  publisher: P\n  work: W\n  licence: L\n  licence_url: https://example.org/licence\n---\nG\n=\n\n## Only section\n\n${words}\n`;
    const { version } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const built: string[] = [];
    for (const words of ['Words.', 'Words.', 'Other words.']) {
      const content = await tempDirWith({ 'g.md': guide(words) });
      const out = await tempDirWith();
      after(() => Promise.all([content.cleanup(), out.cleanup()]));
      const result = await runBuild(out.dir, content.dir);
      assert.equal(result.code, 0, result.output);
      const html = await readFile(path.join(out.dir, 'index.html'), 'utf8');
      const meta = /<meta name="efk-version" content="([^"]+)">/.exec(html);
      assert.ok(meta, 'index.html names its build');
      built.push(meta[1]!);
    }
    assert.match(
      built[0]!,
      new RegExp(`^${version.replaceAll('.', '\\.')}\\+[0-9a-f]{10}$`),
      'the package’s version, then the build’s',
    );
    assert.equal(built[1], built[0], 'the same files, the same name');
    assert.notEqual(built[2], built[0], 'a guide changed: another name');
  });

  it('writes what each page loads after its script, naming only files the build wrote', async () => {
    const guide = (title: string): string =>
      `---\ntitle: ${title}\nattribution:\n  publisher: P\n  work: W\n  licence: L\n  licence_url: https://example.org/licence\n---\n${title}\n${'='.repeat(title.length)}\n\n## Only section\n\nWords.\n`;
    // Two guides and no worksheet: nothing may point at a worksheet file this build has not written.
    const content = await tempDirWith({ 'first_guide.md': guide('First guide'), 'second.md': guide('Second') });
    const out = await tempDirWith();
    after(async () => {
      await content.cleanup();
      await out.cleanup();
    });
    const result = await runBuild(out.dir, content.dir);
    assert.equal(result.code, 0, result.output);
    const { routes } = JSON.parse(await readFile(path.join(out.dir, '.preload-hints.json'), 'utf8')) as {
      routes: Record<string, string[]>;
    };
    const index = JSON.parse(await readFile(path.join(out.dir, 'content/guides.json'), 'utf8')) as {
      guides: { slug: string; url: string }[];
    };
    assert.equal(index.guides.length, 2);
    for (const g of index.guides) {
      assert.deepEqual(routes[`guide:${g.slug}`], [
        '</content/guides.json>; rel=preload; as=fetch; crossorigin',
        `<${g.url}>; rel=preload; as=fetch; crossorigin`,
      ]);
    }
    assert.deepEqual(routes['home'], ['</content/guides.json>; rel=preload; as=fetch; crossorigin']);
    const assets = await readdir(path.join(out.dir, 'assets'));
    // Every page's: the service worker's helper, which main.ts loads as it starts.
    const [helper] = routes['*']!;
    assert.match(helper!, /^<\/assets\/workbox-window[\w.-]+\.js>; rel=modulepreload$/);
    assert.ok(assets.includes(/<\/assets\/([^>]+)>/.exec(helper!)![1]!));
    for (const route of ['worksheet', 'new-draft', 'draft', 'drafts', 'settings', 'join']) {
      const links = routes[route]!;
      assert.ok(links.length > 0, route);
      for (const link of links) {
        const file = /^<\/assets\/([^>]+)>; rel=modulepreload$/.exec(link);
        assert.ok(file, `${route}: only its chunks (no worksheet in this build): ${link}`);
        assert.ok(assets.includes(file[1]!), `${route}: ${file[1]} was written`);
      }
    }
  });

  it('fails on a link to a missing anchor, naming the file and line', async () => {
    const content = await tempDirWith({
      'broken.md': `---\ntitle: Broken\nattribution:\n  publisher: P\n  work: W\n  licence: L\n  licence_url: https://example.org/licence\n---\nBroken\n======\n\n## Only section\n\nSee [there](broken.md#there).\n`,
    });
    const out = await tempDirWith();
    after(async () => {
      await content.cleanup();
      await out.cleanup();
    });
    const result = await runBuild(out.dir, content.dir);
    assert.notEqual(result.code, 0, 'the build must fail');
    assert.match(
      result.output,
      /broken\.md:14: link "broken\.md#there" points at "#there", which is not a section of broken\.md/,
    );
    await assert.rejects(readFile(path.join(out.dir, 'index.html')), 'no half-built app is left to serve');
  });
});
