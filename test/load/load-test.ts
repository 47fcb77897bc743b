// `npm run test:load`: 50 simulated devices editing and syncing for 60 s (LOAD_SECONDS to change),
// against the server on SQLite and on PostgreSQL. Fails on any error or lost mutation; prints
// requests/s, p99 latency and memory. Not part of `npm test` (it takes over two minutes).
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { simDevice, type SimDevice } from '../support/sim-device.js';
import { EngineHost } from '../support/sync-server.js';

const DEVICES = 50;
const SECONDS = Number(process.env['LOAD_SECONDS'] ?? 60);
/** Live heap after a full collection grows by at most this much from the first sample to the last. */
const HEAP_GROWTH_LIMIT = 32e6;

// A full collection before each heap sample, so the figures are what is kept, not garbage.
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
function liveHeap(): number {
  collect();
  return process.memoryUsage().heapUsed;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function run(engine: 'sqlite' | 'postgres'): Promise<void> {
  const host = new EngineHost(engine);
  // Fifty devices from one address, each syncing flat out: far past the per-device limits.
  const server = await host.server('dist', { joinPerMinute: 1e6, apiPerMinute: 1e6 });
  const latencies: number[] = [];
  let errors = 0;
  server.app.addHook('onResponse', async (request, reply) => {
    if (!request.url.startsWith('/api/')) return;
    latencies.push(reply.elapsedTime);
    if (reply.statusCode >= 400) errors += 1;
  });
  const team = await server.store.createTeam('Load team');
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const origin = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
  let clock = Date.now();
  const devices: SimDevice[] = [];
  for (let i = 0; i < DEVICES; i += 1)
    devices.push(await simDevice(`Load ${i}`, origin, origin, team.code, () => (clock += 1), 30_000));
  const memory: number[] = [];
  const heap: number[] = [];
  const sampler = setInterval(() => memory.push(process.memoryUsage().rss), 1000);
  // The first sample after 10 s of load, when caches and pools have filled; then every 10 s.
  const heapSampler = setInterval(() => heap.push(liveHeap()), 10_000);
  const deadline = Date.now() + SECONDS * 1000;
  let syncFailures = 0;
  await Promise.all(
    devices.map(async (d, i) => {
      const draft = await d.store.create({ id: 'engagement-strategy', version: 1 }, { title: `Load draft ${i}` });
      let n = 0;
      while (Date.now() < deadline) {
        await d.store.update(draft.id, { achieve: `Edit ${n++} from ${d.name}` });
        await d.engine.sync().catch(() => (syncFailures += 1));
      }
    }),
  );
  clearInterval(sampler);
  clearInterval(heapSampler);
  heap.push(liveHeap());
  for (const d of devices) await d.engine.sync();
  const applied = await server.db
    .selectFrom('applied_mutations')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const changes = devices.reduce((n, d) => n + d.changes, 0);
  const leftOver = (await Promise.all(devices.map((d) => d.store.outbox()))).flat().length;
  console.log(
    `${engine}: ${DEVICES} devices, ${SECONDS} s: ${latencies.length} requests (${Math.round(latencies.length / SECONDS)}/s), ` +
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, ${errors} error answers, ` +
      `${syncFailures} failed syncs, ${changes} changes, ${Number(applied.n)} applied, ` +
      `RSS ${Math.round((memory[1] ?? 0) / 1e6)} → ${Math.round((memory.at(-1) ?? 0) / 1e6)} MB, ` +
      `live heap every 10 s ${heap.map((h) => Math.round(h / 1e6)).join(' → ')} MB`,
  );
  const growth = (heap.at(-1) ?? 0) - (heap[0] ?? 0);
  assert.ok(growth < HEAP_GROWTH_LIMIT, `live heap grew ${Math.round(growth / 1e6)} MB under steady load`);
  assert.equal(errors, 0, 'no error answers');
  assert.equal(syncFailures, 0, 'no failed sync');
  assert.equal(leftOver, 0, 'every outbox drained');
  assert.equal(Number(applied.n), changes, 'no lost or doubled mutation');
  for (const d of devices) d.store.close();
  await server.close();
  await host.stop();
}

await run('sqlite');
await run('postgres');
