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

describe('not-found-page', () => {
  it('names the path that was asked for', async () => {
    const el = await fixture(html`<not-found-page path="/nowhere"></not-found-page>`);
    expect(el.shadowRoot!.querySelector('h1')!.textContent).to.equal('Page not found');
    expect(el.shadowRoot!.querySelector('code')!.textContent).to.equal('/nowhere');
    await expect(el).to.be.accessible();
  });
});
