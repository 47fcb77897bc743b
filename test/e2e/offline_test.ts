import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { RunningServer } from '../support/app-server.js';
import { e2eApp } from '../support/e2e-app.js';

const SECTIONS = [
  ['why-must-i', 'Why must I?'],
  ['how-do-i', 'How do I?'],
  ['understand', 'Understand social media activities'],
  ['develop', 'Develop an engagement strategy'],
  ['keep', 'Keep your knowledge current'],
] as const;

const ROUTES = [
  ['/', 'Engagement Field Kit'],
  ['/guide/social-media', 'Social media'],
  ['/worksheet', 'Strategy worksheet'],
  ['/drafts', 'Drafts'],
  ['/settings', 'Settings'],
  ['/search?q=feedback', 'Search the guidance'],
  ['/not/a/page', 'Page not found'],
] as const;

async function expectHeading(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor({ timeout: 10_000 });
}

describe('offline and installable', () => {
  let server: RunningServer;
  let context: BrowserContext;
  let page: Page;
  const requested: string[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    const app = await e2eApp();
    cleanups.push(app.close);
    ({ server, context, page } = app);
    context.on('request', (r) => requested.push(r.url()));
    await page.goto(`${server.origin}/`);
    await expectHeading(page, 'Engagement Field Kit');
    // The first worker claims the page, so the first visit is enough to go offline.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 15_000 });
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('passes Chromium’s installability check', async () => {
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[];
    };
    assert.deepEqual(installabilityErrors, []);
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string };
    assert.deepEqual(manifest.errors, []);
    assert.equal(manifest.url, `${server.origin}/manifest.webmanifest`);
  });

  // Chromium's claim misses a page whose load is under way as the first worker takes control (twice in
  // ninety first visits reopened at once, here); a hard reload loads a page past the worker
  // on purpose. Either way the page asks to be controlled, or its fetches go to the network offline.
  it('takes under its control a page loaded past it, which then works offline', async () => {
    const tab = await context.newPage();
    try {
      await tab.goto(`${server.origin}/`);
      await expectHeading(tab, 'Engagement Field Kit');
      const cdp = await context.newCDPSession(tab);
      const loaded = tab.waitForEvent('load');
      await cdp.send('Page.reload', { ignoreCache: true });
      await loaded;
      await tab.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 10_000 });
      await context.setOffline(true);
      // The guide's content is fetched as the link is followed: from the cache, through the worker.
      await tab.locator('home-page h3 a').first().click();
      await expectHeading(tab, 'Social media');
    } finally {
      await context.setOffline(false);
      await tab.close();
    }
  });

  it('opens every route and every guide section offline, including deep links never visited', async () => {
    await context.setOffline(true);
    await page.reload();
    await expectHeading(page, 'Engagement Field Kit');
    // Which of the two depends on whether the browser says it is online: emulated offline
    // here, it does so or not from run to run (below, with the server stopped, it does).
    await page.getByText(/^(You are offline\.|The kit’s server cannot be reached\.)$/).waitFor();
    for (const [path, heading] of ROUTES) {
      await page.goto(`${server.origin}${path}`);
      await expectHeading(page, heading);
    }
    for (const [id, title] of SECTIONS) {
      await page.goto(`${server.origin}/guide/social-media#${id}`);
      const heading = page.getByRole('heading', { name: title, exact: true });
      await heading.waitFor();
      assert.equal(await heading.evaluate((h) => h.id), id);
      await page.waitForFunction((target) => {
        let active = document.activeElement;
        while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
        return active?.id === target;
      }, id);
    }
    // Offline, external links say they need a connection.
    const note = page.locator('guide-page .needs-connection').first();
    assert.equal(await note.isVisible(), true);

    // Search finds words in all the guidance offline, and a result leads, by keyboard, to its section.
    await page.goto(`${server.origin}/search`);
    await page.getByRole('searchbox', { name: 'Words to find' }).fill('in-depth feedback');
    await page.getByRole('status').filter({ hasText: '1 section matches “in-depth feedback”.' }).waitFor();
    assert.equal(new URL(page.url()).search, '?q=in-depth+feedback', 'the address keeps the words');
    await page.getByRole('link', { name: 'Develop an engagement strategy' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => {
      let active = document.activeElement;
      while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
      return active?.id === 'develop' && location.pathname === '/guide/social-media';
    });
  });

  it('shows the offline indicator only while offline', async () => {
    await context.setOffline(false);
    await page.getByText('You are offline.').waitFor({ state: 'detached' });
    await context.setOffline(true);
    await page.evaluate(() => window.dispatchEvent(new Event('offline')));
    await page.getByText('You are offline.').waitFor();
    await context.setOffline(false);
    await page.getByText('You are offline.').waitFor({ state: 'detached' });
  });

  it('still serves every route with the server stopped entirely', async () => {
    await server.close();
    for (const [path, heading] of ROUTES) {
      await page.goto(`${server.origin}${path}`);
      await expectHeading(page, heading);
    }
    await page.goto(`${server.origin}/guide/social-media#keep`);
    await page.getByRole('heading', { name: 'Keep your knowledge current' }).waitFor();
    // The device has its network: the notice names the server, not the phone's signal.
    await page.getByText('The kit’s server cannot be reached.').waitFor();
    assert.equal(await page.getByText('You are offline.').count(), 0);
  });

  it('never sent a request to another origin', () => {
    const foreign = requested.filter((url) => !url.startsWith(`${server.origin}/`));
    assert.deepEqual(foreign, []);
    assert.ok(requested.length > 5, 'requests were observed');
  });
});
