import type { Page } from 'playwright-core';

/**
 * A phone on a weak signal, as Lighthouse's mobile runs model it ("slow 4G"): 150 ms round
 * trips, 1.6 Mbit/s down, 750 kbit/s up.
 */
export const SLOW_4G = { latency: 150, downloadThroughput: (1_600 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 };

/** Puts `page`'s requests (not its service worker's) on {@link SLOW_4G}, through DevTools. */
export async function onSlowLink(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, ...SLOW_4G });
}
