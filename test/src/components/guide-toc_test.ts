import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/components/guide-toc.js';
import type { GuideToc } from '../../../src/components/guide-toc.js';

const ENTRIES = [
  { id: 'a', title: 'A', level: 2 },
  { id: 'a1', title: 'A one', level: 3 },
  { id: 'a2', title: 'A two', level: 3 },
  { id: 'b', title: 'B', level: 2 },
];

describe('guide-toc', () => {
  it('nests sub-sections under their section', async () => {
    const el = await fixture<GuideToc>(html`<guide-toc slug="g" .entries=${ENTRIES}></guide-toc>`);
    const top = el.shadowRoot!.querySelectorAll('nav > ol > li');
    expect(top).to.have.length(2);
    const nested = [...top[0]!.querySelectorAll(':scope > ol a')].map((a) => a.getAttribute('href'));
    expect(nested).to.deep.equal(['/guide/g#a1', '/guide/g#a2']);
    expect(el.shadowRoot!.querySelector('nav')!.getAttribute('aria-labelledby')).to.equal('toc-heading');
  });

  it('is accessible', async () => {
    const el = await fixture<GuideToc>(html`<guide-toc slug="g" .entries=${ENTRIES}></guide-toc>`);
    await expect(el).to.be.accessible();
  });
});
