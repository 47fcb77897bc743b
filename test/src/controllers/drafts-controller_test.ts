import { expect } from '@open-wc/testing';
import { DraftsController } from '../../../src/controllers/drafts-controller.js';
import { builtWorksheet } from '../support/built-worksheet.js';
import { ControllerHost } from '../support/controller-host.js';
import { openStore, WORKSHEET } from '../support/fresh-db.js';

describe('DraftsController', () => {
  it('reads the list once more for changes heard during a read, not once per change, and misses none', async () => {
    const store = await openStore();
    const worksheet = await builtWorksheet();
    for (let i = 0; i < 20; i += 1) await store.create(WORKSHEET, { title: `Draft ${i}` });
    const controller = new DraftsController(new ControllerHost(), store, worksheet);
    // Counts the store's reads of the list (the real store, read as it is).
    let reads = 0;
    const list = store.list.bind(store);
    store.list = () => {
      reads += 1;
      return list();
    };

    const first = controller.refresh();
    // While the first read is under way: a draft is added, and four notices are heard.
    const adding = store.create(WORKSHEET, { title: 'Added during the read' });
    const more = [1, 2, 3, 4].map(() => controller.refresh());
    const [added] = await Promise.all([adding, first, ...more]);

    expect(reads).to.equal(2);
    expect(controller.drafts!.map((d) => d.id)).to.include(added.id);
    expect(controller.drafts).to.have.length(21);
    // Once idle, a refresh reads again.
    await controller.refresh();
    expect(reads).to.equal(3);
    store.close();
  });
});
