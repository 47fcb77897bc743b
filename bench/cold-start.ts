import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type CDPSession } from 'playwright-core';
import { startServer } from '../test/support/app-server.js';
import { runBuild } from '../test/support/build-app.js';
import { CHROMIUM_ARGS, chromiumPath } from '../test/support/chromium.js';
import { median, type Figure } from './figure.js';

const SAMPLES = 9;
/** Runs with the CPU slowed, each several times longer. */
const SLOW_SAMPLES = 5;
const SLOWDOWN = 4;
const BLANK = 'offline-blank.html';
const FLOOR = 'offline-floor.html';
/**
 * The floor of any page that shows a stored draft: its script runs, opens IndexedDB, reads one
 * record and puts it on screen. No framework, no views, no content to fetch.
 */
const FLOOR_SCRIPT = `const open = indexedDB.open('efk-floor', 1);
open.onupgradeneeded = () => open.result.createObjectStore('drafts').put({ title: 'A stored draft' }, 'one');
open.onsuccess = () => {
  const read = open.result.transaction('drafts').objectStore('drafts').get('one');
  read.onsuccess = () => {
    const p = document.createElement('p');
    p.textContent = read.result.title;
    document.body.append(p);
    performance.mark('efk:floor-ready');
  };
};
`;

/** What the install step's in-page checks read (this file is type-checked for Node, without the DOM's types). */
interface InPage {
  readonly navigator: { serviceWorker: { controller: object | null; ready: Promise<unknown> } };
  readonly performance: { getEntriesByName(name: string): { startTime: number }[] };
}

/** The mark the harness sets at the frame that shows a page's moment (see SHOWN_SCRIPT). */
const SHOWN = 'bench:shown';

/**
 * Set before each page starts (a few lines, run as the document is created): marks {@link SHOWN}
 * once the browser has drawn the frame after the page's own moment, the worksheet's
 * `efk:view-ready`, the floor's `efk:floor-ready`, the blank page's load event. The blank page's
 * load event comes before its first layout and paint (and, in a browser started afresh, before
 * its first text is shaped), which every page pays before anything is seen, and which the
 * worksheet pays before it is ready: timed to its load event, the limit left out what the other
 * two included.
 */
const SHOWN_SCRIPT = `(() => {
  const shown = () => requestAnimationFrame(() => setTimeout(() => performance.mark(${JSON.stringify(SHOWN)})));
  new PerformanceObserver((list, observer) => {
    if (list.getEntries().some((e) => e.name === 'efk:view-ready' || e.name === 'efk:floor-ready')) {
      observer.disconnect();
      shown();
    }
  }).observe({ type: 'mark' });
  addEventListener('load', () => { if (document.title === 'Blank') setTimeout(shown); });
})()`;

/**
 * A number from the page, by the DevTools protocol's own evaluation. Playwright's
 * `waitForFunction` and `evaluate` first inject their helper scripts into the page, and
 * compiling and running those (about 10 ms here, 40 ms at 4× slowdown, in a trace) took the page's main
 * thread while the worksheet was still starting: the harness was timed as part of the worksheet,
 * and of the floor, while the blank page's time (its load event) was over before it ran.
 */
async function pageTime(cdp: CDPSession, expression: string): Promise<number> {
  const answer = (await cdp.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true })) as {
    result: { value?: unknown };
    exceptionDetails?: { text: string };
  };
  if (answer.exceptionDetails || typeof answer.result.value !== 'number')
    throw new Error(`the page did not answer ${expression}: ${answer.exceptionDetails?.text ?? 'no number'}`);
  return answer.result.value;
}

/** When the page's performance mark `name` was set, waiting for it if it is not yet. */
function markTime(name: string): string {
  const n = JSON.stringify(name);
  return `new Promise((resolve) => {
    const seen = performance.getEntriesByName(${n})[0];
    if (seen) return resolve(seen.startTime);
    new PerformanceObserver((list, observer) => {
      const entry = list.getEntriesByName(${n})[0];
      if (entry) { observer.disconnect(); resolve(entry.startTime); }
    }).observe({ type: 'mark' });
  })`;
}

/** The navigation's load event's end, once the browser has set it. */
const LOAD_END = `new Promise((resolve) => {
  const check = () => {
    const end = performance.getEntriesByType('navigation')[0]?.loadEventEnd;
    if (end) resolve(end); else setTimeout(check, 5);
  };
  check();
})`;

