// Runs in Chromium (bundled by bench/drafts.ts): autosave latency and drafts list render time,
// each beside its limit, on a fresh database holding 1,000 drafts.
import { openDB } from 'idb';
import type { ReactiveControllerHost } from 'lit';
import { RecentDraftsController } from '../../src/controllers/recent-drafts-controller.js';
import '../../src/components/drafts-page.js';
import type { DraftsPage } from '../../src/components/drafts-page.js';
import type { Worksheet } from '../../src/content/worksheet.js';
import { globalStyles } from '../../src/styles/global-styles.js';
import { sharedStyles } from '../../src/styles/shared-styles.js';
import { shellStyles } from '../../src/styles/shell-styles.js';
import { DraftStore } from '../../src/data/draft-store.js';
import { SYNC_META } from '../../src/sync/sync-meta.js';
import type { Draft } from '../../src/data/draft.js';
import { percentile } from '../figure.js';

const DRAFTS = 1_000;
/** Chromium rounds performance.now() to 0.1 ms here, so each sample times a run of edits. */
const SAMPLES = 60;
const RUN = 10;

async function seed(store: DraftStore, worksheet: Worksheet): Promise<Draft[]> {
  const drafts: Draft[] = [];
  for (let i = 0; i < DRAFTS; i += 1) {
    const d = await store.create(worksheet, { title: `Consultation ${i}`, community: 'Riverside', date: '2026-11-26' });
    await store.update(d.id, {
      achieve: 'An answer of a realistic length. '.repeat(8),
      activities: ['consultation'],
    });
    drafts.push((await store.get(d.id))!);
  }
  return drafts;
}

