// Takes the README's phone-sized screenshot of the guide with headless Chromium.
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildApp } from '../server/app.js';
import { CHROMIUM_ARGS, chromiumPath } from '../test/support/chromium.js';
import { build, isBuildStale, outDir } from './build.js';

if (await isBuildStale()) await build();
const app = await buildApp({ distDir: outDir() });
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as { port: number };
const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    colorScheme: 'light',
  });
  await page.goto(`http://127.0.0.1:${port}/guide/social-media`);
  await page.getByRole('heading', { level: 1, name: 'Social media' }).waitFor();
  const file = path.resolve('docs/guide-phone.png');
  await page.screenshot({ path: file });
  console.log(`Saved ${path.relative(process.cwd(), file)}`);
} finally {
  await browser.close();
  await app.close();
}
