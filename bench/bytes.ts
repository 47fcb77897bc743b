import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import type { Figure } from './figure.js';

/** What the first load costs over the wire, and what the precache holds, from the production build. */
export async function bytesBench(distDir: string): Promise<Figure[]> {
  const html = await readFile(path.join(distDir, 'index.html'), 'utf8');
  const scripts = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  let gzip = 0;
  let brotli = 0;
  for (const script of scripts) {
    const data = await readFile(path.join(distDir, script));
    gzip += gzipSync(data, { level: 9 }).length;
    brotli += brotliCompressSync(data).length;
  }
  const sw = await readFile(path.join(distDir, 'sw.js'), 'utf8');
  const precached = [...sw.matchAll(/"?url"?:"([^"]+)"/g)].map((m) => m[1]!);
  let precache = 0;
  for (const url of precached) precache += (await stat(path.join(distDir, url))).size;
  // The guides themselves, not the compressed copies the build writes beside them.
  const guides = (await readdir(path.join(distDir, 'content/guides'))).filter((g) => g.endsWith('.json'));
  let guideBytes = 0;
  for (const g of guides) guideBytes += gzipSync(await readFile(path.join(distDir, 'content/guides', g))).length;
  const kb = (n: number): number => Math.round((n / 1024) * 10) / 10;
  return [
    {
      name: 'First-load JS, gzip (KB)',
      ours: kb(gzip),
      limit: 40,
      limitName: 'budget 40 KB',
      budget: 1,
      kind: 'at-most',
    },
    {
      name: 'First-load JS, brotli (KB)',
      ours: kb(brotli),
      limit: 40,
      limitName: 'budget 40 KB',
      budget: 1,
      kind: 'at-most',
    },
    {
      name: `Whole precache, ${precached.length} files, raw (KB)`,
      ours: kb(precache),
      limit: kb(guideBytes),
      limitName: 'the guide’s own content, gzip',
      budget: Number.POSITIVE_INFINITY,
      kind: 'at-most',
    },
  ];
}
