import { existsSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';

// Component tests run in real Chromium. They read the built guidance from dist/, so `npm test`
// builds before it runs them.
const executablePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  throw new Error(
    `Chromium was not found at ${executablePath}: install it (Debian/Ubuntu: "sudo apt-get install -y chromium") or set CHROME_PATH to a Chromium or Chrome binary.`,
  );
}
if (!existsSync('dist/content/guides.json')) {
  throw new Error('dist/ is missing: run "npm run build" before the component tests (npm test does this for you).');
}

export default {
  files: 'test/src/**/*_test.ts',
  nodeResolve: { exportConditions: ['production'] },
  testRunnerHtml: (testFramework) => `<!doctype html>
    <html lang="en-AU">
      <body>
        <script type="module" src="/test/src/support/setup.ts"></script>
        <script type="module" src="${testFramework}"></script>
      </body>
    </html>`,
  concurrency: 1,
  testFramework: { config: { timeout: 10000 } },
  plugins: [esbuildPlugin({ ts: true, tsconfig: './tsconfig.json' })],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      // Reading the clipboard back, to check what Copy link put there, needs leave in Chromium.
      createBrowserContext: ({ browser }) => browser.newContext({ permissions: ['clipboard-read', 'clipboard-write'] }),
      launchOptions: {
        executablePath,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      },
    }),
  ],
};
