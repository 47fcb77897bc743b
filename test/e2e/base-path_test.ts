import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startSyncServer } from '../support/app-server.js';
import { launchProfile } from '../support/browser.js';
import { builtApp } from '../support/build-app.js';

// An agency's proxy in front of the kit at a path of a host it shares with other apps
// (PUBLIC_URL=https://apps.agency.gov.au/field-kit): the same build, every page, file, request
// and the service worker under that path, nothing at the host's root.
describe('the kit served under a path of its host', () => {
  let server: Awaited<ReturnType<typeof startSyncServer>>;
  const cleanups: (() => Promise<void>)[] = [];
  /** Every request the browser made, by path. */
  const requested: string[] = [];

  before(async () => {
    const out = await builtApp();
    cleanups.push(out.cleanup);
    server = await startSyncServer(out.dir, { basePath: '/field-kit' });
    cleanups.push(() => server.close());
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function heading(page: Page, name: string): Promise<void> {
    await page.getByRole('heading', { level: 1, name, exact: true }).waitFor({ timeout: 15_000 });
  }

  it('opens, installs, joins, syncs and opens offline at its path, and asks nothing of the host’s root', async () => {
    const profile = await launchProfile();
    cleanups.push(profile.close);
    const { context } = profile;
    context.on('request', (r) => requested.push(new URL(r.url()).pathname));
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.kit}/`);
    await heading(page, 'Engagement Field Kit');
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    assert.equal(scope, `${server.kit}/`, 'the service worker serves the kit’s path');

    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    assert.deepEqual(installabilityErrors, [], 'installable');
    const manifest = (await (await fetch(`${server.kit}/manifest.webmanifest`)).json()) as {
      start_url: string;
      scope: string;
      icons: { src: string }[];
    };
    assert.deepEqual([manifest.start_url, manifest.scope], ['/field-kit/', '/field-kit/']);
    assert.ok(manifest.icons.every((i) => i.src.startsWith('/field-kit/icons/')));

    // The guide by its link, and a link in the guide's own text to one of its sections.
    await page.getByRole('link', { name: 'Social media' }).first().click();
    await heading(page, 'Social media');
    assert.equal(new URL(page.url()).pathname, '/field-kit/guide/social-media');
    const inText = page.locator('guide-page .prose a.in-kit', { hasText: 'Develop an engagement strategy' }).first();
    assert.equal(await inText.getAttribute('href'), '/field-kit/guide/social-media#develop');
    await inText.click();
    await page.waitForURL(/\/field-kit\/guide\/social-media#develop$/);

    // Joined by its join link, which names the path; Settings offers the same link.
    assert.match(server.joinLink, /^http:\/\/127\.0\.0\.1:\d+\/field-kit\/join#/);
    await page.goto(server.joinLink);
    await page.getByText(/This device has joined Riverside team/).waitFor({ timeout: 15_000 });
    assert.equal(new URL(page.url()).pathname, '/field-kit/settings');
    await page.getByText(`${server.kit}/join#`, { exact: false }).first().waitFor();

    // A draft by the nav's links, synced to the team's server under the path.
    await page.getByRole('link', { name: 'Worksheet', exact: true }).click();
    await heading(page, 'Strategy worksheet');
    assert.equal(new URL(page.url()).pathname, '/field-kit/worksheet');
    await page.getByRole('link', { name: 'Start a new strategy draft' }).click();
    await page.waitForURL(/\/field-kit\/worksheet\/[0-9a-f-]{36}$/);
    const draftUrl = page.url();
    await page.getByRole('textbox', { name: 'Title' }).fill('Hall meeting under a path');
    const onServer = async (): Promise<boolean> =>
      (await server.db.selectFrom('draft_fields').select('value').where('key', '=', 'title').execute()).some(
        (t) => JSON.parse(t.value) === 'Hall meeting under a path',
      );
    for (let i = 0; i < 150 && !(await onServer()); i += 1) await page.waitForTimeout(100);
    assert.ok(await onServer(), 'the team’s server has it');

    // With no signal, a deep link opens from the service worker, the draft with it.
    await context.setOffline(true);
    await page.goto(draftUrl);
    await page.getByRole('textbox', { name: 'Title' }).waitFor({ timeout: 15_000 });
    assert.equal(await page.getByRole('textbox', { name: 'Title' }).inputValue(), 'Hall meeting under a path');
    await page.getByRole('link', { name: 'Drafts', exact: true }).click();
    await heading(page, 'Drafts');
    assert.equal(new URL(page.url()).pathname, '/field-kit/drafts');
    await context.setOffline(false);

    const outside = requested.filter((p) => !p.startsWith('/field-kit/') && p !== '/field-kit');
    assert.deepEqual(outside, [], 'nothing was asked of the host’s root');
  });
});
