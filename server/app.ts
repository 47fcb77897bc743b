import path from 'node:path';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { isAppPath } from '../src/routing/route.js';
import { staticCacheControl } from './static-cache-control.js';
import { syncRoutes, type SyncRoutesOptions } from './sync/sync-routes.js';

export interface AppOptions {
  /** The built app to serve. */
  readonly distDir: string;
  readonly logger?: FastifyServerOptions['logger'];
  /** The sync API; without it the server only serves the app. */
  readonly sync?: SyncRoutesOptions;
}

/**
 * Everything the app loads comes from this origin, so the policy can be strict: no inline
 * script, no third-party origins, never framed. Lit styles are adopted stylesheets, which
 * `style-src 'self'` allows without 'unsafe-inline'.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  manifestSrc: ["'self'"],
  workerSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** Builds the server: the app from `distDir`, the app shell for app routes, JSON errors under /api. */
export async function buildApp({ distDir, logger = false, sync }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger,
    trustProxy: false,
    // Strict request checking: unknown properties are refused rather than quietly dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Engagement Field Kit sync API', version: '1.0.0' },
      components: { securitySchemes: { device: { type: 'http', scheme: 'bearer' } } },
    },
  });

  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });

  await app.register(fastifyStatic, {
    root: path.resolve(distDir),
    cacheControl: false,
    // Dotfiles (the build stamp) and directory listings stay private.
    dotfiles: 'ignore',
    list: false,
    setHeaders(res, filePath) {
      const urlPath = `/${path.relative(path.resolve(distDir), filePath).split(path.sep).join('/')}`;
      res.header('cache-control', staticCacheControl(urlPath));
    },
  });

  app.get('/health', async () => ({ status: 'ok' }));
  if (sync) await syncRoutes(app, sync);
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.setNotFoundHandler((request, reply) => {
    const urlPath = request.url.split('?')[0] ?? '/';
    if (urlPath === '/api' || urlPath.startsWith('/api/')) {
      return reply.code(404).send({ error: 'not_found', message: `No API route for ${request.method} ${urlPath}` });
    }
    if ((request.method === 'GET' || request.method === 'HEAD') && isAppPath(urlPath)) {
      // Client-side routes (/guide/social-media, /settings, …) load the shell, which routes itself.
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
  });

  return app;
}
