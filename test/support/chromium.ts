import { existsSync } from 'node:fs';

/** Flags every Chromium we start uses: headless-safe as root, and quiet on a closed network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The Chromium to test with: `CHROME_PATH`, else Debian's. Fails with how to get one. */
export function chromiumPath(): string {
  const candidate = process.env['CHROME_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(candidate)) {
    throw new Error(
      `Chromium was not found at ${candidate}: install it (Debian/Ubuntu: "sudo apt-get install -y chromium") or set CHROME_PATH to a Chromium or Chrome binary.`,
    );
  }
  return candidate;
}
