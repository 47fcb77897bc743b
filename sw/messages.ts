/** Messages the page sends the service worker. */
export const SW_MESSAGES = {
  /** The user accepted the update banner: a waiting worker may take over now (workbox-window's `messageSkipWaiting`). */
  skipWaiting: 'SKIP_WAITING',
} as const;
