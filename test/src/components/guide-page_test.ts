import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/components/guide-page.js';
import type { GuidePage } from '../../../src/components/guide-page.js';
import { builtGuide } from '../support/built-guides.js';

describe('guide-page', () => {
  async function showGuide(): Promise<GuidePage> {
    const guide = await builtGuide();
    return fixture<GuidePage>(html`<guide-page .guide=${guide}></guide-page>`);
  }

  it('shows the guide with one h1, its five sections and a table of contents', async () => {
    const el = await showGuide();
    const root = el.shadowRoot!;
    expect(root.querySelectorAll('h1')).to.have.length(1);
    expect(root.querySelector('h1')!.textContent).to.equal('Social media');
    const headings = [...root.querySelectorAll('section > :is(h2, h3)')].map((h) => [h.localName, h.id, h.textContent]);
    expect(headings).to.deep.equal([
      ['h2', 'why-must-i', 'Why must I?'],
      ['h2', 'how-do-i', 'How do I?'],
      ['h3', 'understand', 'Understand social media activities'],
      ['h3', 'develop', 'Develop an engagement strategy'],
      ['h3', 'keep', 'Keep your knowledge current'],
    ]);
    const toc = el.shadowRoot!.querySelector('guide-toc')!;
    await toc.updateComplete;
    const tocLinks = [...toc.shadowRoot!.querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(tocLinks).to.deep.equal([
      '/guide/social-media#why-must-i',
      '/guide/social-media#how-do-i',
      '/guide/social-media#understand',
      '/guide/social-media#develop',
      '/guide/social-media#keep',
    ]);
    expect(root.querySelector('time')!.getAttribute('datetime')).to.equal('2015-03-27');
    expect(root.querySelector('time')!.textContent).to.equal('27 March 2015');
  });

  it('credits the publisher and licence', async () => {
    const footer = (await showGuide()).shadowRoot!.querySelector('footer')!;
    expect(footer.textContent).to.match(/Digital Transformation Office/);
    const licence = footer.querySelector('a')!;
    expect(licence.href).to.equal('https://creativecommons.org/licenses/by/4.0/');
    expect(licence.rel).to.equal('noopener');
  });

  it('opens external links in a new tab and shows pages outside the kit as text', async () => {
    const root = (await showGuide()).shadowRoot!;
    const externals = [...root.querySelectorAll<HTMLAnchorElement>('.prose a.external')];
    expect(externals).to.have.length(6);
    for (const a of externals) {
      expect(a.target).to.equal('_blank');
      expect(a.rel).to.equal('noopener');
      expect(a.textContent).to.contain('(external link, opens in a new tab)');
    }
    const notInKit = [...root.querySelectorAll('.not-in-kit')].map((s) => s.textContent);
    expect(notInKit).to.include('let us know');
    expect(root.querySelectorAll('a[href$=".md"], a[href*=".md#"]')).to.have.length(0);
  });

  it('finds a section by its id or by an old long id', async () => {
    const el = await showGuide();
    expect(el.focusTarget('develop')!.textContent).to.equal('Develop an engagement strategy');
    expect(el.focusTarget('develop-an-engagement-strategy')!.id).to.equal('develop');
    expect(el.focusTarget('no-such-section')!.localName).to.equal('h1');
  });

  it('is accessible', async () => {
    await expect(await showGuide()).to.be.accessible();
  });
});
