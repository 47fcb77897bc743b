import { randomUUID, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { isAppPath } from '../src/routing/route.js';
import { apiCompression } from './api-compression.js';
import { endIdleConnectionsOnClose } from './end-idle-connections.js';
import { answerServerErrors } from './server-errors.js';
import type { ServerMetrics } from './metrics.js';
import { isPrivateAddress } from './private-address.js';
import { BuildVersion } from './build-version.js';
import { PreloadHintsFile } from './preload-hints.js';
import { requestValidatorCompiler } from './request-validator.js';
import { hashSecret } from './secrets.js';
import { securityHeaders } from './security-headers.js';
import { staticCacheControl } from './static-cache-control.js';
import { syncRoutes, type SyncRoutesOptions } from './sync/sync-routes.js';
import { UnderBase, withoutBase } from './under-base.js';

export interface AppOptions {
  /** The built app to serve. */
  readonly distDir: string;
  readonly logger?: FastifyServerOptions['logger'];
  /** The sync API; without it the server only serves the app. */
  readonly sync?: SyncRoutesOptions;
  /** Serve HTTPS directly with this certificate and key (PEM). */
  readonly https?: { readonly cert: Buffer | string; readonly key: Buffer | string } | undefined;
  /** fastify's trustProxy: which proxies' X-Forwarded-* headers to believe. */
  readonly trustProxy?: boolean | number | string;
  readonly bodyLimit?: number;
  /** Prometheus metrics, served at /metrics. */
  readonly metrics?: ServerMetrics;
  /** When set, /metrics answers only a request bearing it (`Authorization: Bearer …`). */
  readonly metricsToken?: string;
  /** Whether the database answers, for /ready. */
  readonly ready?: () => Promise<boolean>;
  /**
   * The path the kit is served under (`/field-kit`, from PUBLIC_URL; empty at the root of its
   * host): its pages, files and API answer there, and at the root too, for a proxy that takes the
   * path off before passing a request on.
   */
  readonly basePath?: string;
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

function hasNonFiniteNumber(value: unknown, depth = 0): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (depth > 64 || value === null || typeof value !== 'object') return false;
  return Object.values(value).some((v) => hasNonFiniteNumber(v, depth + 1));
}

/** Builds the server: the app from `distDir`, the app shell for app routes, JSON errors under /api. */
export async function buildApp({
  distDir,
  logger = false,
  sync,
  https,
  trustProxy = false,
  bodyLimit = 1024 * 1024,
  metrics,
  metricsToken,
  ready,
  basePath = '',
}: AppOptions): Promise<FastifyInstance> {
  const security = securityHeaders({
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
  const options = {
    logger:
      logger && typeof logger === 'object'
        ? {
            ...logger,
            // Tokens never reach the logs; request bodies (draft content, join codes) are never logged at all.
            redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
          }
        : logger,
    trustProxy,
    bodyLimit,
    // A slow or stalled client cannot hold a connection for ever.
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    // Request ids let a log line be followed across one request; a proxy's id is kept.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // Under the kit's path, a request is routed as the same one at the root.
    ...(basePath ? { rewriteUrl: (raw: { url?: string }) => withoutBase(raw.url ?? '/', basePath) } : {}),
    // A URL the router cannot read (broken percent-encoding) is answered before any hook runs.
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) =>
      void reply.headers(security).code(400).send({ statusCode: 400, error: 'Bad Request', message: error.message }),
  };
  // One construction for HTTP and HTTPS; fastify's overloads type the two apart (and its types
  // omit the number-of-hops form of trustProxy, which it supports).
  const create = Fastify as unknown as (opts: Record<string, unknown>) => FastifyInstance;
  const app = create({ ...options, ...(https ? { https: { cert: https.cert, key: https.key } } : {}) });
  // Strict request checking: unknown properties are refused rather than quietly dropped, and a
  // body's values are taken as sent, never converted to the type a schema expects.
  app.setValidatorCompiler(requestValidatorCompiler());
  endIdleConnectionsOnClose(app, { secure: https !== undefined });
  answerServerErrors(app);

  if (metrics) {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? (request.url.startsWith('/api/') ? 'unknown /api' : 'static');
      metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
      metrics.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
      if (route.startsWith('/api/') && reply.statusCode >= 400) {
        metrics.syncErrors.inc({ route, kind: reply.statusCode >= 500 ? 'failed' : 'refused' });
      }
    });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Engagement Field Kit sync API', version: '1.0.0' },
      components: { securitySchemes: { device: { type: 'http', scheme: 'bearer' } } },
    },
  });

  // Every response, errors and 404s included, carries them: set as the request arrives.
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(security);
    done();
  });

  await app.register(fastifyStatic, {
    root: path.resolve(distDir),
    cacheControl: false,
    // Dotfiles (the build stamp) and directory listings stay private.
    dotfiles: 'ignore',
    list: false,
    // `/` is an app route like the others: its route below sends the shell with its hints.
    index: false,
    // The build writes .br and .gz beside each text file; browsers that accept them get those.
    preCompressed: true,
    setHeaders(res, filePath) {
      const served = path.relative(path.resolve(distDir), filePath).replace(/\.(br|gz)$/, '');
      const urlPath = `/${served.split(path.sep).join('/')}`;
      res.header('cache-control', staticCacheControl(urlPath));
    },
  });

  // JSON and query coercion turn 1e400 into Infinity, which the schema checker lets through as an
  // "integer"; no request of ours carries one, so it is refused before any handler sees it.
  app.addHook('preHandler', async (request, reply) => {
    if (hasNonFiniteNumber(request.body) || hasNonFiniteNumber(request.query)) {
      await reply
        .code(400)
        .send({ statusCode: 400, error: 'Bad Request', message: 'Numbers in a request must be finite.' });
    }
  });

  apiCompression(app);

  // Sync answers are per device and change constantly: never stored by a browser or a proxy.
  app.addHook('onSend', async (request, reply) => {
    if (request.url.startsWith('/api/')) reply.header('cache-control', 'no-store');
  });

  // Which build it serves, too: a phone's Settings names the build it runs, so a phone still on
  // the last one can be told from one that took the update.
  const build = new BuildVersion(path.resolve(distDir));
  app.get('/health', { schema: { hide: true } }, async () => {
    const version = await build.version();
    return version ? { status: 'ok', version } : { status: 'ok' };
  });
  app.get('/ready', { schema: { hide: true } }, async (_request, reply) => {
    const ok = ready ? await ready().catch(() => false) : true;
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'database unreachable' });
  });
  if (metrics) {
    const bearer = metricsToken === undefined ? undefined : Buffer.from(hashSecret(`Bearer ${metricsToken}`));
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      // Compared as digests of equal length, in constant time: a wrong guess says nothing of the token.
      if (bearer && !timingSafeEqual(bearer, Buffer.from(hashSecret(request.headers.authorization ?? '')))) {
        return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').send({
          error: 'unauthorized',
          message: 'The metrics need the token set in METRICS_TOKEN, as a bearer token.',
        });
      }
      // With no token, for the machine and its private network only: a kit serving HTTPS to the
      // internet itself would otherwise show anyone its traffic, devices and database timings.
      if (!bearer && !isPrivateAddress(request.ip)) {
        return reply.code(403).send({
          error: 'forbidden',
          message:
            'The metrics answer this machine and its private network only. To scrape them from elsewhere, set METRICS_TOKEN.',
        });
      }
      return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
  }
  if (sync) await syncRoutes(app, { ...sync, metrics });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Client-side routes (/, /guide/social-media, /settings, …) load the shell, which routes itself.
  // The page's hints go with it, so a first visit fetches what the page loads next at once.
  const hints = new PreloadHintsFile(path.resolve(distDir));
  const underBase = basePath ? new UnderBase(path.resolve(distDir), basePath) : undefined;
  const sendShell = async (urlPath: string, reply: FastifyReply): Promise<FastifyReply> => {
    const link = await hints.linkFor(urlPath);
    if (link) reply.header('link', underBase ? underBase.links(link) : link);
    reply.header('cache-control', 'no-cache');
    return underBase
      ? reply.type('text/html; charset=utf-8').send(await underBase.shell())
      : reply.sendFile('index.html');
  };
  app.get('/', { schema: { hide: true } }, (_request, reply) => sendShell('/', reply));
  if (underBase) {
    // The shell and manifest as the service worker precaches them, and the browser reads the
    // manifest: their addresses under the kit's path.
    app.get('/index.html', { schema: { hide: true } }, (_request, reply) => sendShell('/', reply));
    app.get('/manifest.webmanifest', { schema: { hide: true } }, async (_request, reply) =>
      reply
        .type('application/manifest+json')
        .header('cache-control', staticCacheControl('/manifest.webmanifest'))
        .send(await underBase.manifest()),
    );
  }
  app.setNotFoundHandler(async (request, reply) => {
    const urlPath = request.url.split('?')[0] ?? '/';
    if (urlPath === '/api' || urlPath.startsWith('/api/')) {
      return reply.code(404).send({ error: 'not_found', message: `No API route for ${request.method} ${urlPath}` });
    }
    if ((request.method === 'GET' || request.method === 'HEAD') && isAppPath(urlPath)) return sendShell(urlPath, reply);
    return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
  });

  return app;
}
