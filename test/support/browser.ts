import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.js';
import { tempDirWith } from './temp-dir.js';

/**
 * A real, persistent Chromium profile (installability checks need one; incognito always reports
 * `in-incognito`). Closing it also removes the profile folder.
 */
export async function launchProfile(
  options: { readonly serviceWorkers?: 'allow' | 'block' } = {},
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = await tempDirWith();
  const context = await chromium.launchPersistentContext(profile.dir, {
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 390, height: 844 },
    ...options,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await profile.cleanup();
    },
  };
}
