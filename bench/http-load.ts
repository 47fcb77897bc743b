import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchTools } from './bench-tools.js';

export interface LoadRoute {
  readonly name: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Record<string, string>;
  /** Each request carries a new one-mutation push body. */
  readonly push?: boolean;
  /** And says, as a device does, that every change before its own is settled (`?settled=`). */
  readonly settled?: boolean;
}

export interface LoadPlan {
  readonly origin: string;
  readonly routes: readonly LoadRoute[];
  readonly connections: number;
  readonly rounds: number;
  /** The pushes' first sequence number, past any the device has pushed before. */
  readonly firstSeq: number;
  readonly toolsDir: string;
}

export interface LoadResult {
  /** Each route's requests answered in each round's second. */
  readonly counts: Record<string, number[]>;
}

/**
 * Requests/s of each route at `connections` clients at once, measured by autocannon from a
 * process of its own (bench/http-load-process.ts): a second a route, in turns, `rounds` times.
 */
export function httpLoad(plan: Omit<LoadPlan, 'toolsDir'>): Promise<LoadResult> {
  const child = fork(fileURLToPath(new URL('./http-load-process.ts', import.meta.url)), {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<LoadResult>((resolve, reject) => {
    let result: LoadResult | undefined;
    child.once('message', (message: LoadResult) => (result = message));
    child.once('error', reject);
    child.once('exit', (code) =>
      result ? resolve(result) : reject(new Error(`the load generator exited with ${code}; see its output above`)),
    );
    child.send({ ...plan, toolsDir: benchTools() } satisfies LoadPlan);
  });
}
