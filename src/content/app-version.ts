/**
 * The meta tag in which the build names itself in `index.html` (scripts/rollup/html-plugin.ts and
 * precache-plugin.ts), as `0.1.0+510359c652`: the package's version, then a hash of the build's
 * files, its service worker among them. The app's Settings
 * and the server's `/health` give it. No DOM here: the build and the server import it too.
 */
export const VERSION_META = 'efk-version';
