import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { startServer } from '../test/support/app-server.js';
import { runBuild } from '../test/support/build-app.js';
import { CHROMIUM_ARGS, chromiumPath } from '../test/support/chromium.js';
import { median, type Figure } from './figure.js';

const SAMPLES = 9;
const BLANK = 'offline-blank.html';

/** What the in-page checks read (this file is type-checked for Node, without the DOM's types). */
interface InPage {
  readonly navigator: { serviceWorker: { controller: object | null; ready: Promise<unknown> } };
  readonly document: { title: string };
  readonly performance: {
    getEntriesByName(name: string): { startTime: number }[];
    getEntriesByType(type: string): { loadEventEnd: number }[];
  };
}

/**
 * Offline cold start: the browser starts afresh with the network off and the service worker in
 * control, and opens a draft's worksheet; timed from navigation to the view being usable (the
 * app's `efk:view-ready` mark). The limit is a blank page precached by the same service worker,
 * opened the same way (to its load event). Samples alternate between the two.
 */
export async function coldStartBench(): Promise<Figure[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'efk-cold-'));
  const extra = path.join(dir, 'extra');
  const out = path.join(dir, 'site');
  const profile = path.join(dir, 'profile');
  await mkdir(extra);
  await writeFile(
    path.join(extra, BLANK),
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Blank</title><p>Blank</p></html>',
  );
  const built = await runBuild(out, undefined, { EFK_EXTRA_PUBLIC_DIR: extra });
  if (built.code !== 0) throw new Error(`build failed:\n${built.output}`);
  const server = await startServer(out);
  const launch = (): Promise<BrowserContext> =>
    chromium.launchPersistentContext(profile, {
      executablePath: chromiumPath(),
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 390, height: 844 },
    });
  try {
    // Installed once, online: the service worker precaches the app (and the blank page), and
    // one draft exists to open.
    let context = await launch();
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${server.origin}/worksheet/new`);
    await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
    const draftUrl = page.url();
    await page.waitForFunction(() => (globalThis as unknown as InPage).navigator.serviceWorker.controller !== null);
    await page.evaluate(async () => {
      await (globalThis as unknown as InPage).navigator.serviceWorker.ready;
    });
    await context.close();

    const times = { worksheet: [] as number[], blank: [] as number[] };
    for (let i = 0; i < SAMPLES; i += 1) {
      for (const target of ['worksheet', 'blank'] as const) {
        context = await launch();
        try {
          await context.setOffline(true);
          const tab = context.pages()[0] ?? (await context.newPage());
          if (target === 'worksheet') {
            await tab.goto(draftUrl);
            const ready = await tab.waitForFunction(
              () => (globalThis as unknown as InPage).performance.getEntriesByName('efk:view-ready')[0]?.startTime,
            );
            times.worksheet.push(Number(await ready.jsonValue()));
          } else {
            await tab.goto(`${server.origin}/${BLANK}`);
            const served = await tab.evaluate(() => (globalThis as unknown as InPage).document.title);
            if (served !== 'Blank') throw new Error(`the blank page was not served from the precache (${served})`);
            const loaded = await tab.waitForFunction(
              () => (globalThis as unknown as InPage).performance.getEntriesByType('navigation')[0]?.loadEventEnd,
            );
            times.blank.push(Number(await loaded.jsonValue()));
          }
        } finally {
          await context.close();
        }
      }
    }
    return [
      {
        name: `Offline cold start to a usable worksheet, median of ${SAMPLES} (ms)`,
        ours: Math.round(median(times.worksheet)),
        limit: Math.round(median(times.blank)),
        limitName: 'precached blank page',
        budget: 1.5,
        kind: 'at-most',
        notes: [
          `worksheet ${times.worksheet.map(Math.round).join(', ')} ms; blank ${times.blank.map(Math.round).join(', ')} ms`,
        ],
      },
    ];
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
