import type { BrowserContext, Page } from 'playwright-core';

/**
 * Fires a Background Sync (`sync`) or Periodic Background Sync (`periodicsync`) event at the
 * kit's service worker through DevTools, as DevTools' own buttons do and as the browser would,
 * from a blank page: nothing of the kit is open meanwhile, and no page of its origin is loaded,
 * which would have the browser look for a new version of the worker itself. Resolves once the
 * event is dispatched, not when the worker is done.
 */
export async function wakeServiceWorker(
  context: BrowserContext,
  origin: string,
  event: { readonly periodic: boolean; readonly tag: string },
): Promise<void> {
  const probe = await context.newPage();
  try {
    const cdp = await context.newCDPSession(probe);
    const registrationId = new Promise<string>((resolve) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
        const kit = registrations.find((r) => !r.isDeleted && r.scopeURL === `${origin}/`);
        if (kit) resolve(kit.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    const target = { origin, registrationId: await registrationId, tag: event.tag };
    if (event.periodic) await cdp.send('ServiceWorker.dispatchPeriodicSyncEvent', target);
    else await cdp.send('ServiceWorker.dispatchSyncEvent', { ...target, lastChance: false });
    await cdp.detach();
  } finally {
    await probe.close();
  }
}

/**
 * Grants the kit Periodic Background Sync, as Chromium does an installed kit (a test profile is
 * not one), for as long as the page returned is open: a blank page, which holds the DevTools
 * session that grants it.
 */
export async function grantPeriodicSync(context: BrowserContext, origin: string): Promise<Page> {
  const bystander = await context.newPage();
  const cdp = await context.newCDPSession(bystander);
  await cdp.send('Browser.setPermission', {
    permission: { name: 'periodic-background-sync' },
    setting: 'granted',
    origin,
  });
  return bystander;
}
