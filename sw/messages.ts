/**
 * Where the page finds the service worker, relative to the kit's path (see appPath): registered
 * there, its scope is the whole kit, at the root of its host or under its path.
 */
export const SW_URL = '/sw.js';

/** Messages the page sends the service worker. */
export const SW_MESSAGES = {
  /** The user accepted the update banner: a waiting worker may take over now (workbox-window's `messageSkipWaiting`). */
  skipWaiting: 'SKIP_WAITING',
  /** A page the active worker does not control asks to be taken under its control. */
  claim: 'CLAIM',
} as const;
