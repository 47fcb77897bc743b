// Runs the Node test files (`*_test.ts` under test/, except the browser ones in test/src/).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

// Two lanes at once, on the two cores CI has: the browser files, one at a time (each with its own
// Chromium and server, mostly waiting on them), with `npm start`'s, beside all the others, one at a
// time (mostly waiting on their databases and processes); the lanes then take about as long. The
// first lane prints as it goes; the other's report follows it, whole.
const browser = files.filter(
  (f) => f.startsWith(path.join('test', 'e2e') + path.sep) || f === path.join('test', 'server', 'main_test.ts'),
);
const others = files.filter((f) => !browser.includes(f));

// One production build for the files that test the app as built (see builtApp), made here rather
// than by each of them: the same build a dozen times took a minute and a half of CI.
const built = mkdtempSync(path.join(tmpdir(), 'efk-built-'));
const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], {
  env: { ...process.env, EFK_OUT_DIR: built },
  encoding: 'utf8',
});
if (build.status !== 0) {
  console.error(`The build the tests share failed:\n${build.stdout}${build.stderr}`);
  rmSync(built, { recursive: true, force: true });
  process.exit(1);
}

// --test-force-exit: a test that fails between starting a server and stopping it would otherwise
// leave the file's process waiting on the open socket, and the run hanging instead of failing.
function lane(laneFiles: string[], out: 'inherit' | number): Promise<number> {
  if (laneFiles.length === 0) return Promise.resolve(0);
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-force-exit', '--test-reporter=spec', ...laneFiles],
    { stdio: ['ignore', out, out], env: { ...process.env, EFK_TEST_BUILD: built } },
  );
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? 1)));
}

const reports = mkdtempSync(path.join(tmpdir(), 'efk-report-'));
const reportFd = openSync(path.join(reports, 'others.txt'), 'w');
const codes = await Promise.all([lane(browser, 'inherit'), lane(others, reportFd)]);
closeSync(reportFd);
process.stdout.write(readFileSync(path.join(reports, 'others.txt')));
rmSync(reports, { recursive: true, force: true });
rmSync(built, { recursive: true, force: true });
process.exitCode = codes.every((c) => c === 0) ? 0 : 1;
