// Takes the README's phone-sized screenshot of the guide, and the screenshots the web app manifest
// names (public/screenshots/: a browser's install dialog shows them), with headless Chromium.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import sharp from 'sharp';
import { buildApp } from '../server/app.js';
import { CHROMIUM_ARGS, chromiumPath } from '../test/support/chromium.js';
import { build, isBuildStale, outDir } from './build.js';

const README_PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 } as const;
// The manifest's at one pixel a point: an install dialog shows them small, and Chromium may fetch
// them when it checks the page is installable, on a first visit's signal.
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 } as const;
const DESKTOP = { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 } as const;

if (await isBuildStale()) await build();
const app = await buildApp({ distDir: outDir() });
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as { port: number };
const origin = `http://127.0.0.1:${port}`;
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });

async function guide(page: Page): Promise<void> {
  await page.goto(`${origin}/guide/social-media`);
  await page.getByRole('heading', { level: 1, name: 'Social media' }).waitFor();
}

/** A worksheet as a field worker has it in a meeting: named, placed, an answer under way. */
async function worksheet(page: Page): Promise<void> {
  await page.goto(`${origin}/worksheet/new`);
  await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
  await page.getByRole('textbox', { name: 'Title' }).fill('Riverside hall meeting');
  await page.getByRole('textbox', { name: 'Community or location' }).fill('Riverside');
  await page.getByRole('checkbox', { name: 'Consultation' }).check();
  await page.getByText('Saved on this device', { exact: true }).waitFor();
  await page.evaluate('window.scrollTo(0, 0)');
}

/** `show` on a page of `size`, as PNG. */
async function shot(
  size: typeof README_PHONE | typeof PHONE | typeof DESKTOP,
  show: (page: Page) => Promise<void>,
): Promise<Buffer> {
  const page = await browser.newPage({ ...size, colorScheme: 'light', locale: 'en-AU' });
  try {
    await show(page);
    // Focus left in a field draws its ring and caret into the picture.
    await page.evaluate('document.activeElement?.blur()');
    return await page.screenshot();
  } finally {
    await page.close();
  }
}

try {
  const readme = path.resolve('docs/guide-phone.png');
  await writeFile(readme, await shot(README_PHONE, guide));
  console.log(`Saved ${path.relative(process.cwd(), readme)}`);
  // WebP: a fraction of the PNG's size.
  const dir = path.resolve('public/screenshots');
  await mkdir(dir, { recursive: true });
  for (const [name, size, show] of [
    ['guide-narrow', PHONE, guide],
    ['worksheet-narrow', PHONE, worksheet],
    ['worksheet-wide', DESKTOP, worksheet],
  ] as const) {
    const file = path.join(dir, `${name}.webp`);
    await writeFile(
      file,
      await sharp(await shot(size, show))
        .webp({ quality: 70 })
        .toBuffer(),
    );
    console.log(`Saved ${path.relative(process.cwd(), file)}`);
  }
} finally {
  await browser.close();
  await app.close();
}