/**
 * Offline cold start: the browser starts afresh with the network off and the service worker in
 * control, and opens a draft's worksheet; timed from navigation to the frame that shows the view
 * usable (after the app's `efk:view-ready` mark). The limit is a blank page precached by the same
 * service worker, opened the same way, to the frame that shows it (after its load event). Beside
 * them, the floor of any page that shows a stored draft, opened the same way, to the frame that
 * shows its record. Samples alternate between the three.
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
  await writeFile(
    path.join(extra, FLOOR),
    '<!doctype html><html lang="en"><meta charset="utf-8"><title>Floor</title><script type="module" src="/offline-floor.js"></script></html>',
  );
  await writeFile(path.join(extra, 'offline-floor.js'), FLOOR_SCRIPT);
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
    // Installed once, online: the service worker precaches the app (and the blank and floor pages), and
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
    // The floor page's record is stored once, online, as the draft was.
    await page.goto(`${server.origin}/${FLOOR}`);
    await page.waitForFunction(
      () => (globalThis as unknown as InPage).performance.getEntriesByName('efk:floor-ready')[0],
    );
    await context.close();

    /**
     * Samples the three pages, alternating, each in a browser started afresh with the network off;
     * `slowdown` slows the page's CPU as DevTools does (a mid-range phone is about 4× slower here).
     */
    type Target = 'worksheet' | 'blank' | 'floor';
    /** Each page's time to the frame that shows it, and to its own moment (its mark, or the load event). */
    interface Times {
      readonly shown: Record<Target, number[]>;
      readonly own: Record<Target, number[]>;
    }
    const sample = async (count: number, slowdown = 1): Promise<Times> => {
      const times: Times = {
        shown: { worksheet: [], blank: [], floor: [] },
        own: { worksheet: [], blank: [], floor: [] },
      };
      for (let i = 0; i < count; i += 1) {
        for (const target of ['worksheet', 'blank', 'floor'] as const) {
          context = await launch();
          try {
            await context.setOffline(true);
            const tab = context.pages()[0] ?? (await context.newPage());
            const cdp = await context.newCDPSession(tab);
            if (slowdown > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: slowdown });
            await cdp.send('Page.enable');
            await cdp.send('Page.addScriptToEvaluateOnNewDocument', { source: SHOWN_SCRIPT });
            // goto waits for the load event from the browser's side; nothing else of the harness
            // runs in the page until then (see pageTime).
            await tab.goto(
              target === 'worksheet' ? draftUrl : `${server.origin}/${target === 'floor' ? FLOOR : BLANK}`,
            );
            times.shown[target].push(await pageTime(cdp, markTime(SHOWN)));
            if (target === 'blank') {
              const served = await pageTime(cdp, 'document.title === "Blank" ? 1 : 0');
              if (served !== 1) throw new Error('the blank page was not served from the precache');
              times.own.blank.push(await pageTime(cdp, LOAD_END));
            } else {
              times.own[target].push(
                await pageTime(cdp, markTime(target === 'worksheet' ? 'efk:view-ready' : 'efk:floor-ready')),
              );
            }
          } finally {
            await context.close();
          }
        }
      }
      return times;
    };
    /** The same samples as the figures before this measure (to the page's own moment), for comparison. */
    const ownMoments = (t: Times): string =>
      `to their own moments (the worksheet's and the floor's marks, the blank page's load event, as measured before): worksheet ${median(t.own.worksheet).toFixed(0)}, blank ${median(t.own.blank).toFixed(0)}, floor ${median(t.own.floor).toFixed(0)} ms (${(median(t.own.worksheet) / median(t.own.blank)).toFixed(2)}× the blank page)`;
    const list = (values: number[]): string => values.map(Math.round).join(', ');
    const times = await sample(SAMPLES);
    const slow = await sample(SLOW_SAMPLES, SLOWDOWN);
    return [
      {
        name: `Offline cold start to a usable worksheet on screen, median of ${SAMPLES} (ms)`,
        ours: Math.round(median(times.shown.worksheet)),
        limit: Math.round(median(times.shown.blank)),
        limitName: 'precached blank page on screen',
        budget: 1.5,
        kind: 'at-most',
        notes: [
          `worksheet ${list(times.shown.worksheet)} ms; blank ${list(times.shown.blank)} ms; each to the frame that shows it`,
          ownMoments(times),
        ],
      },
      {
        name: `Floor of an offline cold start that shows a stored draft, median of ${SAMPLES} (ms)`,
        ours: Math.round(median(times.shown.floor)),
        limit: Math.round(median(times.shown.blank)),
        limitName: 'precached blank page on screen',
        budget: Number.POSITIVE_INFINITY,
        kind: 'at-most',
        notes: [
          `a precached page whose one small script opens IndexedDB, reads a record and shows it: ${list(times.shown.floor)} ms; the worksheet takes ${(median(times.shown.worksheet) / median(times.shown.floor)).toFixed(2)}× this floor`,
        ],
      },
      {
        name: `The same at ${SLOWDOWN}× CPU slowdown (a mid-range phone), median of ${SLOW_SAMPLES} (ms)`,
        ours: Math.round(median(slow.shown.worksheet)),
        limit: Math.round(median(slow.shown.blank)),
        limitName: 'precached blank page, slowed alike',
        budget: Number.POSITIVE_INFINITY,
        kind: 'at-most',
        notes: [
          `worksheet ${list(slow.shown.worksheet)} ms; blank ${list(slow.shown.blank)} ms; floor ${list(slow.shown.floor)} ms (the worksheet takes ${(median(slow.shown.worksheet) / median(slow.shown.floor)).toFixed(2)}× the floor): where the page's own main-thread work shows, which a fast machine hides in its noise`,
          ownMoments(slow),
        ],
      },
    ];
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
