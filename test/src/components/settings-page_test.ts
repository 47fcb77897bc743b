import { expect, fixture, html } from '@open-wc/testing';
import '../../../src/components/settings-page.js';
import type { SettingsPage } from '../../../src/components/settings-page.js';
import { readStorageStatus } from '../../../src/data/storage-status.js';

describe('settings-page', () => {
  it('says in plain words whether storage is persistent and how much is used', async () => {
    const status = await readStorageStatus();
    expect(status, 'Chromium has the Storage API').to.not.equal(null);
    const el = await fixture<SettingsPage>(html`<settings-page .storage=${status}></settings-page>`);
    const text = el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
    expect(text).to.match(/The kit uses [\d.]+ (bytes|KB|MB) of the [\d.]+ (MB|GB|TB) this browser allows it\./);
    el.storage = { persisted: true, usage: 1_400_000, quota: 2_000_000_000 };
    await el.updateComplete;
    const persisted = el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
    expect(persisted).to.contain('Your drafts are kept safe on this device');
    expect(persisted).to.contain('The kit uses 1.4 MB of the 2.0 GB this browser allows it.');
    expect(el.shadowRoot!.querySelectorAll('h1')).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('names the build the device runs, to say when reporting a problem', async () => {
    const el = await fixture<SettingsPage>(html`<settings-page .version=${'0.1.0+510359c652'}></settings-page>`);
    const about = [...el.shadowRoot!.querySelectorAll('h2')].find((h) => h.textContent === 'About this kit')!;
    const text = about.nextElementSibling!.textContent!.replace(/\s+/g, ' ');
    expect(text).to.contain('Version 0.1.0+510359c652. Say it when you report a problem');
    el.version = null;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.version')!.textContent).to.equal('not known (a build for development)');
    await expect(el).to.be.accessible();
  });

  it('offers installation only as the browser allows', async () => {
    const el = await fixture<SettingsPage>(html`<settings-page installOption="prompt"></settings-page>`);
    const button = el.shadowRoot!.querySelector('install-button')!;
    await button.updateComplete;
    expect(button.shadowRoot!.querySelector('button')!.textContent).to.equal('Install app');
    // Last, because the browser's offer arrives after the page is shown and changes the section's
    // height: nothing else may move when it does.
    expect(el.shadowRoot!.lastElementChild?.localName).to.equal('install-button');
    expect([...el.shadowRoot!.querySelectorAll('h2')].at(-1)!.textContent).to.equal('Install');
    await expect(el).to.be.accessible();
  });
});
