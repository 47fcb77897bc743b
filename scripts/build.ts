import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup, type OutputOptions } from 'rollup';
import { loadConfigFile } from 'rollup/loadConfigFile';
import { compressAssets } from './compress-assets.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** What the build reads: a change to any of these makes `dist/` stale. */
const INPUTS = [
  'src',
  'sw',
  'content',
  'public',
  'index.html',
  'rollup.config.mjs',
  'scripts/rollup',
  'scripts/content',
  'package-lock.json',
  'tsconfig.json',
];
const STAMP = '.build-stamp';

export function outDir(): string {
  return path.resolve(root, process.env.EFK_OUT_DIR ?? 'dist');
}

async function newestInput(): Promise<number> {
  let newest = 0;
  for (const input of INPUTS) {
    const full = path.join(root, input);
    const info = await stat(full).catch(() => null);
    if (!info) continue;
    newest = Math.max(newest, info.mtimeMs);
    if (!info.isDirectory()) continue;
    for (const entry of await readdir(full, { recursive: true })) {
      const s = await stat(path.join(full, entry)).catch(() => null);
      if (s) newest = Math.max(newest, s.mtimeMs);
    }
  }
  return newest;
}

/** True when `dist/` is missing or older than anything the build reads. */
export async function isBuildStale(): Promise<boolean> {
  const stamp = await stat(path.join(outDir(), STAMP)).catch(() => null);
  return !stamp || (await newestInput()) > stamp.mtimeMs;
}

/** Builds the app into `dist/` (or `EFK_OUT_DIR`) from scratch. */
export async function build(): Promise<void> {
  const started = Date.now();
  const dir = outDir();
  await rm(dir, { recursive: true, force: true });
  const { options, warnings } = await loadConfigFile(path.join(root, 'rollup.config.mjs'), {});
  warnings.flush();
  for (const inputOptions of options) {
    const bundle = await rollup(inputOptions);
    try {
      await Promise.all((inputOptions.output as OutputOptions[]).map((o) => bundle.write(o)));
    } finally {
      await bundle.close();
    }
  }
  await compressAssets(dir);
  await writeFile(path.join(dir, STAMP), new Date().toISOString());
  console.log(`Built ${path.relative(process.cwd(), dir) || '.'} in ${Date.now() - started} ms`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  build().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
