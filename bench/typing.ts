import { chromium, type Page } from 'playwright-core';
import { startServer } from '../test/support/app-server.js';
import { CHROMIUM_ARGS, chromiumPath } from '../test/support/chromium.js';
import { median, percentile, type Figure } from './figure.js';

/** A phone: DevTools' CPU throttling, as the cold start's slowed row. */
const SLOWDOWN = 4;
/** What is typed, a key at a time, in each round. */
const SENTENCE = 'We meet the Riverside residents at the library on Tuesday at six.';
/** A brisk typist: a key every 100 ms (the worksheet's autosave writes during a long run of typing). */
const KEY_GAP_MS = 100;
const ROUNDS = 2;

/**
 * Set before typing: for each key, the time from the key's event to the frame after it has been
 * handled (a task queued from that frame's animation callback runs once it is drawn), what a
 * person sees as the letter appearing.
 */
const PROBE = `(() => {
  window.__keyTimes = [];
  document.addEventListener('keydown', (event) => {
    const at = event.timeStamp;
    requestAnimationFrame(() => setTimeout(() => window.__keyTimes.push(performance.now() - at)));
  }, true);
})()`;

/** Focuses the worksheet's first text answer, wherever it sits among the views' shadow roots. */
const FOCUS_FIRST_ANSWER = `(() => {
  const find = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.localName === 'textarea') return el;
      const inner = el.shadowRoot && find(el.shadowRoot);
      if (inner) return inner;
    }
    return null;
  };
  const answer = find(document);
  if (!answer) throw new Error('the worksheet has no text answer to type in');
  answer.focus();
})()`;

/** Types the sentence with the page's CPU slowed; the keys' times, in ms. */
async function typeSentence(page: Page, focus: string): Promise<number[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await page.evaluate(PROBE);
    await page.evaluate(focus);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: SLOWDOWN });
    for (const key of SENTENCE) {
      await page.keyboard.type(key);
      await page.waitForTimeout(KEY_GAP_MS);
    }
    // The last key's frame, and the autosave its pause starts, come before the count.
    await page.waitForTimeout(1_000);
    const times = (await page.evaluate('window.__keyTimes')) as number[];
    if (times.length !== SENTENCE.length) throw new Error(`${times.length} of ${SENTENCE.length} keys were timed`);
    return times;
  } finally {
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
    await cdp.detach();
  }
}

/**
 * Typing an answer into the worksheet, as staff do with people in the room: each key's time to the
 * frame that shows it, with the CPU slowed as on a mid-range phone, beside the same typing into a
 * bare textarea on a blank page (the browser's own cost of a key). Rounds alternate the two.
 */
export async function typingBench(distDir: string): Promise<Figure[]> {
  const server = await startServer(distDir);
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const ours: number[] = [];
    const bare: number[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      await page.goto(`${server.origin}/worksheet/new`);
      await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
      await page.waitForFunction(() => performance.getEntriesByName('efk:view-ready').length > 0);
      ours.push(...(await typeSentence(page, FOCUS_FIRST_ANSWER)));
      await page.setContent('<!doctype html><html lang="en"><title>Bare</title><textarea rows="4"></textarea></html>');
      bare.push(...(await typeSentence(page, `document.querySelector('textarea').focus()`)));
    }
    const list = (values: number[]): string =>
      `p50 ${median(values).toFixed(1)}, p95 ${percentile(values, 0.95).toFixed(1)}, slowest ${Math.max(...values).toFixed(1)} ms`;
    return [
      {
        name: `Typing an answer at ${SLOWDOWN}× CPU slowdown: a key to the frame that shows it, p95 of ${ours.length} keys (ms)`,
        ours: round1(percentile(ours, 0.95)),
        limit: round1(percentile(bare, 0.95)),
        limitName: 'a bare textarea, slowed alike',
        budget: Number.POSITIVE_INFINITY,
        kind: 'at-most',
        notes: [
          `worksheet ${list(ours)}; bare textarea ${list(bare)}; a key every ${KEY_GAP_MS} ms, the autosave writing as it goes`,
        ],
      },
    ];
  } finally {
    await browser.close();
    await server.close();
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
