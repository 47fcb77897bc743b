import { createGunzip, gzip, gzipSync } from 'node:zlib';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';

const gzipAsync = promisify(gzip);

/** Answers shorter than this go as they are: compressing them saves less than it costs. */
const MIN_COMPRESSED_BYTES = 1024;
/**
 * Answers shorter than this are compressed at once, on the event loop (a fraction of a
 * millisecond): handing them to the thread pool cost more in waiting than the work itself
 * (load test p50 1.2 vs 3.1 ms). Longer ones go to the pool, so they never hold the loop.
 */
const MAX_INLINE_BYTES = 64 * 1024;
/** A fast level: most of the gain at a fraction of the default's time. */
const LEVEL = 4;

/** Whether an Accept-Encoding header takes gzip (named, or `*`, and not at q=0). */
function acceptsGzip(header: string | string[] | undefined): boolean {
  return String(header ?? '')
    .split(',')
    .some((part) => {
      const [name = '', ...params] = part.split(';').map((p) => p.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return (name === 'gzip' || name === '*') && (q === undefined || Number(q.slice(2)) > 0);
    });
}

/** Thrown for a request body in an encoding the API does not take (RFC 7694). */
class UnsupportedEncodingError extends Error {
  readonly statusCode = 415;
}

/**
 * Compression for the sync API, in both directions: on a weak signal, bytes are time. A device
 * may send a request body gzip-compressed (`Content-Encoding: gzip`); the body limit then counts
 * the decoded bytes, so a small compressed body cannot grow past it. Answers of a kilobyte or more
 * go gzip-compressed to clients that accept it (browsers always do).
 */
export function apiCompression(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, reply, payload) => {
    const encoding = request.headers['content-encoding']?.trim().toLowerCase();
    if (!encoding || encoding === 'identity' || !request.url.startsWith('/api/')) return payload;
    if (encoding !== 'gzip') {
      // Tells the client what it may use instead.
      void reply.header('accept-encoding', 'gzip');
      throw new UnsupportedEncodingError(
        `A request body may be sent gzip-compressed or as it is, not as "${encoding}".`,
      );
    }
    const gunzip = createGunzip();
    // fastify checks the encoded length against the Content-Length, and both lengths against the limit.
    Object.defineProperty(gunzip, 'receivedEncodedLength', { get: () => gunzip.bytesWritten });
    // A connection cut mid-body ends the decoding too, rather than leaving the parser waiting.
    payload.on('error', (error) => gunzip.destroy(error));
    payload.pipe(gunzip);
    return gunzip;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith('/api/') || typeof payload !== 'string') return payload;
    void reply.header('vary', 'accept-encoding');
    if (
      payload.length < MIN_COMPRESSED_BYTES ||
      !acceptsGzip(request.headers['accept-encoding']) ||
      reply.hasHeader('content-encoding')
    ) {
      return payload;
    }
    void reply.header('content-encoding', 'gzip');
    return payload.length < MAX_INLINE_BYTES
      ? gzipSync(payload, { level: LEVEL })
      : gzipAsync(payload, { level: LEVEL });
  });
}
