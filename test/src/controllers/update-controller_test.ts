import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { Workbox } from 'workbox-window';
import '../../../src/components/update-banner.js';
import type { UpdateBanner } from '../../../src/components/update-banner.js';
import '../../../src/components/worksheet-page.js';
import type { WorksheetPage } from '../../../src/components/worksheet-page.js';
import { UpdateController } from '../../../src/controllers/update-controller.js';
import { builtWorksheet } from '../support/built-worksheet.js';
import { ControllerHost } from '../support/controller-host.js';
import { openStore, WORKSHEET } from '../support/fresh-db.js';
import { fillDisk } from '../support/full-disk.js';

describe('UpdateController', () => {
  it('does not reload into a new version while the work on screen cannot be saved, and says why', async () => {
    const store = await openStore();
    const draft = await store.create(WORKSHEET, { title: 'Typed before the update' });
    const page = await fixture<WorksheetPage>(
      html`<worksheet-page .store=${store} .worksheet=${await builtWorksheet()} .draftId=${draft.id}></worksheet-page>`,
    );
    await waitUntil(() => page.shadowRoot!.querySelector('h1'), 'the draft opens');
    // A worker never registered: telling it to take over does nothing, as no update is installed.
    const controller = new UpdateController(new ControllerHost(), new Workbox('/not-registered-sw.js'), () =>
      page.flush(),
    );
    controller.updateReady = true;
    const freeDisk = fillDisk();
    try {
      const achieve = [...page.shadowRoot!.querySelectorAll('question-text')].find((e) => e.question?.id === 'achieve');
      const field = achieve!.shadowRoot!.querySelector('textarea')!;
      field.value = 'Words not yet saved';
      field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      await controller.accept();
    } finally {
      freeDisk();
    }
    expect(controller.notReloaded).to.equal(
      'The kit was not reloaded, so as not to lose your latest changes: this device is out of storage space. Free up some space, then try again.',
    );
    const banner = await fixture<UpdateBanner>(
      html`<update-banner ready .notReloaded=${controller.notReloaded}></update-banner>`,
    );
    expect(banner.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.equal(controller.notReloaded);
    await expect(banner).to.be.accessible();

    await controller.accept(); // with room again: saved, then the new worker is asked to take over
    expect(controller.notReloaded).to.equal(null);
    expect((await store.get(draft.id))!.fields['achieve']?.value).to.equal('Words not yet saved');
    store.close();
  });
});