export async function run(worksheet: Worksheet): Promise<Record<string, number>> {
  const name = `bench-${crypto.randomUUID()}`;
  const store = await DraftStore.open({ name });
  const drafts = await seed(store, worksheet);
  const target = drafts[DRAFTS / 2]!;

  // Ours: an edit through the store (the field written blind as an edit of its own, committed at
  // once; its fold into the draft and the outbox comes a second later, timed on its own below).
  // The limit: a bare idb put of the same draft's record into the same database, no read, no
  // outbox, committed at once as ours is and timed like ours to its transaction's completion
  // (idb's db.put resolves at the request's success, before the commit, which would compare a
  // commit with no commit). Samples alternate, so a compaction or a collection falls on both sides
  // alike rather than on whichever ran then.
  // The floor of a read-merge-write (the kit's autosave before blind edits, and what any autosave
  // that reads its draft must do at least, with no store around it): read the draft, write it back
  // with the field merged, add the outbox entry, in one transaction, committed at once.
  const ours: number[] = [];
  const bare: number[] = [];
  const floor: number[] = [];
  /** The floor's outbox entries, taken out again so the drafts list below reads what it did before. */
  const added: Promise<IDBValidKey>[] = [];
  const db = await openDB(name);
  const record = (await store.get(target.id))!;
  for (let i = 0; i < SAMPLES; i += 1) {
    let t = performance.now();
    for (let k = 0; k < RUN; k += 1) await store.update(target.id, { achieve: `Edit number ${i}.${k} of the answer` });
    ours.push((performance.now() - t) / RUN);

    const next = {
      ...record,
      fields: { ...record.fields, achieve: { value: `Bare ${i}`, changedAt: Date.now(), changedBy: 'x' } },
    };
    t = performance.now();
    for (let k = 0; k < RUN; k += 1) {
      const tx = db.transaction('drafts', 'readwrite');
      void tx.store.put({ ...next, updatedAt: next.updatedAt + k });
      tx.commit();
      await tx.done;
    }
    bare.push((performance.now() - t) / RUN);

    t = performance.now();
    for (let k = 0; k < RUN; k += 1) {
      const tx = db.transaction(['drafts', 'outbox'], 'readwrite');
      const current = (await tx.objectStore('drafts').get(target.id)) as Draft;
      const changedAt = Date.now();
      void tx.objectStore('drafts').put({
        ...current,
        fields: { ...current.fields, achieve: { value: `Floor ${i}.${k}`, changedAt, changedBy: 'x' } },
        updatedAt: changedAt,
      });
      added.push(
        tx.objectStore('outbox').add({ draftId: target.id, kind: 'update', fields: ['achieve'], at: changedAt }),
      );
      tx.commit();
      await tx.done;
    }
    floor.push((performance.now() - t) / RUN);
  }
  // The fold that follows an autosave, off the typing path: the edit joins its draft (read,
  // merged, written) and the outbox, and leaves the edits, in one transaction.
  const folds: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    await store.update(target.id, { achieve: `Folded edit ${i}` });
    const t = performance.now();
    await store.foldEdits();
    folds.push(performance.now() - t);
  }
  const cleanup = db.transaction('outbox', 'readwrite');
  for (const key of await Promise.all(added)) void cleanup.store.delete(key);
  await cleanup.done;
  db.close();

  // Drafts list: from handing the page the store to the list of 1,000 drafts on screen, that is
  // to the end of the frame that draws it (a task queued from the frame's animation callback runs
  // after its style, layout and paint), with the app's page styles, as the app adopts them.
  document.adoptedStyleSheets = [globalStyles, sharedStyles, shellStyles].map((sheet) => sheet.styleSheet!);
  const listOnScreen = async (): Promise<number[]> => {
    const times: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      const t = performance.now();
      const page = document.createElement('drafts-page') as DraftsPage;
      page.store = store;
      page.worksheet = worksheet;
      document.body.append(page);
      await page.whenReady();
      await new Promise((drawn) => requestAnimationFrame(() => setTimeout(drawn)));
      times.push(performance.now() - t);
      if (page.shadowRoot!.querySelectorAll('.drafts li').length !== DRAFTS) throw new Error('list incomplete');
      page.remove();
    }
    return times;
  };
  const renders = await listOnScreen();
  // The same list on a device in a team: which drafts wait to sync is read too (every one, here).
  await store.setMeta(SYNC_META.token, 'a team token');
  const rendersInTeam = await listOnScreen();

  // The start page's drafts (the one to carry on with, those that need the user), read afresh each
  // time it shows: from showing to ready, beside reading the drafts alone. Alternating.
  const startPage: number[] = [];
  const listOnly: number[] = [];
  const host: ReactiveControllerHost = {
    addController: () => undefined,
    removeController: () => undefined,
    requestUpdate: () => undefined,
    updateComplete: Promise.resolve(true),
  };
  const recent = new RecentDraftsController(host, () =>
    Promise.resolve({ store, worksheet: () => Promise.resolve(worksheet) }),
  );
  for (let i = 0; i < 9; i += 1) {
    let t = performance.now();
    recent.show(true);
    await recent.ready;
    startPage.push(performance.now() - t);
    if (!recent.value?.latest) throw new Error('the start page read no drafts');
    recent.show(false);
    t = performance.now();
    await store.list();
    listOnly.push(performance.now() - t);
  }
  store.close();

  // What waits for sync, asked after every edit (the sync status) and by the drafts list, on a
  // device a day offline: 50 drafts with 50 queued changes each. Beside it, reading every change.
  const offline = await DraftStore.open({ name: `bench-${crypto.randomUUID()}` });
  for (let i = 0; i < 50; i += 1) {
    const d = await offline.create(worksheet, { title: `Offline ${i}` });
    for (let k = 1; k < 50; k += 1) {
      await offline.update(d.id, { achieve: `Edit ${k} made offline` });
      // A pause apart, as autosaves are: each is folded into the outbox a second later.
      await offline.foldEdits();
    }
  }
  const asked: number[] = [];
  const readAll: number[] = [];
  for (let i = 0; i < 15; i += 1) {
    let t = performance.now();
    await Promise.all([offline.outboxStatus(), offline.draftsWithQueuedChanges()]);
    asked.push(performance.now() - t);
    t = performance.now();
    await offline.outbox();
    readAll.push(performance.now() - t);
  }
  offline.close();
  return {
    autosaveP50: percentile(ours, 0.5),
    autosaveP95: percentile(ours, 0.95),
    barePutP50: percentile(bare, 0.5),
    barePutP95: percentile(bare, 0.95),
    floorP50: percentile(floor, 0.5),
    foldP50: percentile(folds, 0.5),
    listRenderMedian: percentile(renders, 0.5),
    listInTeamMedian: percentile(rendersInTeam, 0.5),
    startPageMedian: percentile(startPage, 0.5),
    listOnlyMedian: percentile(listOnly, 0.5),
    waitingMedian: percentile(asked, 0.5),
    readAllMedian: percentile(readAll, 0.5),
  };
}
