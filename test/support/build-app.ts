import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDirWith } from './temp-dir.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface BuildResult {
  readonly code: number;
  readonly output: string;
}

/**
 * Runs the real build (`npm run build`'s script) into `outDir`, optionally from other content and
 * with more of the build's variables (`EFK_EXTRA_PUBLIC_DIR`).
 */
export function runBuild(outDir: string, contentDir?: string, env: Record<string, string> = {}): Promise<BuildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts/build.ts')], {
      cwd: ROOT,
      env: { ...process.env, ...env, EFK_OUT_DIR: outDir, ...(contentDir ? { EFK_CONTENT_DIR: contentDir } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * A fresh production build in a folder of its own (the test fails if the build does); removed by
 * `cleanup`. Of the usual content it is a copy of the build `npm run test:node` made for all its
 * files (EFK_TEST_BUILD), when there is one: the same files, and a copy a test may change.
 */
export async function builtApp(contentDir?: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const out = await tempDirWith();
  const shared = process.env['EFK_TEST_BUILD'];
  if (shared && !contentDir) {
    await cp(shared, out.dir, { recursive: true });
    return out;
  }
  const result = await runBuild(out.dir, contentDir);
  assert.equal(result.code, 0, result.output);
  return out;
}
