import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../../src/components/site-nav.js';
import type { SiteNav } from '../../../src/components/site-nav.js';

describe('site-nav', () => {
  it('marks the current part of the app, and only it', async () => {
    const el = await fixture<SiteNav>(html`<site-nav current="guide"></site-nav>`);
    const current = [...el.shadowRoot!.querySelectorAll('a[aria-current="page"]')].map((a) => a.textContent);
    expect(current).to.deep.equal(['Guidance']);
    el.current = 'settings';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('a[aria-current="page"]')!.textContent).to.equal('Settings');
  });

  it('still shows which part is current in forced colours (Windows contrast themes), where a transparent line is drawn', async () => {
    await emulateMedia({ forcedColors: 'active' });
    try {
      const el = await fixture<SiteNav>(html`<site-nav current="drafts"></site-nav>`);
      const underline = (a: HTMLAnchorElement): string => {
        const style = getComputedStyle(a);
        return style.borderBottomStyle === 'none' || parseFloat(style.borderBottomWidth) === 0
          ? 'none'
          : `${style.borderBottomWidth} ${style.borderBottomColor}`;
      };
      const lines = [...el.shadowRoot!.querySelectorAll('a')].map((a) => [a.textContent, underline(a)]);
      const current = lines.filter(([label]) => label === 'Drafts');
      expect(current[0]![1]).not.to.equal('none');
      expect(lines.filter(([label]) => label !== 'Drafts').map(([, line]) => line)).to.deep.equal([
        'none',
        'none',
        'none',
      ]);
    } finally {
      await emulateMedia({ forcedColors: 'none' });
    }
  });

  it('has touch targets of at least 44 px', async () => {
    const el = await fixture<SiteNav>(html`<site-nav></site-nav>`);
    for (const a of el.shadowRoot!.querySelectorAll('a')) {
      expect(a.getBoundingClientRect().height).to.be.at.least(44);
    }
  });

  it('is accessible', async () => {
    await expect(await fixture(html`<site-nav current="home"></site-nav>`)).to.be.accessible();
  });
});
