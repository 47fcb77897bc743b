import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../src/components/offline-readiness.js';
import type { OfflineReadinessView } from '../../../src/components/offline-readiness.js';
import type { OfflineReadiness } from '../../../src/controllers/offline-ready-controller.js';

async function view(readiness: OfflineReadiness, options: { always?: boolean; news?: boolean } = {}) {
  return fixture<OfflineReadinessView>(
    html`<offline-readiness
      .readiness=${readiness}
      .always=${options.always ?? false}
      .news=${options.news ?? false}
    ></offline-readiness>`,
  );
}

function said(el: OfflineReadinessView): string {
  return el.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim();
}

describe('offline-readiness', () => {
  it('says where saving the kit for use without a signal stands, in a live region', async () => {
    expect(said(await view('preparing'))).to.equal('Saving the kit on this device for use without a signal…');
    expect(said(await view('ready', { news: true }))).to.equal(
      'The kit is saved on this device: it opens without a signal.',
    );
    expect(said(await view('ready')), 'the home page says nothing on later visits').to.equal('');
    expect(said(await view('ready', { always: true })), 'Settings always says').to.match(/^The kit is saved/);
    expect(said(await view('unsupported'))).to.equal('');
    expect(said(await view('unsupported', { always: true }))).to.match(/^This browser cannot keep the kit/);
  });

  it('offers to try again when saving failed, from the keyboard, and is accessible', async () => {
    const el = await view('failed');
    expect(said(el)).to.match(
      /^The kit could not be saved on this device.*tries again by itself while this page is open, and when the connection returns\.$/,
    );
    const button = el.shadowRoot!.querySelector('button')!;
    expect(button.textContent).to.equal('Try again');
    button.focus();
    setTimeout(() => button.click());
    await oneEvent(el, 'offline-retry');
    await expect(el).to.be.accessible();
    expect((await view('preparing')).shadowRoot!.querySelector('button')).to.equal(null);
  });

  it('is an alert where it appears on a page that did not have it (the shell, on other pages)', async () => {
    const el = await fixture<OfflineReadinessView>(
      html`<offline-readiness alert readiness="failed"></offline-readiness>`,
    );
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.match(/^The kit could not be saved/);
    expect(el.shadowRoot!.querySelector('[role="status"]')).to.equal(null);
    await expect(el).to.be.accessible();
  });
});
