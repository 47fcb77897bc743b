// Runs the Node test files (`*_test.ts` under test/, except the browser ones in test/src/).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const only = process.argv.slice(2);
const files = readdirSync('test', { recursive: true })
  .map((f) => path.join('test', String(f)))
  .filter((f) => f.endsWith('_test.ts') && !f.startsWith(path.join('test', 'src') + path.sep))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  console.error('No Node test files found.');
  process.exit(1);
}
// --test-force-exit: a test that fails between starting a server and stopping it would otherwise
// leave the file's process waiting on the open socket, and the run hanging instead of failing.
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-force-exit', '--test-reporter=spec', ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
