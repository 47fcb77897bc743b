import { expect, waitUntil } from '@open-wc/testing';
import { syncSummary } from '../../../src/components/sync-status.js';
import { SyncController } from '../../../src/controllers/sync-controller.js';
import { SYNC_META } from '../../../src/sync/sync-engine.js';
import { ControllerHost } from '../support/controller-host.js';
import { openStore, WORKSHEET } from '../support/fresh-db.js';

describe('SyncController', () => {
  // Chromium gives no way to shrink a page's real quota from a test, so IndexedDB's own put is
  // wrapped to fail as it does on a full disk; the store, the engine and the database are real.
  const realPut = IDBObjectStore.prototype.put;
  afterEach(() => {
    IDBObjectStore.prototype.put = realPut;
  });

  it('tells a full disk while readying a sync from a server fault, and keeps the edit', async () => {
    const store = await openStore();
    await store.setMeta(SYNC_META.token, 'a team token');
    const draft = await store.create(WORKSHEET, { title: 'Typed on a full phone' });
    // The autosave's edit is small and stored; folding it into its draft and the outbox is not.
    await store.update(draft.id, { achieve: 'kept while the disk is full' });
    IDBObjectStore.prototype.put = function put(): IDBRequest<IDBValidKey> {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    const controller = new SyncController(new ControllerHost());
    await controller.attach(store);

    await waitUntil(() => controller.status.problem !== null, 'the sync run failed and said why');
    expect(controller.status.problem).to.equal('storage');
    expect(controller.status.message).to.contain('out of storage space');
    expect(syncSummary(controller.status)).to.equal(
      '2 changes waiting: this device’s storage is full or not answering, so sync is held. Nothing is lost; free up some space and the kit will try again.',
    );
    IDBObjectStore.prototype.put = realPut;
    expect((await store.get(draft.id))!.fields['achieve']!.value).to.equal('kept while the disk is full');
    controller.hostDisconnected();
    store.close();
  });
});
