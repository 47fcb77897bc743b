import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import Fastify from 'fastify';
import fastifyStatic from '@fastify/static';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../test/support/chromium.js';
import { freePort } from '../test/support/free-port.js';
import { benchTools } from './bench-tools.js';
import { median, type Figure } from './figure.js';
import { onSlowLink } from './slow-link.js';
import { drainOurs } from './sync.js';

const RUNS = 5;
/** Runs on the slow link, where each takes seconds. */
const SLOW_RUNS = 3;

/** pouchdb-server on LevelDB in a folder of its own, answering on 127.0.0.1. */
async function startPouchServer(dir: string): Promise<{ origin: string; stop: () => Promise<void> }> {
  await mkdir(dir, { recursive: true });
  const port = await freePort();
  const bin = path.join(benchTools(), 'node_modules/pouchdb-server/bin/pouchdb-server');
  const child = spawn(
    process.execPath,
    [bin, '--host', '127.0.0.1', '--port', String(port), '--dir', dir, '--config', path.join(dir, 'config.json'), '-n'],
    { cwd: dir, stdio: 'ignore' },
  );
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const up = await fetch(origin).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('pouchdb-server did not start');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    origin,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/**
 * The peer: the same 1,000 drafts (each written, then edited once) replicated from PouchDB in
 * Chromium to pouchdb-server, beside our drain of the same queue to our server. Both in the same
 * Chromium, on 127.0.0.1; the median of five runs each, alternating. Then both again with the
 * page's requests on a slow 4G link, where bytes on the wire count more than work on the device.
 */
export async function peerBench(distDir: string): Promise<Figure[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'efk-peer-'));
  const site = path.join(dir, 'site');
  await mkdir(site);
  await copyFile(path.join(benchTools(), 'node_modules/pouchdb/dist/pouchdb.min.js'), path.join(site, 'pouchdb.js'));
  await build({
    entryPoints: ['bench/browser/pouch-bench.ts'],
    bundle: true,
    format: 'esm',
    minify: true,
    target: 'es2022',
    outfile: path.join(site, 'bench.js'),
  });
  await writeFile(
    path.join(site, 'index.html'),
    '<!doctype html><html lang="en"><title>peer</title><script src="/pouchdb.js"></script></html>',
  );
  const app = Fastify();
  await app.register(fastifyStatic, { root: site });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const page = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/`;
  const pouch = await startPouchServer(path.join(dir, 'pouch'));
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  const theirs: number[] = [];
  const ours: number[] = [];
  const slow = { theirs: [] as number[], ours: [] as number[], join: [] as number[], pulled: 0 };
  const replicate = async (run: number, onSlow: boolean): Promise<number> => {
    const tab = await browser.newPage();
    await tab.goto(page);
    if (onSlow) await onSlowLink(tab);
    const r = await tab.evaluate(
      async (target) => {
        const { run } = (await import('/bench.js' as string)) as {
          run: (remote: string) => Promise<{ replicateMs: number; written: number }>;
        };
        return run(target);
      },
      `${pouch.origin}/drafts-${onSlow ? 'slow-' : ''}${run}`,
    );
    await tab.close();
    return r.replicateMs;
  };
  try {
    for (let i = 0; i < RUNS; i += 1) {
      theirs.push(await replicate(i, false));
      ours.push((await drainOurs(distDir, dir)).drainMs);
    }
    for (let i = 0; i < SLOW_RUNS; i += 1) {
      slow.theirs.push(await replicate(i, true));
      const drained = await drainOurs(distDir, dir, { slow: true, join: true });
      slow.ours.push(drained.drainMs);
      slow.join.push(drained.join!.joinMs);
      slow.pulled = drained.join!.pulled;
    }
  } finally {
    await browser.close();
    await pouch.stop();
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
  return [
    {
      name: `1,000 drafts from a browser to its server, median of ${RUNS} (ms)`,
      ours: Math.round(median(ours)),
      limit: Math.round(median(theirs)),
      limitName: 'PouchDB → pouchdb-server',
      // Ours at least 3× faster: a third of the peer's time at most.
      budget: 1 / 3,
      kind: 'at-most',
      notes: [
        `ours ${ours.map(Math.round).join(', ')} ms; PouchDB ${theirs.map(Math.round).join(', ')} ms (replicate() after the drafts were stored)`,
      ],
    },
    {
      name: `The same over a slow 4G link, median of ${SLOW_RUNS} (ms)`,
      ours: Math.round(median(slow.ours)),
      limit: Math.round(median(slow.theirs)),
      limitName: 'PouchDB → pouchdb-server',
      budget: Number.POSITIVE_INFINITY,
      kind: 'at-most',
      notes: [
        `ours ${slow.ours.map(Math.round).join(', ')} ms; PouchDB ${slow.theirs.map(Math.round).join(', ')} ms (150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up)`,
      ],
    },
    {
      name: `A device joining after it: its first sync over slow 4G, median of ${SLOW_RUNS} (ms)`,
      ours: Math.round(median(slow.join)),
      limit: Math.round(median(slow.ours)),
      limitName: 'the drain of the same drafts',
      budget: Number.POSITIVE_INFINITY,
      kind: 'at-most',
      notes: [`${slow.join.map(Math.round).join(', ')} ms, pulling ${slow.pulled} drafts`],
    },
  ];
}
