import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { runBuild } from '../support/build-app.js';
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
