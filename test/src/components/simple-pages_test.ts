import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/components/home-page.js';
import type { HomePage } from '../../../src/components/home-page.js';
import '../../../src/components/not-found-page.js';
import { builtContentStore } from '../support/built-guides.js';

describe('home-page', () => {
  it('lists every built guide with a link to it', async () => {
    const { guides } = await builtContentStore().index();
    const el = await fixture<HomePage>(html`<home-page .guides=${guides}></home-page>`);
    const links = [...el.shadowRoot!.querySelectorAll('.cards h3 a')].map((a) => [
      a.textContent,
      a.getAttribute('href'),
    ]);
    expect(links).to.deep.equal([['Social media', '/guide/social-media']]);
    expect(el.shadowRoot!.querySelector('.cards')!.textContent!.replace(/\s+/g, ' ')).to.contain(
      '5 sections · last updated 27 March 2015',
    );
    await expect(el).to.be.accessible();
  });

  it('marks a guide in another language as written in it', async () => {
    const arabic = {
      slug: 'dalil',
      title: 'دليل المشاركة',
      summary: 'كيف ومتى',
      updated: null,
      toc: [],
      url: '/x.json',
      lang: 'ar',
      dir: 'rtl',
    } as const;
    const el = await fixture<HomePage>(html`<home-page .guides=${[arabic]}></home-page>`);
    const title = el.shadowRoot!.querySelector('.cards h3')!;
    expect([title.getAttribute('lang'), title.matches(':dir(rtl)')]).to.deep.equal(['ar', true]);
    expect(el.shadowRoot!.querySelector('.cards p')!.getAttribute('lang')).to.equal('ar');
    await expect(el).to.be.accessible();
  });
});

describe('home-page with drafts', () => {
  const notice = (title: string, ...reasons: [string, boolean][]) => ({
    id: `id-${title}`,
    title,
    reasons: reasons.map(([text, urgent]) => ({ text, urgent })),
  });

  it('offers the draft changed last, and names the drafts that need the user, marking the urgent', async () => {
    const recent = {
      latest: { id: 'abc', title: 'Riverside consultation', updatedAt: Date.UTC(2026, 10, 26, 4, 4) },
      notices: [
        notice(
          'Riverside consultation',
          ['An answer has two versions: choose which to keep', true],
          ['Review due 29 November 2026', false],
        ),
        notice('Hall meeting', ['Review overdue: due 3 November 2026', true]),
        notice('Town square', ['Review due 3 December 2026', false]),
      ],
    };
    const el = await fixture<HomePage>(html`<home-page .recent=${recent}></home-page>`);
    const text = (node: Element) => node.textContent!.replace(/\s+/g, ' ').trim();
    const carryOn = [...el.shadowRoot!.querySelectorAll('p')].find((p) => text(p).startsWith('Carry on with'))!;
    expect(text(carryOn)).to.match(/^Carry on with Riverside consultation, last changed .+2026.+\.$/);
    expect(carryOn.querySelector('a')!.getAttribute('href')).to.equal('/worksheet/abc');
    const items = [...el.shadowRoot!.querySelectorAll('.notices li')];
    expect(items.map(text)).to.deep.equal([
      'Riverside consultation: An answer has two versions: choose which to keep. Review due 29 November 2026',
      'Hall meeting: Review overdue: due 3 November 2026',
      'Town square: Review due 3 December 2026',
    ]);
    expect(items.map((li) => li.querySelector('a')!.getAttribute('href'))).to.deep.equal([
      '/worksheet/id-Riverside consultation',
      '/worksheet/id-Hall meeting',
      '/worksheet/id-Town square',
    ]);
    const urgent = (li: Element) => [...li.querySelectorAll('span')].map((s) => s.classList.contains('urgent'));
    expect(items.map(urgent)).to.deep.equal([[true, false], [true], [false]]);
    await expect(el).to.be.accessible();
  });

  it('names five drafts, and sends the user to the list for the rest', async () => {
    const notices = Array.from({ length: 8 }, (_, i) => notice(`Draft ${i}`, ['Review due today', true]));
    const el = await fixture<HomePage>(html`<home-page .recent=${{ latest: null, notices }}></home-page>`);
    expect(el.shadowRoot!.querySelectorAll('.notices li')).to.have.length(5);
    const more = el.shadowRoot!.querySelector('a[href="/drafts"]:not(.button)')!;
    expect(more.textContent).to.equal('3 more in your drafts');
    await expect(el).to.be.accessible();
  });

  it('says nothing of drafts on a device with none', async () => {
    const el = await fixture<HomePage>(html`<home-page .recent=${{ latest: null, notices: [] }}></home-page>`);
    expect(el.shadowRoot!.textContent).not.to.contain('Carry on');
    expect(el.shadowRoot!.querySelector('.notices')).to.equal(null);
    await expect(el).to.be.accessible();
  });
});

describe('not-found-page', () => {
  it('names the path that was asked for', async () => {
    const el = await fixture(html`<not-found-page path="/nowhere"></not-found-page>`);
    expect(el.shadowRoot!.querySelector('h1')!.textContent).to.equal('Page not found');
    expect(el.shadowRoot!.querySelector('code')!.textContent).to.equal('/nowhere');
    await expect(el).to.be.accessible();
  });
});
