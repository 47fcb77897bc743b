/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { listenForBackgroundSync } from './background-sync.js';
import { SW_MESSAGES } from './messages.js';
import { appShellRoute } from './navigation-route.js';
import { listenForPeriodicSync } from './periodic-sync.js';

declare const self: ServiceWorkerGlobalScope;

// Everything the app needs, by revision: an update downloads exactly the files that changed.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(appShellRoute());
// /api/* has no route here, so it always goes to the network: sync state must never be stale.

// The first worker takes control at once so the first visit already works offline. A later one
// waits until the user accepts the update, so a page is never swapped under someone typing.
clientsClaim();

listenForBackgroundSync();
listenForPeriodicSync();

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  const type = (event.data as { type?: unknown } | null)?.type;
  if (type === SW_MESSAGES.skipWaiting) void self.skipWaiting();
  // A page whose load was under way as this worker took control: the claim above missed it.
  else if (type === SW_MESSAGES.claim) event.waitUntil(self.clients.claim().catch(() => undefined));
});
