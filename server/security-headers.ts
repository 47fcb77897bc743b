import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * The headers helmet sets for `options`, worked out once. With no per-request parts (no nonces,
 * no directive functions) they are the same for every response; @fastify/helmet built helmet's
 * middleware again for each request, parsing the policy each time (a profile of the push route
 * put it at 4% of a push, and more of a bare route's time).
 */
export function securityHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: string) => void headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => void headers.delete(name.toLowerCase()),
  };
  let failed: unknown;
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => (failed = error));
  if (failed !== undefined) throw new Error('The security header options are invalid', { cause: failed });
  return Object.freeze(Object.fromEntries(headers));
}
