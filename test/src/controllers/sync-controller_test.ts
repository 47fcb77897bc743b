import { expect, waitUntil } from '@open-wc/testing';
import { syncSummary } from '../../../src/components/sync-status.js';
import { SyncController } from '../../../src/controllers/sync-controller.js';
import { SYNC_META } from '../../../src/sync/sync-meta.js';
import { ControllerHost } from '../support/controller-host.js';
import { freshDbName, openStore, WORKSHEET } from '../support/fresh-db.js';
import { fillDisk } from '../support/full-disk.js';

/** A device in Riverside team holding one draft, with a second tab open, and this tab's controller attached. */
async function inRiverside(label: string) {
  const name = freshDbName(label);
  const store = await openStore(name);
  const otherTab = await openStore(name);
  await store.setMeta(SYNC_META.token, 'riverside token');
  await store.setMeta(SYNC_META.team, JSON.stringify({ id: 'r', name: 'Riverside team' }));
  await store.create(WORKSHEET, { title: 'Riverside’s' });
  const controller = new SyncController(new ControllerHost());
  await controller.attach(store);
  return { store, otherTab, controller };
}

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

  it('tells when the device found its team’s server restored, and forgets it with the team it leaves', async () => {
    const { store, otherTab, controller } = await inRiverside('restore-found');
    expect(controller.status.restoreFound).to.equal(null);
    const found = Date.UTC(2026, 10, 27, 9, 30);
    await otherTab.setMeta(SYNC_META.restoreFound, String(found));
    await controller.refresh();
    expect(controller.status.restoreFound).to.equal(found);

    await controller.askToLeave();
    await controller.switchTeam();
    expect(controller.status.joined).to.equal(false);
    expect(controller.status.restoreFound, 'another team’s restore is not this device’s news').to.equal(null);
    controller.hostDisconnected();
    store.close();
    otherTab.close();
  });

  it('counts the drafts that leaving would take off the device as they are, not as they were when asked', async () => {
    const { store, otherTab, controller } = await inRiverside('leave-count');
    await controller.askToLeave();
    expect(controller.status.teamSwitch?.drafts).to.equal(1);

    const made = await otherTab.create(WORKSHEET, { title: 'Made in another tab while asked' });
    await waitUntil(() => controller.status.teamSwitch?.drafts === 2, 'the question counts the new draft');
    await otherTab.remove(made.id);
    await waitUntil(() => controller.status.teamSwitch?.drafts === 1, 'and not a deleted one');
    controller.hostDisconnected();
    store.close();
    otherTab.close();
  });

  it('lists the team’s devices as the server last did, kept on the device, and not once it is in another team', async () => {
    const { store, otherTab, controller } = await inRiverside('devices-kept');
    expect(controller.status.devices).to.equal(null);
    // As the last answer of /api/me left it (no server here).
    const at = Date.UTC(2026, 10, 28, 9);
    const devices = [
      { id: 'mine', name: 'Sam’s phone', lastSeenAt: at },
      { id: 'theirs', name: 'Alex’s tablet', lastSeenAt: at - 3_600_000 },
    ];
    await otherTab.setMeta(SYNC_META.deviceId, 'mine');
    await otherTab.setMeta(SYNC_META.devices, JSON.stringify({ at, devices }));
    await controller.refresh();
    expect([controller.status.devices, controller.status.devicesAt]).to.deep.equal([
      [
        { ...devices[0], you: true },
        { ...devices[1], you: false },
      ],
      at,
    ]);

    await otherTab.changeTeam({
      [SYNC_META.token]: 'hillside token',
      [SYNC_META.team]: JSON.stringify({ id: 'h', name: 'Hillside team' }),
    });
    await waitUntil(() => controller.status.team?.id === 'h', 'this tab hears of the change');
    expect([controller.status.devices, controller.status.devicesAt]).to.deep.equal([null, null]);
    controller.hostDisconnected();
    store.close();
    otherTab.close();
  });

  it('forgets the old team’s join link when another tab moves the device to another team', async () => {
    const { store, otherTab, controller } = await inRiverside('switched-elsewhere');
    // As the team's server told it (no server here: the test sets what /api/me would have said).
    controller.status = { ...controller.status, joinLink: 'http://kit.test/join#riverside-code', deviceName: 'Sam' };

    await otherTab.changeTeam({
      [SYNC_META.token]: 'hillside token',
      [SYNC_META.team]: JSON.stringify({ id: 'h', name: 'Hillside team' }),
    });
    await waitUntil(() => controller.status.team?.id === 'h', 'this tab hears of the change');
    expect(controller.status.joinLink, 'no invitation to the team the device left').to.equal(null);
    expect(controller.status.deviceName).to.equal(null);
    expect(controller.status.waiting).to.equal(0);
    controller.hostDisconnected();
    store.close();
    otherTab.close();
  });
});
