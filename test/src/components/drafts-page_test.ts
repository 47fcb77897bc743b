import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../src/components/drafts-page.js';
import type { DraftsPage } from '../../../src/components/drafts-page.js';
import '../../../src/components/export-controls.js';
import type { DraftExportEvent, ExportControls } from '../../../src/components/export-controls.js';
import type { Worksheet } from '../../../src/content/worksheet.js';
import type { DraftStore } from '../../../src/data/draft-store.js';
import { draftsToJson, draftToJson, EXPORT_FORMAT, parseDraftsExport } from '../../../src/export/draft-export.js';
import { ARABIC, ARABIC_NAME, elementWithText, readsRightToLeft } from '../support/bidi.js';
import { builtWorksheet } from '../support/built-worksheet.js';
import type { ServerDraft } from '../../../src/sync/protocol.js';
import { SYNC_META } from '../../../src/sync/sync-meta.js';
import { openStore, WORKSHEET } from '../support/fresh-db.js';
import { fillDisk } from '../support/full-disk.js';
import { parseCsv } from '../../support/parse-csv.js';
import { localIsoDate } from '../../../src/text/local-iso-date.js';

function titles(page: DraftsPage): string[] {
  return [...page.shadowRoot!.querySelectorAll('.drafts h2 a')].map((a) => a.textContent!);
}

/** Types `text` into the list's filter, as a person would, and waits for the list to follow. */
async function filterBy(page: DraftsPage, text: string): Promise<void> {
  const filter = page.shadowRoot!.querySelector<HTMLInputElement>('#filter')!;
  filter.value = text;
  filter.dispatchEvent(new InputEvent('input'));
  await page.updateComplete;
}

function button(page: DraftsPage, name: string): HTMLButtonElement {
  // By its accessible name: its aria-label where it has one, else its text.
  const found = [...page.shadowRoot!.querySelectorAll('button')].find(
    (b) => (b.getAttribute('aria-label') ?? b.textContent!.replace(/\s+/g, ' ').trim()) === name,
  );
  if (!found) throw new Error(`no button "${name}"`);
  return found;
}

/** Hands the page a file as the file picker would. */
async function importFile(page: DraftsPage, text: string): Promise<void> {
  const input = page.shadowRoot!.querySelector<HTMLInputElement>('#import-file')!;
  const files = new DataTransfer();
  files.items.add(new File([text], 'draft.json', { type: 'application/json' }));
  input.files = files.files;
  input.dispatchEvent(new Event('change'));
  await page.updateComplete;
  await waitUntil(
    () => !page.shadowRoot!.querySelector('.notice')?.textContent?.includes('Reading the file'),
    'the import is answered',
  );
}

/** Each row's title and what it says of the draft's standing with the team. */
function standings(page: DraftsPage): Record<string, string> {
  return Object.fromEntries(
    [...page.shadowRoot!.querySelectorAll('.drafts li')].map((li) => [
      li.querySelector('h2')!.textContent!.trim(),
      li.querySelector('.sync')!.textContent!.trim(),
    ]),
  );
}

/** Each row's title and its line of when it was last edited (and by whom). */
function editedLines(page: DraftsPage): Record<string, string> {
  return Object.fromEntries(
    [...page.shadowRoot!.querySelectorAll('.drafts li')].map((li) => [
      li.querySelector('h2')!.textContent!.trim(),
      li.querySelector('.meta')!.textContent!.replace(/\s+/g, ' ').trim(),
    ]),
  );
}

/** A draft as the team's server sends it: synced, and with a conflict on its title if asked. */
function fromTeam(title: string, conflict: boolean, by = 'Alex’s phone'): ServerDraft {
  return {
    id: crypto.randomUUID(),
    worksheetId: WORKSHEET.id,
    worksheetVersion: WORKSHEET.version,
    createdAt: 1,
    rev: 7,
    deletedAt: null,
    note: null,
    fields: {
      title: {
        value: title,
        rev: 7,
        changedAt: 2,
        changedBy: by,
        conflict: conflict ? { value: `${title}, other words`, changedAt: 1, changedBy: 'Sam’s tablet' } : null,
      },
    },
  };
}

