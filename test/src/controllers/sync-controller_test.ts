import { expect, waitUntil } from '@open-wc/testing';
import { syncSummary } from '../../../src/components/sync-status.js';
import { SyncController } from '../../../src/controllers/sync-controller.js';
import { SYNC_META } from '../../../src/sync/sync-engine.js';
import { ControllerHost } from '../support/controller-host.js';
import { openStore, WORKSHEET } from '../support/fresh-db.js';
import { fillDisk } from '../support/full-disk.js';

describe('SyncController', () => {
  // IndexedDB's put fails as on a full disk (see fillDisk); the store, engine and database are real.
  let freeDisk: (() => void) | undefined;
  afterEach(() => freeDisk?.());

  it('tells a full disk while readying a sync from a server fault, and keeps the edit', async () => {
    const store = await openStore();
    await store.setMeta(SYNC_META.token, 'a team token');
    const draft = await store.create(WORKSHEET, { title: 'Typed on a full phone' });
    // The autosave's edit is small and stored; folding it into its draft and the outbox is not.
    await store.update(draft.id, { achieve: 'kept while the disk is full' });
    freeDisk = fillDisk();
    const controller = new SyncController(new ControllerHost());
    await controller.attach(store);

    await waitUntil(() => controller.status.problem !== null, 'the sync run failed and said why');
    expect(controller.status.problem).to.equal('storage');
    expect(controller.status.message).to.contain('out of storage space');
    expect(syncSummary(controller.status)).to.equal(
      '2 changes waiting: this device’s storage is full or not answering, so sync is held. Nothing is lost; free up some space and the kit will try again.',
    );
    freeDisk();
    expect((await store.get(draft.id))!.fields['achieve']!.value).to.equal('kept while the disk is full');
    controller.hostDisconnected();
    store.close();
  });
});
