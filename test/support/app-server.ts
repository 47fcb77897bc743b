import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.js';

export interface RunningServer {
  readonly app: FastifyInstance;
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Serves a built app on 127.0.0.1 (a free port unless one is given); the caller stops it. */
export async function startServer(distDir: string, port = 0): Promise<RunningServer> {
  const app = await buildApp({ distDir });
  await app.listen({ host: '127.0.0.1', port });
  const actual = (app.server.address() as { port: number }).port;
  return { app, port: actual, origin: `http://127.0.0.1:${actual}`, close: () => app.close() };
}