describe('drafts-page', () => {
  let worksheet: Worksheet;
  let store: DraftStore;
  before(async () => {
    worksheet = await builtWorksheet();
  });
  beforeEach(async () => {
    store = await openStore();
  });
  afterEach(() => store.close());

  async function page(): Promise<DraftsPage> {
    const el = await fixture<DraftsPage>(html`<drafts-page .store=${store} .worksheet=${worksheet}></drafts-page>`);
    await waitUntil(() => el.shadowRoot!.querySelector('h1'), 'the list opens');
    return el;
  }

  it('lists drafts newest edit first, with completeness and last-edited time, and filters by title', async () => {
    const a = await store.create(WORKSHEET, { title: 'Bus routes' });
    await store.create(WORKSHEET, { title: 'Library hours' });
    await store.update(a.id, {
      achieve: 'More buses',
      activities: ['consultation'],
      channels: [{ id: 'c', name: 'Radio', note: '' }],
    });
    const el = await page();
    expect(titles(el)).to.deep.equal(['Bus routes', 'Library hours']);
    const first = el.shadowRoot!.querySelector('.drafts li')!;
    expect(first.textContent).to.contain(`3 of ${worksheet.questions.length} questions answered`);
    expect(first.querySelector('time')!.getAttribute('datetime')).to.match(/^\d{4}-\d{2}-\d{2}T/);
    expect(first.querySelector('a')!.getAttribute('href')).to.equal(`/worksheet/${a.id}`);
    await filterBy(el, 'libr');
    expect(titles(el)).to.deep.equal(['Library hours']);
    await expect(el).to.be.accessible();
  });

  it('says where and when each consultation was, and finds drafts by their community or date too', async () => {
    await store.create(WORKSHEET, { title: 'Bus routes', community: 'Riverside', date: '2026-12-03' });
    await store.create(WORKSHEET, { title: 'Library hours', community: 'Hillside' });
    await store.create(WORKSHEET, { title: 'Footpaths' });
    await store.create(WORKSHEET, { title: 'Market day', community: 'Đà Nẵng Hall' });
    const el = await page();
    const places = (): (string | undefined)[] =>
      [...el.shadowRoot!.querySelectorAll('.drafts li')].map((li) => li.querySelector('.place')!.textContent!);
    expect(places()).to.deep.equal(['Đà Nẵng Hall', '', 'Hillside', 'Riverside, 3 December 2026']);
    const filter = el.shadowRoot!.querySelector<HTMLInputElement>('#filter')!;
    expect(filter.labels![0]!.textContent).to.equal('Filter by title, community, date or teammate');
    for (const [text, found] of [
      ['riverside', ['Bus routes']],
      ['december', ['Bus routes']],
      ['side', ['Library hours', 'Bus routes']],
      // As a person types a filter: without the accents a community's name is written with.
      ['da nang', ['Market day']],
      ['DÀ NẴNG', ['Market day']],
    ] as const) {
      await filterBy(el, text);
      expect(titles(el), text).to.deep.equal(found);
    }
    await filterBy(el, 'Seaside');
    expect(el.shadowRoot!.querySelector('[role="status"]:last-of-type')!.textContent).to.contain(
      'No drafts have “Seaside” in their title, community, date or teammate’s name.',
    );
    await expect(el).to.be.accessible();
  });

  it('shows titles and communities in a right-to-left script right to left, and names them apart in sentences', async () => {
    await store.create(WORKSHEET, { title: ARABIC, community: ARABIC_NAME, date: '2026-12-03' });
    await store.create(WORKSHEET, { title: 'Bus routes', community: 'Riverside' });
    const el = await page();
    const [english, arabic] = [...el.shadowRoot!.querySelectorAll('.drafts li')]; // newest first
    expect(readsRightToLeft(arabic!.querySelector('h2')!), 'an Arabic title').to.equal(true);
    expect(readsRightToLeft(arabic!.querySelector('.place')!), 'an Arabic community').to.equal(true);
    expect(readsRightToLeft(english!.querySelector('h2')!)).to.equal(false);
    expect(readsRightToLeft(english!.querySelector('.place')!)).to.equal(false);
    button(el, `Delete “${ARABIC}”`).click();
    await waitUntil(() => titles(el).length === 1, 'the draft leaves the list');
    const notice = el.shadowRoot!.querySelector('.notice p')!;
    expect(notice.textContent).to.equal(`Deleted “${ARABIC}”.`);
    expect(readsRightToLeft(notice), 'the sentence stays English').to.equal(false);
    expect(readsRightToLeft(elementWithText(notice, ARABIC))).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('draws only the rows near the screen, and a row reached by keyboard or scrolling is drawn', async () => {
    for (let i = 0; i < 40; i += 1) await store.create(WORKSHEET, { title: `Consultation ${i}` });
    const el = await page();
    const rows = [...el.shadowRoot!.querySelectorAll('.drafts li')];
    expect(rows).to.have.length(40);
    const drawn = (row: Element): boolean => row.querySelector('h2')!.checkVisibility({ contentVisibilityAuto: true });
    const frame = (): Promise<void> =>
      new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
    await frame();
    expect(drawn(rows[0]!), 'the first row is on screen').to.equal(true);
    expect(drawn(rows.at(-1)!), 'the last row waits until it is near').to.equal(false);
    // Still in the page for assistive technology, find in page and the keyboard: focus draws it.
    expect(rows.at(-1)!.textContent).to.contain('Consultation 0');
    rows.at(-1)!.querySelector<HTMLButtonElement>('button')!.focus();
    await frame();
    expect(el.shadowRoot!.activeElement?.textContent).to.equal('Duplicate');
    expect(drawn(rows.at(-1)!)).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('deletes a draft as a tombstone with an Undo that names it, and duplicates', async () => {
    await store.create(WORKSHEET, { title: 'Keep me' });
    const el = await page();
    button(el, 'Delete “Keep me”').click();
    await waitUntil(() => titles(el).length === 0, 'the draft leaves the list');
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('Deleted “Keep me”.');
    await expect(el).to.be.accessible();
    button(el, 'Undo deleting “Keep me”').click();
    await waitUntil(() => titles(el).length === 1, 'Undo restores it');
    button(el, 'Duplicate “Keep me”').click();
    await waitUntil(() => titles(el).length === 2);
    expect(titles(el)).to.include('Copy of Keep me');
  });

  it('says on a full disk that a copy or an import was not made and must be tried again, not that the kit keeps trying', async () => {
    const source = await store.create(WORKSHEET, { title: 'Keep me' });
    const exported = draftToJson((await store.get(source.id))!).replace(source.id, crypto.randomUUID());
    const el = await page();
    const freeDisk = fillDisk();
    try {
      button(el, 'Duplicate “Keep me”').click();
      await waitUntil(() => el.shadowRoot!.querySelector('[role="alert"]'), 'the failure is said');
      const said = el.shadowRoot!.querySelector('[role="alert"]')!.textContent!;
      expect(said).to.equal(
        'The draft was not copied: this device is out of storage space. Nothing was changed. Free up some space, then try again.',
      );
      await importFile(el, exported);
      const notices = (): string[] => [...el.shadowRoot!.querySelectorAll('.notice')].map((n) => n.textContent!.trim());
      await waitUntil(() => !notices().includes('Reading the file…'), 'the import is answered');
      expect(notices()).to.include(
        'The draft was not imported: this device is out of storage space. Nothing was changed. Free up some space, then try again.',
      );
      expect(el.shadowRoot!.textContent).not.to.contain('keeps trying');
      await expect(el).to.be.accessible();
    } finally {
      freeDisk();
    }
    expect(titles(el)).to.deep.equal(['Keep me'], 'nothing half made');
  });

  it('keeps keyboard focus where the user acted: Undo after a delete, the row after Undo, the pressed button after a copy', async () => {
    await store.create(WORKSHEET, { title: 'Older' });
    await store.create(WORKSHEET, { title: 'Keep me' });
    await store.create(WORKSHEET, { title: 'Newest' });
    const el = await page();
    const focused = (): string | null | undefined => {
      const active = el.shadowRoot!.activeElement;
      return active?.getAttribute('aria-label') ?? active?.textContent?.replace(/\s+/g, ' ').trim();
    };

    const press = (name: string): void => {
      const target = button(el, name);
      target.focus();
      target.click(); // what Enter or Space on a focused button does
    };
    press('Delete “Keep me”');
    await waitUntil(() => focused() === 'Undo deleting “Keep me”', `focus went to ${focused()}, not to Undo`);
    expect(titles(el)).to.deep.equal(['Newest', 'Older']);

    press('Undo deleting “Keep me”');
    await waitUntil(() => focused() === 'Delete “Keep me”', `focus went to ${focused()}, not back to the row`);
    // Back where it was: an Undo is not an edit, so the draft keeps its place and its "Last edited".
    expect(titles(el)).to.deep.equal(['Newest', 'Keep me', 'Older']);

    // The copy lands first in the list; the button pressed must still be Keep me's, so a second
    // press copies the same draft again rather than the one that slid into its place.
    press('Duplicate “Keep me”');
    await waitUntil(() => titles(el).length === 4, 'the copy is listed');
    expect(titles(el)[0]).to.equal('Copy of Keep me');
    expect(focused()).to.equal('Duplicate “Keep me”');
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain(
      'Copied “Keep me” as “Copy of Keep me”.',
    );
    await expect(el).to.be.accessible();
  });

  it('opens the file picker from a button of its own, by keyboard too: the browser’s control cut its words short at 200% text', async () => {
    const el = await page();
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('#import')!;
    expect([button.tagName, button.textContent!.trim()]).to.deep.equal(['BUTTON', 'Import drafts…']);
    expect(button.getAttribute('aria-describedby')).to.equal('import-hint');
    const picker = el.shadowRoot!.querySelector<HTMLInputElement>('#import-file')!;
    expect([picker.type, picker.hidden, picker.accept]).to.deep.equal(['file', true, 'application/json,.json']);
    let opened = 0;
    picker.addEventListener('click', (e) => {
      opened += 1;
      e.preventDefault(); // no dialog in the test
    });
    button.focus();
    await sendKeys({ press: 'Enter' });
    await sendKeys({ press: 'Space' });
    expect(opened).to.equal(2);
    await expect(el).to.be.accessible();
  });

  it('imports an export, and asks before importing a draft that is already here', async () => {
    const original = await store.create(WORKSHEET, { title: 'Shared strategy' });
    const exported = draftToJson((await store.get(original.id))!);
    await store.remove(original.id);
    const el = await page();
    await importFile(el, exported);
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain(
      '“Shared strategy” is already on this device',
    );
    await expect(el).to.be.accessible();
    const keep = button(el, 'Keep both');
    keep.focus();
    keep.click();
    await waitUntil(() => titles(el).length === 1);
    expect(el.shadowRoot!.querySelector('.notice')!.textContent).to.contain('Imported “Shared strategy”');
    // The question's buttons are gone: focus is back where the import began.
    await waitUntil(() => el.shadowRoot!.activeElement?.id === 'import', 'focus returns to Import drafts…');
    const imported = (await store.list())[0]!;
    expect(imported.id).to.not.equal(original.id);
  });

  it('imports every draft of another device’s export at once: the new ones, a differing one as a copy, none twice', async () => {
    const same = await store.create(WORKSHEET, { title: 'On both devices' });
    const differs = await store.create(WORKSHEET, { title: 'Edited on each' });
    const elsewhere = await openStore();
    const fresh = await elsewhere.create(WORKSHEET, { title: 'Only on the other device' });
    await elsewhere.add({ ...(await store.get(same.id))! });
    await elsewhere.add({ ...(await store.get(differs.id))! });
    await elsewhere.update(differs.id, { achieve: 'Written on the other device' });
    const file = draftsToJson(await elsewhere.list());
    elsewhere.close();
    const el = await page();
    const outboxBefore = (await store.outbox()).length;

    await importFile(el, file);
    const notice = el.shadowRoot!.querySelector('.notice[role="status"]')!.textContent!.replace(/\s+/g, ' ').trim();
    expect(notice).to.equal(
      'Imported 2 drafts. 1 draft differed from the draft of the same name on this device and came in as a copy. 1 draft was already on this device, and left as it is.',
    );
    await waitUntil(() => titles(el).length === 4, 'the new draft and the copy are listed');
    expect(titles(el).filter((t) => t === 'Edited on each')).to.have.length(2, 'both versions kept');
    const copy = (await store.list()).find(
      (d) => d.id !== differs.id && d.fields['title']?.value === 'Edited on each',
    )!;
    expect(copy.fields['achieve']!.value).to.equal('Written on the other device');
    expect((await store.get(differs.id))!.fields['achieve']).to.equal(undefined, 'this device’s own draft untouched');
    expect((await store.get(fresh.id))!.fields['title']!.value).to.equal('Only on the other device');
    expect((await store.outbox()).length - outboxBefore).to.equal(2, 'each new draft queued once');

    await importFile(el, file);
    expect(el.shadowRoot!.querySelector('.notice[role="status"]')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      'Nothing new: the file’s 3 drafts are already on this device.',
    );
    expect(titles(el)).to.have.length(4, 'importing the same file again adds nothing');
    await expect(el).to.be.accessible();
  });

  /** What pressing `name` offers to download: the file's name and text. */
  async function offered(el: DraftsPage, name: string): Promise<{ file: string; text: string }> {
    let saved: { file: string; text: string } | undefined;
    const realClick = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      const file = this.download;
      void fetch(this.href)
        .then((r) => r.text())
        .then((text) => (saved = { file, text }));
    };
    try {
      const pressed = button(el, name);
      pressed.focus();
      pressed.click();
      await waitUntil(() => saved, 'the file is offered');
    } finally {
      HTMLAnchorElement.prototype.click = realClick;
    }
    return saved!;
  }

  it('offers every draft on the device as one file, which imports whole', async () => {
    await store.create(WORKSHEET, { title: 'Kept for the handover' });
    const el = await page();
    const { file, text } = await offered(el, 'Export all drafts');
    expect(file).to.match(/^engagement-field-kit-drafts-\d{4}-\d{2}-\d{2}\.json$/);
    expect(parseDraftsExport(text, worksheet).map((d) => d.fields['title']!.value)).to.deep.equal([
      'Kept for the handover',
    ]);
    await expect(el).to.be.accessible();
  });

  it('offers every draft on the device as one Markdown document to read or send on', async () => {
    await store.create(WORKSHEET, { title: 'Riverside hall', community: 'Riverside' });
    const newest = await store.create(WORKSHEET, { title: 'Hillside library' });
    await store.update(newest.id, { achieve: 'Longer opening hours' });
    const el = await page();
    const { file, text } = await offered(el, 'Export all as Markdown');
    expect(file).to.match(/^engagement-field-kit-drafts-\d{4}-\d{2}-\d{2}\.md$/);
    const [first, second, ...more] = text.split('\n---\n\n');
    expect(more).to.deep.equal([]);
    expect(first!.split('\n')[0]).to.equal('# Hillside library', 'newest first, as the list shows them');
    expect(first).to.contain('Longer opening hours');
    expect(second!.split('\n')[0]).to.equal('# Riverside hall');
    expect(second).to.contain('**Community or location:** Riverside');
    await expect(el).to.be.accessible();
  });

  it('offers every draft on the device as a spreadsheet, a row a draft, newest first as listed', async () => {
    await store.create(WORKSHEET, { title: 'Riverside hall', community: 'Riverside' });
    const newest = await store.create(WORKSHEET, { title: 'Hillside library' });
    await store.update(newest.id, { achieve: '=1+1 was written on the board' });
    const el = await page();
    const { file, text } = await offered(el, 'Export all as a spreadsheet');
    expect(file).to.match(/^engagement-field-kit-drafts-\d{4}-\d{2}-\d{2}\.csv$/);
    const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
    expect(rows.map((r) => r[0])).to.deep.equal(['Hillside library', 'Riverside hall']);
    const achieve = worksheet.questions.find((q) => q.id === 'achieve')!.label;
    expect(rows[0]![header!.indexOf(achieve)]).to.equal(
      "'=1+1 was written on the board",
      'kept as text, not a formula',
    );
    expect(rows[1]![header!.indexOf('Community or location')]).to.equal('Riverside');
    await expect(el).to.be.accessible();
  });

  it('refuses a corrupt, truncated, foreign or future file and changes nothing', async () => {
    const draft = await store.create(WORKSHEET, { title: 'Only one' });
    const good = draftToJson(draft);
    const el = await page();
    const cases: [string, RegExp][] = [
      ['{"format": "engagement', /damaged or incomplete/],
      [good.slice(0, good.length / 2), /damaged or incomplete/],
      ['{"hello": "world"}', /not a draft exported from Engagement Field Kit/],
      [JSON.stringify({ format: EXPORT_FORMAT, version: 99, draft: {} }), /newer version of the kit/],
      [good.replace('"title"', '"__proto__"'), /not a question of this worksheet/],
    ];
    for (const [text, message] of cases) {
      await importFile(el, text);
      const alert = el.shadowRoot!.querySelector('[role="alert"]')!;
      expect(alert.textContent).to.match(message);
      expect(alert.textContent).to.contain('The draft was not imported.');
    }
    expect((await store.list()).map((d) => d.id)).to.deep.equal([draft.id]);
    expect((await store.outbox()).length).to.equal(1, 'only the original create was recorded');
  });

  it('says where each draft stands with the team, and marks the ones to act on', async () => {
    await store.create(WORKSHEET, { title: 'Made here' });
    const el = await page();
    await waitUntil(() => el.shadowRoot!.querySelector('.drafts li'), 'the draft is listed');
    expect(standings(el)).to.deep.equal({ 'Made here': 'Saved on this device' }, 'before the device joins a team');

    // Joined; then a change the server refused, and two drafts from teammates (the sync's writes,
    // which the list hears of).
    await store.setMeta(SYNC_META.token, 'a-device-token-of-twenty-chars');
    const refused = await store.create(WORKSHEET, { title: 'Refused' });
    const [entry] = (await store.outbox()).filter((e) => e.draftId === refused.id);
    await store.acknowledge([entry!], [{ seq: entry!.seq!, status: 'rejected', reason: 'Not allowed.', rev: 0 }]);
    await store.applyRemote([fromTeam('Synced', false), fromTeam('Disputed', true)]);
    await waitUntil(() => el.shadowRoot!.querySelectorAll('.drafts li').length === 4, 'every draft is listed');
    expect(standings(el)).to.deep.equal({
      'Made here': 'Waiting to sync',
      Refused: 'Needs attention',
      Synced: 'Synced',
      Disputed: 'Conflict',
    });
    const marked = [...el.shadowRoot!.querySelectorAll('.sync.attention')].map((s) => s.textContent!.trim());
    expect(marked.sort()).to.deep.equal(['Conflict', 'Needs attention']);
    await expect(el).to.be.accessible();

    // Out of the team again (its queue is no longer read): a refused change still asks for attention.
    await store.setMeta(SYNC_META.token, null);
    const again = await page();
    await waitUntil(() => again.shadowRoot!.querySelectorAll('.drafts li').length === 4, 'every draft is listed');
    expect(standings(again)).to.deep.equal({
      'Made here': 'Saved on this device',
      Refused: 'Needs attention',
      Synced: 'Saved on this device',
      Disputed: 'Conflict',
    });
  });

  it('says which drafts sync held back, as too large to send or refused on the way, and marks them', async () => {
    await store.setMeta(SYNC_META.token, 'a-device-token-of-twenty-chars');
    const long = await store.create(WORKSHEET, { title: 'Long plan' });
    const embed = await store.create(WORKSHEET, { title: 'Website plan' });
    await store.create(WORKSHEET, { title: 'Short plan' });
    await store.applyRemote([fromTeam('Synced', false)]);
    const el = await page();
    await waitUntil(() => el.shadowRoot!.querySelectorAll('.drafts li').length === 4, 'every draft is listed');
    el.heldBack = [
      { id: long.id, why: 'too-large' },
      { id: embed.id, why: 'blocked' },
    ];
    await el.updateComplete;
    expect(standings(el)).to.deep.equal({
      'Long plan': 'Too large to send',
      'Website plan': 'Refused on the way',
      'Short plan': 'Waiting to sync',
      Synced: 'Synced',
    });
    const marked = [...el.shadowRoot!.querySelectorAll('.sync.attention')].map((s) => s.textContent!.trim());
    expect(marked.sort()).to.deep.equal(['Refused on the way', 'Too large to send']);
    await expect(el).to.be.accessible();
    // Sent at a later sync, it is no longer held back.
    el.heldBack = [];
    await el.updateComplete;
    expect(standings(el)['Long plan']).to.equal('Waiting to sync');
  });

  it('says when each draft’s review is due, and marks one due today or overdue', async () => {
    const today = localIsoDate();
    for (const [title, review] of [
      ['Overdue', '2020-01-01'],
      ['Due today', today],
      ['Due later', '2999-12-31'],
      ['No review set', ''],
    ] as const) {
      const draft = await store.create(WORKSHEET, { title });
      if (review) await store.update(draft.id, { review });
    }
    const el = await page();
    await waitUntil(() => el.shadowRoot!.querySelectorAll('.drafts li').length === 4, 'every draft is listed');
    const due = Object.fromEntries(
      [...el.shadowRoot!.querySelectorAll('.drafts li')].map((li) => {
        const p = li.querySelector('.due');
        return [
          li.querySelector('h2')!.textContent!.trim(),
          p ? `${p.textContent}${p.classList.contains('attention') ? ' (marked)' : ''}` : null,
        ];
      }),
    );
    expect(due).to.deep.equal({
      Overdue: 'Review overdue: due 1 January 2020 (marked)',
      'Due today': 'Review due today (marked)',
      'Due later': 'Review due 31 December 2999',
      'No review set': null,
    });
    await expect(el).to.be.accessible();
  });

  it('names the teammate whose change is a draft’s latest, and no one for this device’s own', async () => {
    await store.setMeta(SYNC_META.token, 'a-device-token-of-twenty-chars');
    await store.create(WORKSHEET, { title: 'Made here' });
    const theirs = fromTeam('Their draft', false);
    const edited = fromTeam('Edited here since', false);
    await store.applyRemote([theirs, edited, fromTeam('Sara’s draft', false, ARABIC_NAME)]);
    await store.update(edited.id, { [worksheet.questions[0]!.id]: 'Our answer' });
    const el = await page();
    await waitUntil(() => el.shadowRoot!.querySelectorAll('.drafts li').length === 4, 'every draft is listed');

    const lines = editedLines(el);
    expect(lines['Their draft']).to.match(/^Last edited .+ by Alex’s phone\. Synced$/);
    expect(lines['Sara’s draft']).to.match(new RegExp(`^Last edited .+ by ${ARABIC_NAME}\\. Synced$`));
    expect(lines['Made here']).to.match(/^Last edited [^.]+\. Waiting to sync$/);
    expect(lines['Edited here since'], 'the latest change is this device’s').to.match(
      /^Last edited [^.]+\. Waiting to sync$/,
    );
    expect(lines['Made here']).not.to.contain(' by ');
    expect(lines['Edited here since']).not.to.contain(' by ');
    // A name in a right-to-left script is set apart, so the sentence around it keeps its order.
    const row = [...el.shadowRoot!.querySelectorAll('.drafts li')].find((li) =>
      li.textContent!.includes('Sara’s draft'),
    )!;
    expect(elementWithText(row, ARABIC_NAME).localName).to.equal('bdi');
    // Found by the teammate named, as the row shows them.
    await filterBy(el, 'alex');
    expect(titles(el)).to.deep.equal(['Their draft']);
    await expect(el).to.be.accessible();
  });
});

describe('export-controls', () => {
  it('offers each export as a button and reports the choice', async () => {
    const el = await fixture<ExportControls>(html`<export-controls></export-controls>`);
    const labels = [...el.shadowRoot!.querySelectorAll('button')].map((b) => b.textContent!.trim());
    expect(labels).to.deep.equal(['Download as Markdown', 'Download as JSON', 'Print or save as PDF']);
    setTimeout(() => el.shadowRoot!.querySelectorAll('button')[1]!.click());
    const event = (await oneEvent(el, 'draft-export')) as DraftExportEvent;
    expect(event.format).to.equal('json');
    el.canShare = true;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelectorAll('button')).to.have.length(4);
    await expect(el).to.be.accessible();
  });
});
