import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { buildGuidesFromDir, guideOutputFiles } from '../../../scripts/content/build-guides.js';
import { ContentError } from '../../../scripts/content/content-error.js';
import type { Guide } from '../../../src/content/guide.js';
import { ROOT } from '../../support/build-app.js';
import { tempDirWith } from '../../support/temp-dir.js';

const FRONT = `---
title: test
attribution:
  publisher: Test publisher
  work: Test work
  licence: CC BY 4.0
  licence_url: https://creativecommons.org/licenses/by/4.0/
---
`;

async function socialMedia(): Promise<Guide> {
  const { guides } = await buildGuidesFromDir(path.join(ROOT, 'content'));
  const guide = guides.find((g) => g.slug === 'social-media');
  assert.ok(guide, 'content/social_media.md builds a guide with slug social-media');
  return guide;
}

async function buildError(files: Record<string, string>): Promise<ContentError> {
  const temp = await tempDirWith(files);
  try {
    await buildGuidesFromDir(temp.dir);
  } catch (error) {
    assert.ok(error instanceof ContentError, `expected a ContentError, got ${String(error)}`);
    return error;
  } finally {
    await temp.cleanup();
  }
  throw new assert.AssertionError({ message: 'the build accepted content it should have refused' });
}

describe('the social media guide', () => {
  it('has its title, strapline, date and attribution', async () => {
    const guide = await socialMedia();
    assert.equal(guide.title, 'Social media');
    assert.equal(guide.summary, 'How and when to use social media');
    assert.equal(guide.updated, '2015-03-27');
    assert.match(guide.attribution.publisher, /Digital Transformation/);
    assert.equal(guide.attribution.licenceUrl, 'https://creativecommons.org/licenses/by/4.0/');
    assert.equal(guide.source, 'social_media.md');
  });

  it('has five sections that keep the guide’s own anchors', async () => {
    const guide = await socialMedia();
    assert.deepEqual(
      guide.sections.map((s) => [s.id, s.level, s.title]),
      [
        ['why-must-i', 2, 'Why must I?'],
        ['how-do-i', 2, 'How do I?'],
        ['understand', 3, 'Understand social media activities'],
        ['develop', 3, 'Develop an engagement strategy'],
        ['keep', 3, 'Keep your knowledge current'],
      ],
    );
    assert.deepEqual(guide.sections.find((s) => s.id === 'develop')?.aliases, ['develop-an-engagement-strategy']);
  });

  it('turns links into the guide into in-app section links', async () => {
    const howDoI = (await socialMedia()).sections.find((s) => s.id === 'how-do-i')!;
    for (const id of ['understand', 'develop', 'keep']) {
      assert.match(howDoI.html, new RegExp(`<a href="/guide/social-media#${id}" class="in-kit">`));
    }
    assert.doesNotMatch(howDoI.html, /\.md/);
  });

  it('shows links to pages outside the kit as text with a note, never as links', async () => {
    const guide = await socialMedia();
    const all = guide.introHtml + guide.sections.map((s) => s.html).join('');
    assert.match(guide.introHtml, /<span class="not-in-kit">let us know<\/span><span class="not-in-kit-note"> \(not part of this kit\)<\/span>/);
    assert.match(all, /<span class="not-in-kit">Department of Human Services connecting with clients\svia social media<\/span>/);
    assert.doesNotMatch(all, /href="[^"]*\.md/);
    assert.doesNotMatch(all, /href="\.\.?\//);
  });

  it('marks every external link and opens it in a new tab without an opener', async () => {
    const guide = await socialMedia();
    const all = guide.introHtml + guide.sections.map((s) => s.html).join('');
    const externals = [...all.matchAll(/<a href="(https?:[^"]+)"([^>]*)>/g)];
    assert.equal(externals.length, 6, 'the guide has six external links');
    for (const [, href, attrs] of externals) {
      assert.match(attrs!, /class="external"/, href);
      assert.match(attrs!, /target="_blank"/, href);
      assert.match(attrs!, /rel="noopener"/, href);
    }
    assert.equal(all.match(/\(external link, opens in a new tab\)/g)?.length, 6);
  });

  it('keeps the "Last updated" footer as data, not as body text', async () => {
    const guide = await socialMedia();
    const all = guide.introHtml + guide.sections.map((s) => s.html).join('');
    assert.doesNotMatch(all, /Last updated/);
    assert.doesNotMatch(all, /Provide feedback on this page/);
  });
});

