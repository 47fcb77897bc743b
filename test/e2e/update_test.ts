import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startServer, type RunningServer } from '../support/app-server.js';
import { ROOT, builtApp } from '../support/build-app.js';
import { launchProfile } from '../support/browser.js';
import { tempDirWith } from '../support/temp-dir.js';
import { grantPeriodicSync, wakeServiceWorker } from '../support/wake-service-worker.js';
import { PERIODIC_SYNC_TAG } from '../../src/sync/run-sync.js';

const OLD_TEXT = 'How and when to use social media';
const NEW_TEXT = 'How and when to use social media, revised';

/** Builds the app from the real content, with the guide's strapline changed when `revised`. */
async function buildVersion(revised: boolean): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const content = await tempDirWith();
  const source = path.join(ROOT, 'content/social_media.md');
  if (revised) {
    const text = await readFile(source, 'utf8');
    await writeFile(path.join(content.dir, 'social_media.md'), text.replace(`\n${OLD_TEXT}\n`, `\n${NEW_TEXT}\n`));
  } else {
    await copyFile(source, path.join(content.dir, 'social_media.md'));
  }
  const out = await builtApp(content.dir);
  await content.cleanup();
  return out;
}

describe('updating to a new version', () => {
  const cleanups: (() => Promise<void>)[] = [];
  let v1: string;
  let v2: string;

  before(async () => {
    const [one, two] = await Promise.all([buildVersion(false), buildVersion(true)]);
    cleanups.push(one.cleanup, two.cleanup);
    v1 = one.dir;
    v2 = two.dir;
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function strapline(page: Page): Promise<string> {
    return page.locator('guide-page .lead').innerText();
  }

  it('offers the new version, never reloads without consent, and shows the new text after Reload', async () => {
    let server: RunningServer = await startServer(v1);
    const profile = await launchProfile();
    cleanups.push(profile.close, () => server.close());
    const page = profile.context.pages()[0] ?? (await profile.context.newPage());
    // Settings names the build the phone runs, as /health names the one the server serves.
    const served = async (): Promise<string> =>
      ((await (await fetch(`${server.origin}/health`)).json()) as { version: string }).version;
    const shown = (): Promise<string> => page.locator('settings-page .version').innerText();
    const first = await served();
    await page.goto(`${server.origin}/settings`);
    assert.equal(await shown(), first);
    await page.goto(`${server.origin}/guide/social-media`);
    assert.equal(await strapline(page), OLD_TEXT);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    let loads = 0;
    page.on('load', () => (loads += 1));

    // Publish version 2 at the same address, and let the browser look for it.
    const port = server.port;
    await server.close();
    server = await startServer(v2, port);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())!.update());

    const banner = page.getByRole('status').filter({ hasText: 'A new version of the kit is ready' });
    await banner.waitFor({ timeout: 15_000 });
    await page.waitForTimeout(1_500); // a page that reloads on its own would do it here
    assert.equal(loads, 0, 'the page did not reload without consent');
    assert.equal(await strapline(page), OLD_TEXT, 'the old version stays until the user chooses');

    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Reload' }).click()]);
    await page.locator('guide-page .lead').waitFor();
    assert.equal(await strapline(page), NEW_TEXT);
    assert.equal(loads, 1, 'exactly one reload, after consent');
    assert.equal(await page.getByText('A new version of the kit is ready').count(), 0);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    assert.equal(await shown(), await served(), 'the phone now runs what the server serves');
    assert.notEqual(await shown(), first, 'another build');
  });

  it('downloads a new version while the kit is closed, when the browser wakes it, and takes it offline at Reload', async () => {
    let server: RunningServer = await startServer(v1);
    const profile = await launchProfile();
    cleanups.push(profile.close, () => server.close());
    let page = profile.context.pages()[0] ?? (await profile.context.newPage());
    await page.goto(`${server.origin}/guide/social-media`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    // Installed, as Chromium grants it; the kit asks to be woken as it opens, in a team or not.
    const bystander = await grantPeriodicSync(profile.context, server.origin);
    await page.goto(`${server.origin}/settings`);
    await page.getByText(/while it is open with a signal, and now and then while it is closed/).waitFor();
    await page.close();
    const port = server.port;
    await server.close();
    server = await startServer(v2, port);

    // No page of the kit is open: the browser wakes its worker (this device is in no team, so
    // there is nothing to sync), and the worker finds the new version and installs it. Watched
    // over DevTools: a page of the kit opened to look would change what the browser does next.
    const cdp = await profile.context.newCDPSession(bystander);
    const versions = new Map<string, string>();
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions: updated }) => {
      for (const v of updated) versions.set(v.versionId, v.status);
    });
    await cdp.send('ServiceWorker.enable');
    // The versions there already are told in events after enable's answer: the old one, active,
    // must be among them before they are taken as the old ones (it was once taken for the new).
    for (let tries = 0; ![...versions.values()].includes('activated'); tries += 1) {
      assert.ok(tries < 100, 'DevTools told the version in use');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const first = [...versions.keys()];
    await wakeServiceWorker(profile.context, server.origin, { periodic: true, tag: PERIODIC_SYNC_TAG });
    const installed = (): boolean =>
      [...versions].some(([id, status]) => !first.includes(id) && ['installed', 'activated'].includes(status));
    for (let tries = 0; !installed(); tries += 1) {
      assert.ok(tries < 150, 'the new version was downloaded');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await cdp.detach();

    // Out of signal, the kit opens with the new version: offered on a page that had the old one
    // (a page is never swapped without consent), or at once when no page held the old one then.
    await profile.context.setOffline(true);
    page = await profile.context.newPage();
    await page.goto(`${server.origin}/guide/social-media`);
    if ((await strapline(page)) === OLD_TEXT) await page.getByRole('button', { name: 'Reload' }).click();
    await page.locator('guide-page .lead').filter({ hasText: NEW_TEXT }).waitFor({ timeout: 15_000 });
    await bystander.close();
  });

  // A kit on a home screen is seldom loaded afresh: it is brought back from the background, or
  // back into signal, with the page it had. The browser looks for a new service worker only when
  // a page loads, so a kit left open ran the version it started with until something reloaded it.
  for (const [when, wake] of [
    [
      'brought back on screen',
      (page: Page) => page.evaluate(() => document.dispatchEvent(new Event('visibilitychange'))),
    ],
    [
      'back in signal',
      async (page: Page) => {
        await page.context().setOffline(true);
        await page.context().setOffline(false);
      },
    ],
  ] as const) {
    it(`looks for a new version by itself when a kit left open is ${when}`, async () => {
      let server: RunningServer = await startServer(v1);
      const profile = await launchProfile();
      cleanups.push(profile.close, () => server.close());
      const page = profile.context.pages()[0] ?? (await profile.context.newPage());
      await page.goto(`${server.origin}/guide/social-media`);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      const port = server.port;
      await server.close();
      server = await startServer(v2, port);
      const banner = page.getByRole('status').filter({ hasText: 'A new version of the kit is ready' });
      await page.waitForTimeout(1_000);
      assert.equal(await banner.count(), 0, 'nothing offered before the kit has looked');

      await wake(page);
      await banner.waitFor({ timeout: 15_000 });
      assert.equal(await strapline(page), OLD_TEXT, 'offered, not taken without consent');
    });
  }
});
