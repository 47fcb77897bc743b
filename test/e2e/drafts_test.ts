import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '../support/app-server.js';
import { launchProfile } from '../support/browser.js';
import { e2eApp, type E2eApp } from '../support/e2e-app.js';

const ACHIEVE = 'What you’re trying to achieve and what success looks like';
const AUDIENCE = 'Who your audience is, where they are, how to reach them, and what they can (broadly) contribute';

describe('drafts on the device', () => {
  let server: RunningServer;
  let context: BrowserContext;

  let app: E2eApp;
  before(async () => {
    app = await e2eApp();
    server = app.server;
    context = app.context;
  });

  after(() => app?.close());

  async function newDraft(): Promise<{ page: Page; url: string }> {
    const page = await context.newPage();
    await page.goto(`${server.origin}/worksheet/new`);
    await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
    await page.getByRole('textbox', { name: ACHIEVE }).waitFor();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    return { page, url: page.url() };
  }

  it('dates a new draft by the device’s own calendar, not by UTC’s', async () => {
    // A time zone whose date differs from UTC's at this moment, whatever the time of day here.
    const timezoneId = new Date().getUTCHours() >= 10 ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago';
    const local = new Intl.DateTimeFormat('en-CA', { timeZone: timezoneId }).format(new Date());
    assert.notEqual(local, new Date().toISOString().slice(0, 10), 'the zone is a day off UTC');
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId });
    await page.goto(`${server.origin}/worksheet/new`);
    await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
    assert.equal(await page.getByLabel('Date of the consultation').inputValue(), local);
    await page.close();
  });

  it('keeps a keystroke made 200 ms before the page was closed, and shows it offline', async () => {
    const { page, url } = await newDraft();
    const text = 'Safer crossings near the school, typed just before closing';
    await page.getByRole('textbox', { name: ACHIEVE }).pressSequentially(text, { delay: 15 });
    await page.waitForTimeout(200);
    await page.close();

    await context.setOffline(true);
    try {
      const reopened = await context.newPage();
      await reopened.goto(url);
      const field = reopened.getByRole('textbox', { name: ACHIEVE });
      await field.waitFor();
      assert.equal(await field.inputValue(), text);
      await reopened.close();
    } finally {
      await context.setOffline(false);
    }
  });

  it('keeps both tabs’ edits to different fields of one draft', async () => {
    const { page: first, url } = await newDraft();
    const second = await context.newPage();
    await second.goto(url);
    await second.getByRole('textbox', { name: AUDIENCE }).waitFor();
    await Promise.all([
      first.getByRole('textbox', { name: ACHIEVE }).pressSequentially('From the first tab', { delay: 10 }),
      second.getByRole('textbox', { name: AUDIENCE }).pressSequentially('From the second tab', { delay: 10 }),
    ]);
    // Each tab shows the other's edit without a reload.
    await first.waitForFunction((name) => {
      const fields = document.querySelector('worksheet-page')?.shadowRoot?.querySelectorAll('question-text') ?? [];
      return [...fields].some(
        (f) =>
          f.shadowRoot?.querySelector('label')?.textContent === name &&
          f.shadowRoot.querySelector('textarea')?.value === 'From the second tab',
      );
    }, AUDIENCE);
    await Promise.all([first.close(), second.close()]);
    const check = await context.newPage();
    await check.goto(url);
    assert.equal(await check.getByRole('textbox', { name: ACHIEVE }).inputValue(), 'From the first tab');
    assert.equal(await check.getByRole('textbox', { name: AUDIENCE }).inputValue(), 'From the second tab');
    await check.close();
  });

  it('moves every draft to another device in one file: Export all drafts here, Import drafts there', async () => {
    const written: string[] = [];
    for (const title of ['Riverside hall', 'Library forum']) {
      const { page } = await newDraft();
      await page.getByLabel('Title').fill(title);
      await page.getByRole('textbox', { name: ACHIEVE }).fill(`What ${title} wants`);
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      await page.keyboard.press('Tab'); // leaving the field saves it at once
      written.push(title);
      await page.close();
    }
    const page = await context.newPage();
    await page.goto(`${server.origin}/drafts`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export all drafts' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^engagement-field-kit-drafts-\d{4}-\d{2}-\d{2}\.json$/);
    const file = await download.path();
    await page.close();

    const other = await launchProfile(); // another phone: its own storage, nothing of this one's
    try {
      const there = other.context.pages()[0] ?? (await other.context.newPage());
      // Listened for before the page opens: Playwright begins to catch pickers when first asked, a
      // moment later, and a picker opened before then was the browser's own, never seen here.
      const chooser = there.waitForEvent('filechooser', { timeout: 120_000 });
      await there.goto(`${server.origin}/drafts`);
      await there.getByText('No drafts yet.').waitFor();
      // "Import drafts…" by keyboard, and the picker it opens.
      await there.getByRole('button', { name: 'Import drafts…' }).focus();
      await there.keyboard.press('Enter');
      await (await chooser).setFiles(file);
      await there.getByText(/^Imported \d+ drafts\.$/).waitFor();
      for (const title of written) {
        await there.getByRole('link', { name: title, exact: true }).click();
        assert.equal(await there.getByRole('textbox', { name: ACHIEVE }).inputValue(), `What ${title} wants`);
        await there.goBack();
      }
    } finally {
      await other.close();
    }
  });
});