describe('building any number of guides', () => {
  it('builds every Markdown file and links guides to each other', async () => {
    const temp = await tempDirWith({
      'alpha.md': `${FRONT}Alpha\n=====\n\nFirst guide.\n\n## Start here\n\nSee [the other guide](beta.md) and [its detail](beta.md#detail).\n`,
      'beta.md': `${FRONT}Beta\n====\n\nSecond guide.\n\n## Detail\n\nBack to [Start here](alpha.md#start-here).\n`,
      'more/gamma_three.md': `${FRONT}Gamma\n=====\n\nThird.\n\n## Only\n\nText.\n`,
    });
    after(() => temp.cleanup());
    const { guides } = await buildGuidesFromDir(temp.dir);
    assert.deepEqual(guides.map((g) => g.slug).sort(), ['alpha', 'beta', 'gamma-three']);
    const alpha = guides.find((g) => g.slug === 'alpha')!;
    assert.match(alpha.sections[0]!.html, /<a href="\/guide\/beta" class="in-kit">the other guide<\/a>/);
    assert.match(alpha.sections[0]!.html, /<a href="\/guide\/beta#detail" class="in-kit">its detail<\/a>/);

    const files = guideOutputFiles(guides);
    const index = JSON.parse(files.find((f) => f.fileName === 'content/guides.json')!.source) as { guides: { slug: string; url: string }[] };
    assert.deepEqual(index.guides.map((g) => g.slug), ['alpha', 'beta', 'gamma']
      .map((s) => (s === 'gamma' ? 'gamma-three' : s)));
    for (const entry of index.guides) {
      assert.match(entry.url, new RegExp(`^/content/guides/${entry.slug}\\.[0-9a-f]{10}\\.json$`));
      assert.ok(files.some((f) => `/${f.fileName}` === entry.url), `${entry.url} is written`);
    }
  });

  it('changes a guide’s file name when, and only when, its content changes', async () => {
    const one = await tempDirWith({ 'a.md': `${FRONT}A\n=\n\nText one.\n` });
    const two = await tempDirWith({ 'a.md': `${FRONT}A\n=\n\nText two.\n` });
    after(async () => {
      await one.cleanup();
      await two.cleanup();
    });
    const name = async (dir: string) => guideOutputFiles((await buildGuidesFromDir(dir)).guides)[0]!.fileName;
    assert.equal(await name(one.dir), await name(one.dir));
    assert.notEqual(await name(one.dir), await name(two.dir));
  });
});

