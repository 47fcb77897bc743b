import { build, isBuildStale, outDir } from '../scripts/build.js';
import { buildApp } from './app.js';
import { ConfigError, readServerConfig } from './server-config.js';

async function main(): Promise<void> {
  const config = readServerConfig();
  if (await isBuildStale()) {
    console.log('Building the app (dist/ is missing or older than its sources)…');
    await build();
  }
  const app = await buildApp({ distDir: outDir(), logger: { level: config.logLevel } });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host.includes(':') ? `[${config.host}]` : config.host;
  console.log(`Engagement Field Kit is running at http://${shownHost}:${port}/`);

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) {
      console.log(`${signal} again: stopping now.`);
      process.exit(1);
    }
    closing = true;
    console.log(`${signal}: finishing open requests, then stopping…`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
});
