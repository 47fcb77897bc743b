import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../src/components/worksheet-page.js';
import type { WorksheetPage } from '../../../src/components/worksheet-page.js';
import type { QuestionField } from '../../../src/components/question-field.js';
import { TEXT_MAX, type FieldValue, type Worksheet } from '../../../src/content/worksheet.js';
import type { DraftStore } from '../../../src/data/draft-store.js';
import { formatTime } from '../../../src/text/format-time.js';
import { ARABIC, ARABIC_NAME, elementWithText, lineGaps, readsRightToLeft } from '../support/bidi.js';
import { builtWorksheet } from '../support/built-worksheet.js';
import { freshDbName, openStore, WORKSHEET } from '../support/fresh-db.js';
import { fillDisk } from '../support/full-disk.js';
import { RescuedEdits } from '../../../src/data/rescued-edits.js';

/** Types into a textarea or input the way a user does: one input event per change. */
function type(field: HTMLInputElement | HTMLTextAreaElement, text: string): void {
  field.focus();
  field.value = text;
  field.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

function textArea(page: WorksheetPage, questionId: string): HTMLTextAreaElement {
  const el = [...page.shadowRoot!.querySelectorAll('question-text')].find((e) => e.question?.id === questionId)!;
  return el.shadowRoot!.querySelector('textarea')!;
}

function status(page: WorksheetPage): string {
  return page.shadowRoot!.querySelector('.status')!.textContent!.trim();
}

/** What the save status's live region holds: what a screen reader announces when it changes. */
function announced(page: WorksheetPage): string {
  return page.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim();
}

describe('worksheet-page', () => {
  let worksheet: Worksheet;
  const stores: DraftStore[] = [];
  before(async () => {
    worksheet = await builtWorksheet();
  });
  afterEach(() => {
    for (const s of stores.splice(0)) s.close();
  });

  async function openDraft(
    name = freshDbName('worksheet'),
  ): Promise<{ page: WorksheetPage; store: DraftStore; id: string }> {
    const store = await openStore(name);
    stores.push(store);
    const draft = await store.create(WORKSHEET, { title: 'Riverside buses' });
    const page = await fixture<WorksheetPage>(
      html`<worksheet-page .store=${store} .worksheet=${worksheet} .draftId=${draft.id}></worksheet-page>`,
    );
    await waitUntil(() => page.shadowRoot!.querySelector('h1'), 'the draft opens');
    return { page, store, id: draft.id };
  }

  it('labels every question with the guide’s wording, with a hint and the guidance in place', async () => {
    const { page } = await openDraft();
    expect(page.shadowRoot!.querySelector('h1')!.textContent).to.equal('Riverside buses');
    const rendered = [
      ...page.shadowRoot!.querySelectorAll<HTMLElement & { question?: { id: string } }>('.question'),
    ].map((q) => q.question!.id);
    expect(rendered).to.deep.equal(worksheet.questions.map((q) => q.id));
    const achieve = textArea(page, 'achieve');
    expect(achieve.labels[0]!.textContent).to.equal('What you’re trying to achieve and what success looks like');
    expect(achieve.getAttribute('aria-describedby')).to.equal('hint');
    const host = achieve.getRootNode() as ShadowRoot;
    const passage = host.querySelector('guidance-passage')!;
    const details = passage.shadowRoot!.querySelector('details')!;
    expect(details.open).to.equal(false);
    passage.shadowRoot!.querySelector('summary')!.click();
    expect(details.open).to.equal(true);
    expect(details.textContent).to.contain('what you’re trying to achieve and what success looks like');
    expect(details.querySelector('a')!.getAttribute('href')).to.equal('/guide/social-media#develop');
  });

  it('saves what is typed without a save button, and at once when the field is left', async () => {
    const { page, store, id } = await openDraft();
    expect(page.shadowRoot!.querySelectorAll('button')).to.have.length(
      0,
      'export buttons live in export-controls, no save button',
    );
    const achieve = textArea(page, 'achieve');
    type(achieve, 'Better bus routes');
    await page.updateComplete;
    expect(status(page)).to.equal('Saving…');
    await waitUntil(
      async () => (await store.get(id))!.fields['achieve']?.value === 'Better bus routes',
      'written after the pause',
    );
    await waitUntil(() => status(page) === 'Saved on this device');

    type(achieve, 'Better bus routes, sooner');
    achieve.blur();
    await page.flush();
    expect((await store.get(id))!.fields['achieve']!.value).to.equal('Better bus routes, sooner');
  });

  it('saves the consultation context and shows the title as the heading', async () => {
    const { page, store, id } = await openDraft();
    const title = page.shadowRoot!.querySelector<HTMLInputElement>('#context-title')!;
    expect(title.labels![0]!.textContent).to.equal('Title');
    expect(title.maxLength).to.equal(TEXT_MAX, 'no longer than the team’s server takes');
    type(title, 'Bus routes, Riverside hall');
    type(page.shadowRoot!.querySelector<HTMLInputElement>('#context-community')!, 'Riverside');
    await page.flush();
    await page.updateComplete;
    expect(page.shadowRoot!.querySelector('h1')!.textContent).to.equal('Bus routes, Riverside hall');
    const saved = (await store.get(id))!;
    expect(saved.fields['community']!.value).to.equal('Riverside');
  });

  it('shows words in a right-to-left script right to left, each paragraph of an answer its own way', async () => {
    const name = freshDbName('rtl');
    const { page, id } = await openDraft(name);
    const root = page.shadowRoot!;
    const title = root.querySelector<HTMLInputElement>('#context-title')!;
    const community = root.querySelector<HTMLInputElement>('#context-community')!;
    type(title, ARABIC);
    type(community, ARABIC_NAME);
    const english = 'Notes from the hall';
    type(textArea(page, 'achieve'), `${english}\n${ARABIC}`);
    await page.flush();
    await page.updateComplete;
    expect(readsRightToLeft(title), 'the title field').to.equal(true);
    expect(readsRightToLeft(community), 'the community field').to.equal(true);
    expect(readsRightToLeft(root.querySelector('h1')!), 'the heading, which is the title').to.equal(true);
    expect(readsRightToLeft(textArea(page, 'achieve')), 'an answer that starts in English').to.equal(false);

    // Deleted (here by another tab), the draft shows its answers as text: laid out, each paragraph
    // starts at its own side, the English line at the left, the Arabic one at the right.
    const otherTab = await openStore(name);
    stores.push(otherTab);
    await otherTab.remove(id);
    await waitUntil(() => root.querySelector('#restore'), 'the answers are shown as text');
    const answer = [...root.querySelectorAll('section:not(.print-only) .answer')].find((p) =>
      p.textContent!.includes(english),
    )!;
    expect(lineGaps(answer, english).left, 'the English line starts at the left').to.equal(0);
    expect(lineGaps(answer, ARABIC).right, 'the Arabic line starts at the right').to.equal(0);
    const place = elementWithText(root.querySelector('section:not(.print-only)')!, ARABIC_NAME);
    expect(readsRightToLeft(place), 'the community, set apart in its sentence').to.equal(true);
    await expect(page).to.be.accessible();
  });

  it('keeps an edit in memory and says so when storage is full, then saves it when space returns', async () => {
    const { page, store, id } = await openDraft();
    const freeDisk = fillDisk();
    try {
      const achieve = textArea(page, 'achieve');
      type(achieve, 'Words that must not be lost');
      await page.flush().catch(() => undefined);
      await page.updateComplete;
      const alert = page.shadowRoot!.querySelector('[role="alert"]')!;
      expect(alert.textContent).to.contain('out of storage space');
      expect(status(page)).to.equal('Not saved yet');
      expect(achieve.value).to.equal('Words that must not be lost');
      expect((await store.get(id))!.fields['achieve']).to.equal(undefined);
    } finally {
      freeDisk();
    }
    // The kit retries by itself.
    await waitUntil(
      async () => (await store.get(id))!.fields['achieve']?.value === 'Words that must not be lost',
      'retried',
      { timeout: 5000 },
    );
    await waitUntil(() => status(page) === 'Saved on this device');
    expect(page.shadowRoot!.querySelector('[role="alert"]')).to.equal(null);
    expect(announced(page)).to.equal('Saved on this device again.', 'the recovery is announced');
  });

  /**
   * Types `text` as the draft's aim on a full disk, then takes the page away before the disk has
   * room, its store closed: with the `pagehide` a closing page hears, or with none (another view of
   * the kit took its place, and the kit was closed later). Says which database and draft.
   */
  async function typeOnFullDiskThenLeave(text: string, pagehide: boolean): Promise<{ name: string; id: string }> {
    const name = freshDbName('worksheet');
    const { page, store, id } = await openDraft(name);
    const freeDisk = fillDisk();
    try {
      type(textArea(page, 'achieve'), text);
      await page.flush().catch(() => undefined);
      await page.updateComplete;
      expect(status(page)).to.equal('Not saved yet');
      if (pagehide) window.dispatchEvent(new PageTransitionEvent('pagehide'));
      page.remove();
      store.close();
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      freeDisk();
    }
    return { name, id };
  }

  it('keeps what was typed on a full disk when the kit is closed, and shows it when the kit opens with room', async () => {
    const text = 'Typed on a full phone, then the kit was closed';
    const { name, id } = await typeOnFullDiskThenLeave(text, true);
    const reopened = await openStore(name);
    stores.push(reopened);
    const again = await fixture<WorksheetPage>(
      html`<worksheet-page .store=${reopened} .worksheet=${worksheet} .draftId=${id}></worksheet-page>`,
    );
    await waitUntil(() => again.shadowRoot!.querySelector('h1'), 'the draft opens');
    // Merged once the page is idle, and shown as it is.
    await waitUntil(() => textArea(again, 'achieve').value === text, 'the words are back');
    expect(status(again)).to.equal('Saved on this device');
    await expect(again).to.be.accessible();
  });

  it('keeps what was typed on a full disk when the user goes to another page of the kit and then closes it', async () => {
    const text = 'Typed on a full phone before going to the drafts list';
    const { name, id } = await typeOnFullDiskThenLeave(text, false);
    const reopened = await openStore(name);
    stores.push(reopened);
    await waitUntil(async () => (await reopened.get(id))!.fields['achieve']?.value === text, 'the words are back');
  });

  it('keeps what was typed when the disk fills just as the user goes to another page of the kit', async () => {
    const name = freshDbName('worksheet');
    const { page, store, id } = await openDraft(name);
    const text = 'Typed, then straight to the drafts list as the phone filled up';
    type(textArea(page, 'achieve'), text);
    expect(status(page)).to.not.equal('Not saved yet', 'no save has failed yet');
    const freeDisk = fillDisk();
    try {
      page.remove(); // its save, on leaving, is the first to meet the full disk
      store.close();
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      freeDisk();
    }
    const reopened = await openStore(name);
    stores.push(reopened);
    await waitUntil(async () => (await reopened.get(id))!.fields['achieve']?.value === text, 'the words are back');
  });

  it('keeps the edits of a save still under way when the page is closed, which may take the save with it', async () => {
    const name = freshDbName('worksheet');
    const { page } = await openDraft(name);
    // Another connection holds the store the autosave writes to, so its save stays under way.
    const open = indexedDB.open(name);
    await new Promise((resolve) => (open.onsuccess = resolve));
    const blocker = open.result.transaction('edits', 'readwrite').objectStore('edits');
    let held = true;
    const hold = (): void => {
      if (held) blocker.count().onsuccess = hold;
    };
    hold();
    try {
      type(textArea(page, 'achieve'), 'Saved as the kit was closed');
      void page.flush().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 20));
      expect(status(page)).to.equal('Saving…');
      window.dispatchEvent(new PageTransitionEvent('pagehide'));
      const kept = RescuedEdits.forDatabase(name)!.all();
      expect(kept.map((entry) => entry.fields)).to.deep.equal([{ achieve: 'Saved as the kit was closed' }]);
    } finally {
      held = false;
      open.result.close();
    }
  });

  it('announces to screen readers only what matters of saving, not every pause in typing', async () => {
    const { page, store, id } = await openDraft();
    const heard: string[] = [];
    const region = page.shadowRoot!.querySelector('[role="status"]')!;
    const steady = announced(page);
    expect(steady).to.equal('Edits are saved on this device as you type.');
    new MutationObserver(() => heard.push(announced(page))).observe(region, {
      childList: true,
      characterData: true,
      subtree: true,
    });
    const achieve = textArea(page, 'achieve');
    for (const words of ['Better', 'Better bus', 'Better bus routes']) {
      type(achieve, words);
      await page.updateComplete;
      expect(status(page), 'the line on screen shows each save').to.equal('Saving…');
      await waitUntil(async () => (await store.get(id))!.fields['achieve']?.value === words, 'saved after the pause');
      await waitUntil(() => status(page) === 'Saved on this device');
    }
    expect(heard, 'nothing announced while saving goes well').to.deep.equal([]);
    expect(page.shadowRoot!.querySelector('.status')!.getAttribute('aria-hidden')).to.equal('true');
    await expect(page).to.be.accessible();
  });

  it('keeps a draft deleted under the user on screen with its answers, not the form, and restores it from the keyboard', async () => {
    const name = freshDbName('deleted-under');
    const { page, store, id } = await openDraft(name);
    const otherTab = await openStore(name);
    stores.push(otherTab);
    const achieve = textArea(page, 'achieve');
    type(achieve, 'What the hall asked for');
    await page.flush();
    achieve.focus();

    await otherTab.remove(id); // or a teammate's delete, taken in by a sync
    await waitUntil(() => page.shadowRoot!.querySelector('[role="alert"]'), 'the page says what happened');
    const root = page.shadowRoot!;
    expect(root.querySelector('[role="alert"]')!.textContent).to.contain('This draft has been deleted');
    expect(root.querySelector('h1')!.textContent).to.equal('Riverside buses', 'not “Untitled draft”');
    expect(root.textContent).to.contain('What the hall asked for', 'the answers stay on screen');
    expect(root.querySelectorAll('question-text')).to.have.length(0, 'no form to type into a deleted draft');
    expect(root.activeElement?.id, 'focus went from the vanished field to what undoes it').to.equal('restore');
    await expect(page).to.be.accessible();

    (root.activeElement as HTMLButtonElement).click(); // Enter on the focused button
    await waitUntil(() => root.querySelector('question-text'), 'the form is back');
    expect(textArea(page, 'achieve').value).to.equal('What the hall asked for');
    expect(root.activeElement?.tagName).to.equal('H1');
    expect((await store.get(id))!.deletedAt).to.equal(null);
    expect((await otherTab.list()).map((d) => d.id)).to.include(id);
  });

  it('says on a full disk that a deleted draft was not restored, or not kept as a new draft, and to try again', async () => {
    const name = freshDbName('deleted-full');
    const { page, id } = await openDraft(name);
    const otherTab = await openStore(name);
    stores.push(otherTab);
    await otherTab.remove(id);
    const root = page.shadowRoot!;
    await waitUntil(() => root.querySelector('#restore'), 'the page offers to restore the draft');
    const freeDisk = fillDisk();
    try {
      root.querySelector<HTMLButtonElement>('#restore')!.click();
      await waitUntil(() => root.querySelector('p[role="alert"]'), 'the failure is said');
      expect(root.querySelector('p[role="alert"]')!.textContent).to.equal(
        'The draft was not restored: this device is out of storage space. Nothing was changed. Free up some space, then try again.',
      );
      expect(root.querySelector('#restore'), 'still offered, to try again').to.not.equal(null);
      root.querySelector<HTMLButtonElement>('#keep-copy')!.click();
      await waitUntil(() => root.querySelector('p[role="alert"]')!.textContent!.includes('new draft'));
      expect(root.querySelector('p[role="alert"]')!.textContent).to.equal(
        'The answers were not kept as a new draft: this device is out of storage space. Nothing was changed. Free up some space, then try again.',
      );
      await expect(page).to.be.accessible();
    } finally {
      freeDisk();
    }
    root.querySelector<HTMLButtonElement>('#restore')!.click();
    await waitUntil(() => root.querySelector('question-text'), 'restored once there is room');
    expect(root.querySelector('p[role="alert"]'), 'the failure is no longer said').to.equal(null);
  });

  it('keeps a deleted draft’s answers as a new draft of the user’s own, and leads to it from the keyboard', async () => {
    const name = freshDbName('keep-copy');
    const { page, store, id } = await openDraft(name);
    type(textArea(page, 'achieve'), 'What the hall asked for');
    await page.flush();
    const otherTab = await openStore(name);
    stores.push(otherTab);
    await otherTab.remove(id); // a teammate's delete, say, that this user does not agree with
    await waitUntil(() => page.shadowRoot!.querySelector('#keep-copy'), 'the page offers to keep the answers');
    const root = page.shadowRoot!;
    const keep = root.querySelector<HTMLButtonElement>('#keep-copy')!;
    keep.focus();
    keep.click();
    await waitUntil(() => root.activeElement?.id === 'open-copy', 'focus goes to the way to the copy');
    const link = root.querySelector<HTMLAnchorElement>('#open-copy')!;
    expect(link.textContent).to.equal('Copy of Riverside buses');
    const copyId = link.getAttribute('href')!.replace('/worksheet/', '');
    const copy = (await store.get(copyId))!;
    expect(copy.deletedAt).to.equal(null);
    expect(copy.fields['achieve']!.value).to.equal('What the hall asked for');
    expect((await store.get(id))!.deletedAt, 'the deleted draft stays deleted').to.be.a('number');
    expect((await store.list()).map((d) => d.id)).to.deep.equal([copyId]);
    await expect(page).to.be.accessible();
  });

  it('says a draft is not on the device any more when another tab takes it off (leaving the team), not an empty form', async () => {
    const name = freshDbName('gone-under');
    const { page } = await openDraft(name);
    const otherTab = await openStore(name);
    stores.push(otherTab);
    await otherTab.changeTeam({});
    await waitUntil(() => page.shadowRoot!.querySelector('h1')?.textContent === 'Draft not found', 'the page says so');
    expect(page.shadowRoot!.querySelectorAll('question-text')).to.have.length(0);
    await expect(page).to.be.accessible();
  });

  it('shows another tab’s edits, and neither tab overwrites the field the other changed', async () => {
    const name = freshDbName('two-tabs');
    const first = await openDraft(name);
    const secondStore = await openStore(name);
    stores.push(secondStore);
    const second = await fixture<WorksheetPage>(
      html`<worksheet-page .store=${secondStore} .worksheet=${worksheet} .draftId=${first.id}></worksheet-page>`,
    );
    await waitUntil(() => second.shadowRoot!.querySelector('h1'));
    type(textArea(first.page, 'achieve'), 'typed in tab one');
    type(textArea(second, 'audience'), 'typed in tab two');
    await Promise.all([first.page.flush(), second.flush()]);
    const saved = (await first.store.get(first.id))!;
    expect(saved.fields['achieve']!.value).to.equal('typed in tab one');
    expect(saved.fields['audience']!.value).to.equal('typed in tab two');
    await waitUntil(() => textArea(second, 'achieve').value === 'typed in tab one', 'tab two shows tab one’s edit');
    await waitUntil(
      () => textArea(first.page, 'audience').value === 'typed in tab two',
      'tab one shows tab two’s edit',
    );
  });

  it('keeps the words being typed when a teammate’s answer arrives, and keeps the teammate’s beside them', async () => {
    const { page, store, id } = await openDraft();
    const field = textArea(page, 'achieve');
    type(field, 'My words');
    await page.flush();
    await store.foldEdits();
    // Synced: the server gave the answer a revision.
    const entries = await store.outbox();
    await store.acknowledge(
      entries,
      entries.map((e) => ({ seq: e.seq!, status: 'applied' as const, rev: 5 })),
    );
    const mine = (await store.get(id))!.fields['achieve']!;
    // The typing goes on; a pull brings a teammate's later answer to the same question.
    const teammateAt = mine.changedAt + 1_000;
    await store.applyRemote([
      {
        id,
        worksheetId: WORKSHEET.id,
        worksheetVersion: WORKSHEET.version,
        createdAt: 1,
        rev: 6,
        deletedAt: null,
        note: null,
        fields: {
          achieve: {
            value: 'Teammate words',
            rev: 6,
            changedAt: teammateAt,
            changedBy: 'Sam’s phone',
            conflict: { value: 'My words', changedAt: mine.changedAt, changedBy: 'This phone' },
          },
        },
      },
    ]);
    await waitUntil(() => page.shadowRoot!.querySelector('field-conflict'), 'the conflict is shown');
    expect(field.value, 'the words under the typist’s fingers stay').to.equal('My words');
    type(field, 'My words, and more');
    await page.flush();
    await store.foldEdits();
    const saved = (await store.get(id))!.fields['achieve']!;
    expect(saved.value).to.equal('My words, and more');
    expect(saved.conflict).to.deep.include({ value: 'Teammate words', changedBy: 'Sam’s phone' });
    // Typing on does not settle it: it came during the typing, unseen.
    type(field, 'My words, and more still');
    await page.flush();
    await store.foldEdits();
    expect((await store.get(id))!.fields['achieve']!.conflict).to.deep.include({ value: 'Teammate words' });
    // Leaving the field, it shows the draft's value: the typist's, with the teammate's beside it.
    field.dispatchEvent(new FocusEvent('focusout', { bubbles: true, composed: true }));
    await page.updateComplete;
    expect(field.value).to.equal('My words, and more still');
    const versions = [...page.shadowRoot!.querySelector('field-conflict')!.shadowRoot!.querySelectorAll('.value')];
    expect(versions.map((v) => v.textContent!.trim())).to.deep.equal(['My words, and more still', 'Teammate words']);
    await expect(page).to.be.accessible();
  });

  it('says whose answer each is when a teammate changed it, and no longer once this device has', async () => {
    const store = await openStore(freshDbName('worksheet'));
    stores.push(store);
    const id = crypto.randomUUID();
    // Answers as a pull brings them: the team's server names the device that made each change.
    const pulled = (value: FieldValue, changedBy: string, changedAt: number) => ({
      value,
      rev: 4,
      changedAt,
      changedBy,
      conflict: null,
    });
    const samAt = Date.UTC(2026, 10, 26, 4, 5);
    await store.applyRemote([
      {
        id,
        worksheetId: WORKSHEET.id,
        worksheetVersion: WORKSHEET.version,
        createdAt: 1,
        rev: 4,
        deletedAt: null,
        note: null,
        fields: {
          title: pulled('Riverside buses', 'Alex’s phone', samAt),
          achieve: pulled('More buses', `Sam’s tablet ${ARABIC_NAME}`, samAt),
          activities: pulled(['consultation'], 'Alex’s phone', samAt + 60_000),
        },
      },
    ]);
    // This device's own answer, acknowledged by the server: a revision, and this device's id.
    const [edit] = await store.update(id, { audience: 'Bus users' });
    await store.foldEdits();
    const entry = (await store.outbox()).find((e) => e.fields.includes('audience'))!;
    await store.acknowledge([entry], [{ seq: entry.seq!, status: 'applied', rev: 5 }]);
    expect((await store.get(id))!.fields['audience']).to.include({ rev: 5, changedBy: edit!.by });
    const page = await fixture<WorksheetPage>(
      html`<worksheet-page .store=${store} .worksheet=${worksheet} .draftId=${id}></worksheet-page>`,
    );
    await waitUntil(() => page.shadowRoot!.querySelector('h1'), 'the draft opens');
    const question = (qid: string): HTMLElement =>
      [...page.shadowRoot!.querySelectorAll<QuestionField>('.question')].find((q) => q.question?.id === qid)!;
    const author = (qid: string): string | undefined =>
      question(qid).shadowRoot!.querySelector('.author')?.textContent!.replace(/\s+/g, ' ').trim();
    /** What a screen reader hears as the description of the question's answer (or its group). */
    const description = (qid: string): string => {
      const root = question(qid).shadowRoot!;
      const described = root.querySelector('textarea, fieldset')!.getAttribute('aria-describedby')!;
      return described
        .split(' ')
        .map((ref) => root.getElementById(ref)!.textContent!.replace(/\s+/g, ' ').trim())
        .join(' | ');
    };
    expect(author('achieve')).to.equal(`Last changed by Sam’s tablet ${ARABIC_NAME}, ${formatTime(samAt)}`);
    expect(description('achieve')).to.contain(`| Last changed by Sam’s tablet ${ARABIC_NAME}`);
    expect(author('activities')).to.equal(`Last changed by Alex’s phone, ${formatTime(samAt + 60_000)}`);
    expect(description('activities')).to.contain('| Last changed by Alex’s phone');
    expect(author('audience'), 'this device’s own answer').to.equal(undefined);
    expect(description('audience')).to.not.contain('Last changed');
    expect(author('review'), 'an answer no one has given').to.equal(undefined);
    // A name in another script is set apart from the sentence around it.
    expect(question('achieve').shadowRoot!.querySelector('.author bdi')!.textContent).to.equal(
      `Sam’s tablet ${ARABIC_NAME}`,
    );
    await expect(page).to.be.accessible();
    // The draft's title and place as well: a teammate may have named the draft.
    const titleInput = page.shadowRoot!.querySelector<HTMLInputElement>('#context-title')!;
    expect(
      page
        .shadowRoot!.getElementById(titleInput.getAttribute('aria-describedby')!)!
        .textContent!.replace(/\s+/g, ' ')
        .trim(),
    ).to.equal(`Last changed by Alex’s phone, ${formatTime(samAt)}`);
    expect(page.shadowRoot!.querySelector('#context-community')!.hasAttribute('aria-describedby')).to.equal(false);
    // On paper too, under each answer as on screen: a printed strategy says whose words each is.
    const printed = [...page.shadowRoot!.querySelectorAll('.print-only .byline')].map((p) =>
      p.textContent!.replace(/\s+/g, ' ').trim(),
    );
    expect(printed).to.deep.equal([
      `Last changed by Alex’s phone, ${formatTime(samAt)}`, // the title's, under the printed heading
      `Last changed by Alex’s phone, ${formatTime(samAt + 60_000)}`,
      `Last changed by Sam’s tablet ${ARABIC_NAME}, ${formatTime(samAt)}`,
    ]);

    type(textArea(page, 'achieve'), 'More buses, and later ones');
    await waitUntil(() => author('achieve') === undefined, 'typing over it, the answer is this device’s');
    await page.flush();
    await page.updateComplete;
    expect(author('achieve'), 'saved').to.equal(undefined);
    expect((await store.get(id))!.fields['achieve']!.changedBy).to.equal(edit!.by);
    expect(author('activities'), 'the other answers keep theirs').to.equal(
      `Last changed by Alex’s phone, ${formatTime(samAt + 60_000)}`,
    );
  });

  it('settles a conflict with one button, then puts focus on the answer kept', async () => {
    const store = await openStore(freshDbName('worksheet'));
    stores.push(store);
    const id = crypto.randomUUID();
    const field = (value: string, conflict: string | null) => ({
      value,
      rev: 3,
      changedAt: 2,
      changedBy: 'Alex’s phone',
      conflict: conflict ? { value: conflict, changedAt: 1, changedBy: 'Sam’s tablet' } : null,
    });
    await store.applyRemote([
      {
        id,
        worksheetId: WORKSHEET.id,
        worksheetVersion: WORKSHEET.version,
        createdAt: 1,
        rev: 3,
        deletedAt: null,
        note: null,
        fields: { title: field('Riverside buses', null), achieve: field('More buses', 'Later buses') },
      },
    ]);
    const page = await fixture<WorksheetPage>(
      html`<worksheet-page .store=${store} .worksheet=${worksheet} .draftId=${id}></worksheet-page>`,
    );
    const conflict = (): HTMLElement | null => page.shadowRoot!.querySelector('field-conflict');
    await waitUntil(conflict, 'the conflict is shown');
    await expect(page).to.be.accessible();
    const inPrint = (): string => page.shadowRoot!.querySelector('.print-only')!.textContent!.replace(/\s+/g, ' ');
    expect(inPrint()).to.contain(
      `More buses Last changed by Alex’s phone, ${formatTime(1)} Another version, not yet chosen (by Sam’s tablet, ${formatTime(1)}): Later buses`,
      'printed with both versions',
    );
    const keep = [...conflict()!.shadowRoot!.querySelectorAll('button')].find(
      (b) => b.textContent!.replace(/\s+/g, ' ').trim() === 'Keep this version (other version)',
    )!;
    keep.focus();
    keep.click();
    await waitUntil(() => !conflict(), 'the conflict is settled');
    expect(textArea(page, 'achieve').value).to.equal('Later buses');
    await waitUntil(
      () => textArea(page, 'achieve').getRootNode() instanceof ShadowRoot && page.shadowRoot!.activeElement,
      'focus is back in the draft',
    );
    const host = page.shadowRoot!.activeElement as HTMLElement & { question?: { id: string } };
    expect(host.question?.id).to.equal('achieve');
    expect(host.shadowRoot!.activeElement === textArea(page, 'achieve'), 'the answer has focus').to.equal(true);
    expect((await store.get(id))!.fields['achieve']).to.include({ value: 'Later buses', conflict: null });
    expect(inPrint()).to.not.contain('Another version');
  });

  it('shows answers to questions the worksheet no longer asks, as text, on screen and in print', async () => {
    const store = await openStore(freshDbName('retired'));
    stores.push(store);
    // A draft written before the worksheet changed: its import keeps the answer to the old question.
    const draft = await store.add({
      id: '0190f7a8-0000-7000-8000-000000000001',
      worksheetId: WORKSHEET.id,
      worksheetVersion: 1,
      createdAt: 1,
      updatedAt: 2,
      deletedAt: null,
      fields: {
        title: { value: 'Written last year', changedAt: 1, changedBy: 'd' },
        budget: { value: 'Two evenings of hall hire', changedAt: 2, changedBy: 'd' },
      },
    });
    const changed: Worksheet = { ...worksheet, retired: [{ id: 'budget', label: 'What the engagement may cost' }] };
    const page = await fixture<WorksheetPage>(
      html`<worksheet-page .store=${store} .worksheet=${changed} .draftId=${draft.id}></worksheet-page>`,
    );
    await waitUntil(() => page.shadowRoot!.querySelector('.retired'), 'the old answer is shown');
    const [onScreen, inPrint] = [...page.shadowRoot!.querySelectorAll('.retired')];
    for (const section of [onScreen!, inPrint!]) {
      expect(section.querySelector('h2')!.textContent).to.equal('Answers to questions no longer in this worksheet');
      expect(section.querySelector('h3')!.textContent).to.equal('What the engagement may cost');
      expect(section.querySelector('.answer')!.textContent).to.equal('Two evenings of hall hire');
      expect(section.querySelector('textarea, input'), 'not editable').to.equal(null);
    }
    expect(onScreen!.closest('.screen-only')).to.not.equal(null);
    expect(inPrint!.closest('.print-only')).to.not.equal(null);
    await expect(page).to.be.accessible();
  });

  it('says at the top of the draft that the team’s server refused a change, and keeps the answers as a new draft', async () => {
    const name = freshDbName('refused');
    const { page, store, id } = await openDraft(name);
    await store.update(id, { achieve: 'Written while away' });
    const [change] = await store.outbox().then((o) => o.filter((e) => e.draftId === id && e.kind === 'update'));
    const reason = 'This draft was deleted long enough ago that the team’s server has erased its answers.';
    page.refused = [{ ...change!, rejected: reason }];
    await page.updateComplete;
    const notice = page.shadowRoot!.querySelector('#refused-notice')!;
    expect(notice.querySelector('h2')!.textContent!.trim()).to.equal(
      'The team’s server refused a change to this draft',
    );
    expect(notice.textContent).to.contain(reason);
    expect(notice.querySelector('a')!.getAttribute('href')).to.equal('/settings#refused');
    await expect(page).to.be.accessible();

    const keep = notice.querySelector<HTMLButtonElement>('#keep-refused')!;
    keep.focus();
    keep.click();
    await waitUntil(() => page.shadowRoot!.querySelector('#open-copy'), 'the copy is offered');
    const link = page.shadowRoot!.querySelector<HTMLAnchorElement>('#open-copy')!;
    expect(page.shadowRoot!.activeElement).to.equal(link, 'focus goes to the copy');
    const copy = await store.get(link.getAttribute('href')!.split('/').pop()!);
    expect(copy!.fields['achieve']!.value).to.equal('Written while away');

    page.refused = [];
    await page.updateComplete;
    expect(page.shadowRoot!.querySelector('#refused-notice'), 'gone once discarded').to.equal(null);

    // Deleted under it in another tab (and a restore refused, say), the page offers the copy once.
    const other = await openStore(name);
    await other.remove(id);
    other.close();
    page.refused = [{ ...change!, rejected: reason }];
    await waitUntil(() => page.shadowRoot!.querySelector('#restore'), 'the deleted draft’s page shows');
    expect(page.shadowRoot!.querySelector('#refused-notice')!.textContent).to.contain(reason);
    const keeps = [...page.shadowRoot!.querySelectorAll('button')].filter((b) =>
      b.textContent!.includes('Keep the answers as a new draft'),
    );
    expect(keeps).to.have.length(1);
    await expect(page).to.be.accessible();
  });

  it('is accessible', async () => {
    const { page } = await openDraft();
    await expect(page).to.be.accessible();
  });
});
