import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const TOOLS = path.resolve('bench/tools');

/**
 * The folder of the benchmark-only tools (Lighthouse, PouchDB, pouchdb-server, autocannon),
 * installed from their own lockfile on first use so they never become dependencies of the kit;
 * again when a tool has been added since.
 */
export function benchTools(): string {
  const { dependencies } = JSON.parse(readFileSync(path.join(TOOLS, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const missing = Object.keys(dependencies).filter(
    (name) => !existsSync(path.join(TOOLS, 'node_modules', name, 'package.json')),
  );
  if (missing.length > 0) {
    console.error('Installing the benchmark tools (bench/tools) once…');
    const installed = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: TOOLS, stdio: 'inherit' });
    if (installed.status !== 0) throw new Error('npm ci in bench/tools failed; see the output above.');
  }
  return TOOLS;
}

/** Imports a file of an installed benchmark tool, e.g. `lighthouse/core/index.js`. */
export async function importTool<T>(file: string): Promise<T> {
  return (await import(pathToFileURL(path.join(benchTools(), 'node_modules', file)).href)) as T;
}
