import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { newDraftMutation } from '../test/support/new-draft-mutation.js';
import type { LoadPlan, LoadResult } from './http-load.js';

/** What this process reads of autocannon (its types live in bench/tools). */
interface Request {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}
interface Run {
  readonly requests: { readonly total: number };
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  requests: { method: string; path: string; headers: Record<string, string>; setupRequest: (r: Request) => Request }[];
}) => Promise<Run>;

/**
 * The load generator, in a process of its own: a client sharing the server's event loop costs it
 * as much as the server's own work for a bare route, and the limit would measure the client.
 */
async function main(plan: LoadPlan): Promise<LoadResult> {
  const file = pathToFileURL(path.join(plan.toolsDir, 'node_modules/autocannon/autocannon.js')).href;
  const { default: autocannon } = (await import(file)) as { default: Autocannon };
  let seq = plan.firstSeq;
  const second = async (route: LoadPlan['routes'][number]): Promise<number> => {
    const run = await autocannon({
      url: plan.origin,
      connections: plan.connections,
      duration: 1,
      requests: [
        {
          method: route.method,
          path: route.path,
          headers: route.headers,
          setupRequest: (request) => {
            if (!route.push) return request;
            // A device's one waiting change: a new mutation each request, every change before it settled.
            seq += 1;
            const body = JSON.stringify({ mutations: [newDraftMutation(seq, { title: 'Rate' })] });
            return { ...request, body, path: route.settled ? `${route.path}?settled=${seq}` : route.path };
          },
        },
      ],
    });
    const failed = run.non2xx + run.errors + run.timeouts;
    if (failed > 0) throw new Error(`${route.name}: ${failed} of ${run.requests.total} requests failed`);
    return run.requests.total;
  };
  const counts: Record<string, number[]> = Object.fromEntries(plan.routes.map((r) => [r.name, []]));
  // Each route first runs for a second unmeasured (the server's JIT warms to it), then the routes
  // take turns, so that a slow moment of the machine does not fall on one route alone.
  for (const route of plan.routes) await second(route);
  for (let round = 0; round < plan.rounds; round += 1)
    for (const route of plan.routes) counts[route.name]!.push(await second(route));
  return { counts };
}

process.once('message', (plan: LoadPlan) => {
  main(plan).then(
    (result) => process.send!(result, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