describe('content mistakes stop the build with file and line', () => {
  it('names the line of a link to a missing anchor', async () => {
    const error = await buildError({
      'guide.md': `${FRONT}Guide\n=====\n\n## Real section\n\nText.\n\nSee [nowhere](guide.md#nowhere).\n`,
    });
    assert.equal(error.file, 'guide.md');
    assert.equal(error.line, 16);
    assert.match(error.message, /^guide\.md:16: link "guide\.md#nowhere" points at "#nowhere", which is not a section of guide\.md$/);
  });

  it('names the line of invalid YAML in the front matter', async () => {
    const error = await buildError({ 'bad.md': `---\ntitle: ok\nattribution: [unclosed\n---\nT\n=\n` });
    assert.equal(error.file, 'bad.md');
    assert.equal(error.line, 3, 'the line of the unclosed list');
    assert.match(error.message, /front matter is not valid YAML/);
  });

  it('refuses front matter without the attribution, an unknown key, or no front matter at all', async () => {
    const missing = await buildError({ 'a.md': `---\ntitle: A\n---\nA\n=\n` });
    assert.match(missing.message, /^a\.md:1: front matter needs "attribution"/);
    const unknown = await buildError({ 'b.md': FRONT.replace('title: test', 'title: test\ntilte: typo') + 'B\n=\n' });
    assert.match(unknown.message, /^b\.md:3: unknown front matter key "tilte"/);
    const none = await buildError({ 'c.md': 'C\n=\n' });
    assert.match(none.message, /^c\.md:1: front matter must start/);
  });

  // WCAG 3.1.2 (language of parts): guidance in another language is read in that language's voice,
  // and Arabic or Persian runs right to left; what the kit itself adds to it stays the kit's English.
  it('carries a guide’s language and direction from its front matter, and marks the kit’s own notes in it as English', async () => {
    const temp = await tempDirWith({
      'arabic.md': `${FRONT.replace('title: test', 'title: test\nlang: ar')}دليل\n====\n\nمقدمة.\n\n## البداية\n\nانظر [موقعنا](https://example.gov.au/) و[صفحة](../other.md).\n`,
      'vietnamese.md': `${FRONT.replace('title: test', 'title: test\nlang: VI')}Hướng dẫn\n=========\n\nGiới thiệu.\n`,
      'english.md': `${FRONT}English\n=======\n\nIntro.\n\n## Part\n\nSee [a site](https://example.gov.au/).\n`,
    });
    after(() => temp.cleanup());
    const { guides } = await buildGuidesFromDir(temp.dir);
    const bySlug = (slug: string): Guide => guides.find((g) => g.slug === slug)!;
    assert.deepEqual([bySlug('arabic').lang, bySlug('arabic').dir], ['ar', 'rtl']);
    assert.deepEqual([bySlug('vietnamese').lang, bySlug('vietnamese').dir], ['vi', 'ltr'], 'the tag as written canonically');
    assert.deepEqual([bySlug('english').lang, bySlug('english').dir], [undefined, undefined], 'the kit’s own language');
    const arabic = bySlug('arabic').sections[0]!.html;
    assert.match(arabic, /<span class="visually-hidden" lang="en-AU"> \(external link, opens in a new tab\)<\/span>/);
    assert.match(arabic, /<span class="not-in-kit-note" lang="en-AU"> \(not part of this kit\)<\/span>/);
    assert.doesNotMatch(bySlug('english').sections[0]!.html, /lang=/);
    const index = JSON.parse(guideOutputFiles(guides).find((f) => f.fileName === 'content/guides.json')!.source) as {
      guides: { slug: string; lang?: string; dir?: string }[];
    };
    assert.deepEqual(
      index.guides.find((g) => g.slug === 'arabic'),
      { ...index.guides.find((g) => g.slug === 'arabic'), lang: 'ar', dir: 'rtl' },
      'the index too, for the list of guides',
    );
    const bad = await buildError({ 'd.md': FRONT.replace('title: test', 'title: test\nlang: Arabic language') + 'D\n=\n' });
    assert.match(bad.message, /^d\.md:3: front matter "lang" must be a language tag such as ar or vi/);
  });

  it('gives headings in any script ids of their own words, and links to them by those words', async () => {
    const temp = await tempDirWith({
      'arabic.md': `${FRONT.replace('title: test', 'title: test\nlang: ar')}دليل\n====\n\nمقدمة.\n\n## البداية\n\nثم [الخطوات التالية](arabic.md#الخطوات-التالية).\n\n## الخطوات التالية\n\nنص.\n\n## Kết quả mong đợi\n\nVăn bản.\n`,
    });
    after(() => temp.cleanup());
    const [guide] = (await buildGuidesFromDir(temp.dir)).guides;
    assert.deepEqual(
      guide!.sections.map((s) => s.id),
      ['البداية', 'الخطوات-التالية', 'ket-qua-mong-đoi'],
    );
    assert.match(guide!.sections[0]!.html, /<a href="\/guide\/arabic#الخطوات-التالية" class="in-kit">/);
    // Only the URL's own part of the guide stays in Latin letters: a file named in Arabic needs a slug.
    const unnamed = await buildError({ 'دليل.md': `${FRONT}D\n=\n` });
    assert.match(unnamed.message, /^دليل\.md:1: .*give it a "slug:"/);
  });

  it('refuses two headings with the same id', async () => {
    const error = await buildError({ 'd.md': `${FRONT}D\n=\n\n## Same\n\n## Same\n` });
    assert.match(error.message, /^d\.md:14: heading "Same" has the same id "same" as the heading on line 12$/);
  });
});

describe('guide HTML is sanitised', () => {
  it('never carries script, event handlers or script URLs, whatever the Markdown says', async () => {
    const temp = await tempDirWith({
      'x.md': `${FRONT}X\n=\n\n## Attack\n\n<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=)\n\n<a href="#" onclick="alert(4)">x</a>\n`,
    });
    after(() => temp.cleanup());
    const html = (await buildGuidesFromDir(temp.dir)).guides[0]!.sections[0]!.html;
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<img/i);
    assert.doesNotMatch(html, /<a[^>]+onclick/i);
    assert.doesNotMatch(html, /href="(javascript|data):/i);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, 'raw HTML is shown as text');
  });
});

describe('the content file', () => {
  it('keeps the published guide word for word below its front matter', async () => {
    const ours = await readFile(path.join(ROOT, 'content/social_media.md'), 'utf8');
    assert.match(ours, /^---\ntitle: social_media\.md\nlayout: default\n/);
    assert.match(ours, /\n---\nSocial media\n============\n/);
    assert.match(ours, /\*\*Last updated\*\*: 27 March 2015/);
  });
});
