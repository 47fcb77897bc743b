/** Folders whose file names carry a content hash: a changed file gets a new name. */
const HASHED = /^\/(assets|content\/guides)\//;

/**
 * The Cache-Control header for a file under `dist/`. Hashed files never change, so browsers
 * keep them for a year without asking; everything else (the app shell, the guide index, the
 * manifest, the service worker) is revalidated on every use so an update is seen at once.
 */
export function staticCacheControl(urlPath: string): string {
  return HASHED.test(urlPath) ? 'public, max-age=31536000, immutable' : 'no-cache';
}
