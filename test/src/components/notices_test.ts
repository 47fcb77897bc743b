import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../src/components/install-button.js';
import type { InstallButton } from '../../../src/components/install-button.js';
import '../../../src/components/offline-indicator.js';
import type { OfflineIndicator } from '../../../src/components/offline-indicator.js';
import '../../../src/components/update-banner.js';
import type { UpdateBanner } from '../../../src/components/update-banner.js';

describe('update-banner', () => {
  it('keeps a polite live region and fills it when an update is ready', async () => {
    const el = await fixture<UpdateBanner>(html`<update-banner></update-banner>`);
    const region = el.shadowRoot!.querySelector('[role="status"]')!;
    expect(region.textContent!.trim()).to.equal('');
    el.ready = true;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="status"]')).to.equal(region, 'the same region announces the change');
    expect(region.textContent).to.contain('A new version of the kit is ready');
    await expect(el).to.be.accessible();
  });

  it('asks for the update only when the user presses Reload, by keyboard too', async () => {
    const el = await fixture<UpdateBanner>(html`<update-banner ready></update-banner>`);
    const button = el.shadowRoot!.querySelector('button')!;
    expect(button.textContent).to.equal('Reload');
    setTimeout(() => button.click());
    const event = await oneEvent(el, 'update-accept');
    expect(event.composed).to.equal(true);
  });
});

describe('offline-indicator', () => {
  it('says the kit is offline, and what still works, only while offline', async () => {
    const el = await fixture<OfflineIndicator>(html`<offline-indicator></offline-indicator>`);
    expect(el.shadowRoot!.textContent!.trim()).to.equal('');
    el.offline = true;
    await el.updateComplete;
    const region = el.shadowRoot!.querySelector('[role="status"]')!;
    expect(region.textContent).to.match(/You are offline\.\s+The guidance and your drafts still work/);
    await expect(el).to.be.accessible();
    el.unreachable = true;
    await el.updateComplete;
    expect(region.textContent).to.match(
      /The kit’s server cannot be reached\.\s+The guidance and your drafts still work/,
      'a network, and no answer from the server: not "offline"',
    );
    await expect(el).to.be.accessible();
    el.offline = false;
    await el.updateComplete;
    expect(region.textContent!.trim()).to.equal('');
  });
});

describe('install-button', () => {
  it('shows a button only when the browser offers installation', async () => {
    const el = await fixture<InstallButton>(html`<install-button></install-button>`);
    expect(el.shadowRoot!.querySelector('button')).to.equal(null);
    el.option = 'prompt';
    await el.updateComplete;
    const button = el.shadowRoot!.querySelector('button')!;
    expect(button.textContent).to.equal('Install app');
    await expect(el).to.be.accessible();
    setTimeout(() => button.click());
    await oneEvent(el, 'install-request');
    el.option = 'installed';
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('button')).to.equal(null);
  });

  it('gives the Add to Home Screen steps where there is no prompt (iOS Safari), and why they matter there', async () => {
    const el = await fixture<InstallButton>(html`<install-button option="ios-steps"></install-button>`);
    const text = el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
    expect(text).to.contain('Add to Home Screen');
    // Safari's seven-day limit on a website's stored data takes drafts not yet synced with it.
    expect(text).to.contain('Safari deletes the drafts of a website not opened for seven days of using Safari.');
    await expect(el).to.be.accessible();
  });
});
