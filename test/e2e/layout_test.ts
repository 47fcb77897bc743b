import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { RunningServer } from '../support/app-server.js';
import { e2eApp, type E2eApp } from '../support/e2e-app.js';

/** axe-core's browser build, put into each page under test. */
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Every kind of view, `draft` (a draft's path) among them. */
function everyView(draft: string): string[] {
  return ['/', '/guide/social-media', '/worksheet', draft, '/drafts', '/settings', '/search?q=feedback', '/nowhere'];
}

describe('layout on small screens', () => {
  let server: RunningServer;
  let page: Page;

  let app: E2eApp;
  before(async () => {
    app = await e2eApp();
    server = app.server;
    page = app.page;
  });

  after(() => app?.close());

  // 320 CSS px is a small phone, and also a 640 px window at 200% zoom (WCAG 1.4.10 reflow).
  it('never scrolls sideways at 320 px wide, on any view', async () => {
    await page.setViewportSize({ width: 320, height: 640 });
    await page.goto(`${server.origin}/worksheet/new`);
    await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
    const draft = new URL(page.url()).pathname;
    await page.getByRole('button', { name: 'Add a channel' }).click();
    for (const path of everyView(draft)) {
      await page.goto(`${server.origin}${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 320, `${path} is ${width}px wide`);
    }
  });

  // WCAG 1.4.4 (resize text) on a small phone: a phone's largest text setting doubles it. A long
  // word ("consultation" in a heading), a date field and the browser's file control each ran off
  // the screen or were cut short.
  it('neither scrolls sideways nor cuts a word short at 200% text on a 320 px screen, on any view', async () => {
    await page.setViewportSize({ width: 320, height: 640 });
    await page.goto(`${server.origin}/worksheet/new`);
    await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
    const draft = new URL(page.url()).pathname;
    for (const path of everyView(draft)) {
      await page.goto(`${server.origin}${path}`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      const found = await page.evaluate(() => {
        document.documentElement.style.fontSize = '200%';
        const roots: (Document | ShadowRoot)[] = [document];
        for (let i = 0; i < roots.length; i += 1)
          for (const el of roots[i]!.querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
        const cut: string[] = [];
        for (const root of roots)
          for (const el of root.querySelectorAll<HTMLElement>('*:not(.visually-hidden):not(textarea)')) {
            const style = getComputedStyle(el);
            if (style.overflowX !== 'visible' && el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
              cut.push(`${el.localName}#${el.id} shows ${el.clientWidth} of ${el.scrollWidth} px`);
          }
        return { width: document.documentElement.scrollWidth, cut };
      });
      assert.deepEqual(found, { width: 320, cut: [] }, path);
    }
  });

  // WCAG 2.4.11 (focus not obscured): the worksheet's save status sticks to the top of the screen,
  // and a control reached by keyboard from below must not end up hidden under it.
  it('never hides a control focused from the keyboard under the worksheet’s sticky save status, at 200% text too', async () => {
    await page.setViewportSize({ width: 320, height: 568 });
    await page.emulateMedia({ reducedMotion: 'reduce' }); // scrolls end at once: no smooth scrolling to wait out
    try {
      for (const text of ['100%', '200%']) await keyboardUnderStatus(text);
    } finally {
      await page.emulateMedia({ reducedMotion: null });
    }
  });

  /** Shift+Tab through a draft with its text at `text`, each control found clear of the save status. */
  async function keyboardUnderStatus(text: string): Promise<void> {
    await page.goto(`${server.origin}/worksheet/new`);
    await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
    await page.evaluate((size) => (document.documentElement.style.fontSize = size), text);
    await page.getByRole('button', { name: 'Add a channel' }).click();
    await page.getByRole('button', { name: 'Print or save as PDF' }).focus();
    const hidden: string[] = [];
    let visited = 0;
    for (;;) {
      await page.keyboard.press('Shift+Tab');
      const focused = await page.evaluate(() => {
        let active = document.activeElement;
        while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
        const status = document.querySelector('worksheet-page')!.shadowRoot!.querySelector('.status')!;
        const bar = status.getBoundingClientRect();
        const box = active!.getBoundingClientRect();
        // What of the control is on screen, and whether all of that lies under the status.
        const top = Math.max(box.top, 0);
        const bottom = Math.min(box.bottom, innerHeight);
        return { id: active!.id, name: active!.localName, hidden: bottom <= Math.max(top, bar.bottom) };
      });
      if (focused.id === 'context-title') break;
      visited += 1;
      if (focused.hidden) hidden.push(`${focused.name}#${focused.id}`);
      assert.ok(visited < 200, 'Shift+Tab never reached the draft’s title');
    }
    assert.ok(visited >= 20, `only ${visited} controls were passed`);
    assert.deepEqual(hidden, [], `at ${text} text`);
  }

  // Component tests check each view alone; this checks the pages as the app puts them together
  // (landmarks, headings, the shell around each view), on a phone's screen and a desktop's.
  it('passes axe’s WCAG 2.2 A and AA checks, target size included, on every page as the app composes it', async () => {
    await page.goto(`${server.origin}/worksheet/new`);
    await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
    const draft = new URL(page.url()).pathname;
    await page.getByRole('button', { name: 'Add a channel' }).click();
    // Overdue: the home page names the draft in the colours that mark it.
    await page.getByLabel('Next review date').fill('2020-01-01');
    await page.getByText('Saved on this device', { exact: false }).first().waitFor();
    const axeSource = await readFile(AXE, 'utf8');
    const found: string[] = [];
    const backgrounds = new Map<string, string>();
    // Dark mode has a palette of its own, whose contrast is checked as the light one's is.
    for (const { viewport, colorScheme } of [
      { viewport: { width: 360, height: 740 }, colorScheme: 'light' },
      { viewport: { width: 1280, height: 800 }, colorScheme: 'light' },
      { viewport: { width: 360, height: 740 }, colorScheme: 'dark' },
    ] as const) {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      for (const path of everyView(draft)) {
        await page.goto(`${server.origin}${path}`);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        if (path === '/') await page.getByText('Review overdue: due 1 January 2020').waitFor();
        backgrounds.set(colorScheme, await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
        // Evaluated, not added as a script tag, which the app's Content Security Policy refuses.
        await page.evaluate(axeSource);
        const violations = await page.evaluate(async () => {
          const { axe } = window as unknown as {
            axe: {
              run(
                context: Document,
                options: unknown,
              ): Promise<{ violations: { id: string; nodes: { target: unknown[] }[] }[] }>;
            };
          };
          const results = await axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
            rules: { 'target-size': { enabled: true } },
            resultTypes: ['violations'],
          });
          return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
        });
        found.push(...violations.map((v) => `${path} at ${viewport.width} px, ${colorScheme}: ${v}`));
      }
    }
    await page.emulateMedia({ colorScheme: null });
    // The dark palette was the one checked: the page's background is not the light one's.
    assert.notEqual(backgrounds.get('dark'), backgrounds.get('light'));
    assert.deepEqual(found, []);
  });

  // A guide printed to read at a meeting, a draft printed to hand round or keep on file.
  it('prints a guide and a draft as documents: no navigation, notices or footer, and a guide’s links with their addresses', async () => {
    await page.setViewportSize({ width: 800, height: 1000 });
    await page.emulateMedia({ media: 'print' });
    try {
      const shellOnPaper = (): Promise<string[]> =>
        page.evaluate(() =>
          ['.skip-link', 'header.banner', 'nav', '.notices', 'footer.site-footer'].filter((s) =>
            document.querySelector(s)?.checkVisibility(),
          ),
        );
      await page.goto(`${server.origin}/guide/social-media`);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      assert.deepEqual(await shellOnPaper(), [], 'the app’s own parts on a printed guide');
      const tools = await page.evaluate(() =>
        document.querySelector('guide-page')!.shadowRoot!.querySelector('.tools')!.checkVisibility(),
      );
      assert.equal(tools, false, 'search and print are not printed');
      // On paper a link cannot be followed: its address is printed after it. The licence's among
      // them, which the guide's reuse terms ask for (the licence's text or its address).
      const links = await page.evaluate(() =>
        [
          ...document.querySelector('guide-page')!.shadowRoot!.querySelectorAll<HTMLAnchorElement>('a[href^="http"]'),
        ].map((a) => ({ href: a.href, after: getComputedStyle(a, '::after').content })),
      );
      assert.ok(links.length > 1, 'the guide has external links');
      for (const { href, after } of links) assert.ok(after.includes(href), `${href} is printed as ${after}`);
      assert.ok(
        links.some((l) => /creativecommons\.org\/licenses/.test(l.href)),
        'the licence is among them',
      );

      await page.goto(`${server.origin}/worksheet/new`);
      await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      assert.deepEqual(await shellOnPaper(), [], 'the app’s own parts on a printed draft');
    } finally {
      await page.emulateMedia({ media: null });
    }
  });

  // A phone in dark mode printed its light-on-dark palette: paper drops the dark background, and
  // the browser's own darkening of light text left it grey (2.6:1 on white) and links pale blue.
  it('prints in dark ink on white from a device in dark mode', async () => {
    await page.setViewportSize({ width: 800, height: 1000 });
    await page.emulateMedia({ media: 'print', colorScheme: 'dark' });
    try {
      /** The colour of every piece of text on the page that would be printed, shadow roots included. */
      const inks = (): Promise<string[]> =>
        page.evaluate(() => {
          const colours = new Set<string>();
          // A list, not a recursive function: the test's compiler names functions with a helper
          // the page does not have.
          const roots: (Document | ShadowRoot)[] = [document];
          for (let root = roots.pop(); root; root = roots.pop()) {
            for (const el of root.querySelectorAll('*')) {
              if (el.shadowRoot) roots.push(el.shadowRoot);
              const text = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim());
              if (text && el.checkVisibility()) colours.add(getComputedStyle(el).color);
            }
          }
          return [...colours];
        });
      const luminance = (rgb: string): number => {
        const [r, g, b] = rgb
          .match(/[\d.]+/g)!
          .slice(0, 3)
          .map((c) => {
            const v = Number(c) / 255;
            return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
          });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      const faint: string[] = [];
      await page.goto(`${server.origin}/worksheet/new`);
      await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
      for (const path of ['/guide/social-media', new URL(page.url()).pathname]) {
        await page.goto(`${server.origin}${path}`);
        await page.getByRole('heading', { level: 1 }).first().waitFor();
        for (const ink of await inks()) {
          const contrast = 1.05 / (luminance(ink) + 0.05);
          if (contrast < 4.5) faint.push(`${path}: ${ink} on white is ${contrast.toFixed(2)}:1`);
        }
      }
      assert.deepEqual(faint, []);
    } finally {
      await page.emulateMedia({ media: null, colorScheme: null });
    }
  });

  it('keeps the main navigation’s targets at 44 px or more', async () => {
    await page.goto(`${server.origin}/`);
    const heights = await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link')
      .evaluateAll((links) => links.map((l) => l.getBoundingClientRect().height));
    assert.equal(heights.length, 4);
    for (const h of heights) assert.ok(h >= 44, `a nav link is ${h}px tall`);
  });
});
