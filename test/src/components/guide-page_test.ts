import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/components/guide-page.js';
import type { GuidePage } from '../../../src/components/guide-page.js';
import type { Guide } from '../../../src/content/guide.js';
import { lineGaps, readsRightToLeft } from '../support/bidi.js';
import { builtGuide } from '../support/built-guides.js';

/** A guide in Arabic, as the build writes one whose front matter says `lang: ar`. */
const ARABIC_GUIDE: Guide = {
  slug: 'dalil',
  title: 'دليل المشاركة',
  summary: 'كيف ومتى نستخدم وسائل التواصل',
  introHtml: '<p>مقدمة الدليل.</p>',
  sections: [
    {
      id: 'start',
      aliases: [],
      title: 'البداية',
      level: 2,
      html: '<p>اقرأ <a href="https://example.gov.au/" class="external" target="_blank" rel="noopener">الموقع<span class="visually-hidden" lang="en-AU"> (external link, opens in a new tab)</span></a> أولاً.</p>',
    },
    { id: 'الخطوات', aliases: [], title: 'الخطوات', level: 3, html: '<p>نص.</p>' },
  ],
  updated: '2026-11-01',
  attribution: {
    publisher: 'Test publisher',
    work: 'دليل المشاركة',
    licence: 'CC BY 4.0',
    licenceUrl: 'https://creativecommons.org/licenses/by/4.0/',
  },
  source: 'dalil.md',
  lang: 'ar',
  dir: 'rtl',
};

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

  // The arrow after an external link was an inline block, after which a line may break: at some
  // widths the comma after "(PDF 601 KB)↗" began the next line.
  it('never starts a line with the punctuation after an external link, at any phone width', async () => {
    const page = await showGuide();
    const root = page.shadowRoot!;
    const followed = [...root.querySelectorAll<HTMLAnchorElement>('.prose a.external')].filter((a) =>
      /^[,.;:)]/.test(a.nextSibling?.textContent ?? ''),
    );
    expect(followed.length).to.be.at.least(2, 'links followed by punctuation in the guide');
    const broken = new Set<string>();
    for (let width = 240; width <= 480; width += 2) {
      page.style.width = `${width}px`;
      for (const a of followed) {
        const link = [...a.getClientRects()].at(-1)!;
        const after = document.createRange();
        after.setStart(a.nextSibling!, 0);
        after.setEnd(a.nextSibling!, 1);
        const mark = after.getBoundingClientRect();
        if (mark.top >= link.bottom - 1)
          broken.add(`${width}px: “${a.nextSibling!.textContent!.slice(0, 6)}” after ${a.href}`);
      }
    }
    expect([...broken]).to.deep.equal([]);
  });

  it('finds a section by its id or by an old long id', async () => {
    const el = await showGuide();
    expect(el.focusTarget('develop')!.textContent).to.equal('Develop an engagement strategy');
    expect(el.focusTarget('develop-an-engagement-strategy')!.id).to.equal('develop');
    expect(el.focusTarget('no-such-section')!.localName).to.equal('h1');
  });

  it('marks a guide in another language as written in it, right to left for Arabic, and the kit’s own words as English', async () => {
    const el = await fixture<GuidePage>(html`<guide-page .guide=${ARABIC_GUIDE}></guide-page>`);
    const root = el.shadowRoot!;
    const langOf = (e: Element): string | undefined => e.closest('[lang]')?.getAttribute('lang') ?? undefined;
    const h1 = root.querySelector('h1')!;
    expect([langOf(h1), readsRightToLeft(h1)]).to.deep.equal(['ar', true]);
    const paragraph = root.querySelector('section .prose p')!;
    expect(langOf(paragraph)).to.equal('ar');
    expect(lineGaps(paragraph, 'اقرأ').right, 'the paragraph starts at the right').to.equal(0);
    expect(langOf(root.querySelector('section .visually-hidden')!), 'the kit’s note in it').to.equal('en-AU');
    const meta = root.querySelector('.meta')!;
    expect([langOf(meta), readsRightToLeft(meta)], '“Last updated” is the kit’s').to.deep.equal([undefined, false]);
    const toc = root.querySelector('guide-toc')!;
    await toc.updateComplete;
    expect(langOf(toc.shadowRoot!.querySelector('a')!)).to.equal('ar');
    expect(langOf(toc.shadowRoot!.querySelector('h2')!), '“Contents” is the kit’s').to.equal(undefined);
    const nested = getComputedStyle(toc.shadowRoot!.querySelector('ol ol')!);
    expect([nested.paddingLeft, nested.paddingRight], 'a subsection indented from the right').to.deep.equal([
      '0px',
      nested.paddingInlineStart,
    ]);
    expect(nested.paddingRight).to.not.equal('0px');
    await expect(el).to.be.accessible();
  });

  it('offers search and printing, which an installed kit’s missing browser menu would have, but not on paper', async () => {
    const el = await showGuide();
    const tools = el.shadowRoot!.querySelector('.tools')!;
    expect(tools.querySelector('a')!.getAttribute('href')).to.equal('/search');
    const print = tools.querySelector('button')!;
    expect(print.textContent!.trim()).to.equal('Print or save as PDF');
    // The browser's own print, as its menu would give it (stood in for: headless Chromium's print
    // does nothing a test can see).
    let printed = 0;
    const real = window.print;
    window.print = () => void (printed += 1);
    try {
      print.click();
    } finally {
      window.print = real;
    }
    expect(printed).to.equal(1);
    await expect(el).to.be.accessible();
  });

  it('is accessible', async () => {
    await expect(await showGuide()).to.be.accessible();
  });
});
