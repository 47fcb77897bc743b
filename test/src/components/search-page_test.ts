import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../src/components/search-page.js';
import { SEARCH_ANNOUNCE_MS, type SearchPage } from '../../../src/components/search-page.js';
import { builtGuide } from '../support/built-guides.js';

function status(el: SearchPage): string {
  return el.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim();
}

describe('search-page', () => {
  it('shows each section of the guidance holding the words, linked, with the words marked, and is accessible', async () => {
    const guide = await builtGuide();
    const el = await fixture<SearchPage>(
      html`<search-page .guides=${[guide]} query="in-depth feedback"></search-page>`,
    );
    expect(status(el)).to.equal('1 section matches “in-depth feedback”.');
    const links = [...el.shadowRoot!.querySelectorAll<HTMLAnchorElement>('ol.hits h2 a')];
    expect(links.map((a) => [a.textContent!.trim(), a.getAttribute('href')])).to.deep.equal([
      ['Develop an engagement strategy', '/guide/social-media#develop'],
    ]);
    const marks = [...el.shadowRoot!.querySelectorAll('.excerpt mark')].map((m) => m.textContent);
    expect(marks).to.deep.equal(['in-depth feedback']);
    await expect(el).to.be.accessible();
  });

  it('leads a match in the introduction to the guide’s top, and says the count of several', async () => {
    const guide = await builtGuide();
    const el = await fixture<SearchPage>(html`<search-page .guides=${[guide]} query="feedback"></search-page>`);
    expect(status(el)).to.equal('3 sections match “feedback”.');
    const hrefs = [...el.shadowRoot!.querySelectorAll('ol.hits h2 a')].map((a) => a.getAttribute('href'));
    expect(hrefs).to.include('/guide/social-media');
    await expect(el).to.be.accessible();
  });

  it('shows results as the words are typed, keeps the address in step, and says the count once typing pauses', async () => {
    const guide = await builtGuide();
    const el = await fixture<SearchPage>(html`<search-page .guides=${[guide]}></search-page>`);
    expect(status(el)).to.equal('');
    expect(el.shadowRoot!.querySelector('ol.hits')).to.equal(null);
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[type="search"]')!;
    input.value = 'transparent';
    setTimeout(() => input.dispatchEvent(new Event('input')));
    const event = (await oneEvent(el, 'search-query')) as CustomEvent<string>;
    expect(event.detail).to.equal('transparent');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelectorAll('ol.hits li')).to.have.length(1);
    // Not said at every letter: a screen reader would talk over the typing.
    expect(status(el)).to.equal('');
    await new Promise((resolve) => setTimeout(resolve, SEARCH_ANNOUNCE_MS + 50));
    await el.updateComplete;
    expect(status(el)).to.equal('1 section matches “transparent”.');
    await expect(el).to.be.accessible();
  });

  it('says when nothing matches, and what to try', async () => {
    const guide = await builtGuide();
    const el = await fixture<SearchPage>(html`<search-page .guides=${[guide]} query="podcast"></search-page>`);
    expect(status(el)).to.equal('Nothing in the guidance matches “podcast”. Try fewer words, or other words for it.');
    expect(el.shadowRoot!.querySelector('ol.hits')).to.equal(null);
    await expect(el).to.be.accessible();
  });
});
