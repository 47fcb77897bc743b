import { expect } from '@open-wc/testing';
import type { Guide } from '../../../src/content/guide.js';
import { searchableSections } from '../../../src/content/guide-passages.js';
import { builtGuide } from '../support/built-guides.js';

describe('searchableSections', () => {
  it('reads the built guide as its introduction and sections, in plain-text passages', async () => {
    const guide = await builtGuide();
    const sections = searchableSections(guide);
    expect(sections.map((s) => s.sectionId)).to.deep.equal(['', ...guide.sections.map((s) => s.id)]);
    expect(sections[0]!.title).to.equal(guide.title);
    const develop = sections.find((s) => s.sectionId === 'develop')!;
    expect(develop.passages).to.include('what you’re trying to achieve and what success looks like');
    // What the build adds about links is not the guide's text.
    const all = sections.flatMap((s) => s.passages).join('\n');
    expect(all).not.to.contain('opens in a new tab');
    expect(all).not.to.contain('needs a connection');
    expect(all).not.to.contain('not part of this kit');
  });

  it('keeps a list item’s own words apart from the list inside it, and a guide’s language with it', () => {
    const guide = {
      slug: 'g',
      title: 'دليل',
      lang: 'ar',
      dir: 'rtl',
      introHtml: '',
      sections: [
        {
          id: 's',
          title: 'S',
          level: 2,
          aliases: [],
          html: '<ul><li>Outer <strong>words</strong><ul><li>Inner</li></ul></li></ul><p>One\n  paragraph</p>',
        },
      ],
    } as unknown as Guide;
    const [only] = searchableSections(guide);
    expect(only!.passages).to.deep.equal(['Outer words', 'Inner', 'One paragraph']);
    expect(only!.lang).to.equal('ar');
    expect(only!.dir).to.equal('rtl');
  });
});
