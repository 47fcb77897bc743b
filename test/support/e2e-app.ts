import type { BrowserContext, Page } from 'playwright-core';
import { startServer, type RunningServer } from './app-server.js';
import { builtApp } from './build-app.js';
import { launchProfile } from './browser.js';

export interface E2eApp {
  readonly server: RunningServer;
  readonly context: BrowserContext;
  /** The profile's first page. */
  readonly page: Page;
  /** Stops the browser and the server and removes the build, in that order. */
  close(): Promise<void>;
}

/** A fresh production build, served on a free port, and a persistent Chromium profile to open it in. */
export async function e2eApp(): Promise<E2eApp> {
  const out = await builtApp();
  const server = await startServer(out.dir);
  const profile = await launchProfile();
  const page = profile.context.pages()[0] ?? (await profile.context.newPage());
  return {
    server,
    context: profile.context,
    page,
    close: async () => {
      await profile.close();
      await server.close();
      await out.cleanup();
    },
  };
}
