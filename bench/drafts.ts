import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import Fastify from 'fastify';
import fastifyStatic from '@fastify/static';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../test/support/chromium.js';
import type { Figure } from './figure.js';

/** Autosave within this many times a bare put (issue 4's goal). */
const AUTOSAVE_BUDGET = 1.3;

/** Autosave latency and drafts list render time with 1,000 drafts, in real Chromium. */
export async function draftsBench(distDir: string): Promise<Figure[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'efk-bench-'));
  const app = Fastify();
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
  try {
    await build({
      entryPoints: ['bench/browser/drafts-bench.ts'],
      bundle: true,
      format: 'esm',
      minify: true,
      target: 'es2022',
      conditions: ['production'],
      tsconfig: 'tsconfig.json',
      outfile: path.join(dir, 'bench.js'),
    });
    await writeFile(
      path.join(dir, 'index.html'),
      '<!doctype html><html lang="en"><title>bench</title><body></body></html>',
    );
    await writeFile(path.join(dir, 'worksheet.json'), await readFile(path.join(distDir, 'content/worksheet.json')));
    await app.register(fastifyStatic, { root: dir });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as { port: number };
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    const r = await page.evaluate(async () => {
      const worksheet: unknown = await (await fetch('/worksheet.json')).json();
      const { run } = (await import('/bench.js' as string)) as { run: (w: unknown) => Promise<Record<string, number>> };
      return run(worksheet);
    });
    /** An autosave's floor beside the bare put, saying whether the floor itself is within the budget. */
    const autosaveFloor = (name: string, floor: number, says: string): Figure => ({
      name,
      ours: floor,
      limit: r['barePutP50']!,
      limitName: 'bare idb put p50',
      budget: Number.POSITIVE_INFINITY,
      kind: 'at-most',
      notes: [
        `${says}; the floor itself is ${floor / r['barePutP50']! > AUTOSAVE_BUDGET ? 'past' : 'within'} the ${AUTOSAVE_BUDGET}× budget`,
      ],
    });
    return [
      {
        name: 'Autosave p50, 1,000 drafts stored (ms)',
        ours: r['autosaveP50']!,
        limit: r['barePutP50']!,
        limitName: 'bare idb put p50',
        budget: AUTOSAVE_BUDGET,
        kind: 'at-most',
      },
      {
        name: 'Autosave p95, 1,000 drafts stored (ms)',
        ours: r['autosaveP95']!,
        limit: r['barePutP95']!,
        limitName: 'bare idb put p95',
        budget: AUTOSAVE_BUDGET,
        kind: 'at-most',
      },
      autosaveFloor(
        'Floor of a read-merge-write autosave p50: read, merge, write with its outbox entry, no store (ms)',
        r['floorP50']!,
        `the kit's autosave before blind edits, ours then 1.03–1.24× this floor; ours now ${(r['autosaveP50']! / r['floorP50']!).toFixed(2)}× it`,
      ),
      {
        name: 'Fold of an autosave into its draft and the outbox, a second after it, p50 (ms)',
        ours: r['foldP50']!,
        limit: r['barePutP50']!,
        limitName: 'bare idb put p50',
        budget: Number.POSITIVE_INFINITY,
        kind: 'at-most',
        notes: ['off the typing path: the edits of a pause folded at once (or by the next write or sync)'],
      },
      {
        name: 'Drafts list on screen (its frame drawn), 1,000 drafts (ms)',
        ours: r['listRenderMedian']!,
        limit: 100,
        limitName: 'budget 100 ms',
        budget: 1,
        kind: 'at-most',
      },
      {
        name: 'The same on a device in a team, every draft waiting to sync (ms)',
        ours: r['listInTeamMedian']!,
        limit: 100,
        limitName: 'budget 100 ms',
        budget: 1,
        kind: 'at-most',
        notes: [
          'a device in a team also reads which drafts wait to sync: a step per draft with changes, here all 1,000',
        ],
      },
      {
        name: 'The start page’s drafts, 1,000 drafts: read and summed up as it shows, median of 9 (ms)',
        ours: r['startPageMedian']!,
        limit: r['listOnlyMedian']!,
        limitName: 'reading the drafts alone',
        budget: Number.POSITIVE_INFINITY,
        kind: 'at-most',
        notes: [
          'the draft to carry on with and those that need the user (refused changes, two versions, reviews due), read afresh each time the start page shows; the page waits up to 500 ms for it',
        ],
      },
      {
        name: 'What waits for sync, 2,500 changes queued on 50 drafts, median (ms)',
        ours: r['waitingMedian']!,
        limit: r['readAllMedian']!,
        limitName: 'reading every queued change',
        budget: Number.POSITIVE_INFINITY,
        kind: 'at-most',
        notes: [
          'the count, the refused changes and the drafts with changes, as the sync status (after every edit) and the drafts list ask',
        ],
      },
    ];
  } finally {
    await browser.close();
    await app.close();
    await rm(dir, { recursive: true, force: true });
  }
}
