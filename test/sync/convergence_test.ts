import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TEXT_MAX, type FieldValue } from '../../src/content/worksheet.js';
import { eraseDeleted } from '../../server/sync/erase-deleted.js';
import { appliedOnServer } from '../support/applied-on-server.js';
import { FAULTS, startFaultProxy } from '../support/fault-proxy.js';
import { simDevice, type SimDevice, type SimTab } from '../support/sim-device.js';
import { EngineHost } from '../support/sync-server.js';

const WS = { id: 'engagement-strategy', version: 1 };
const TEXT_FIELDS = ['title', 'achieve', 'audience', 'tools', 'review'];
// Text answers, a choice of activities and a list of channels: every shape an answer takes.
const FIELDS = [...TEXT_FIELDS, 'activities', 'channels'];
const ACTIVITIES = ['communication', 'consultation', 'co-development', 'service-support'];
const DEVICES = 5;

/** How a run's operations are spread. */
interface Mix {
  readonly name: string;
  /** The seeds `npm test` runs; `SEED=n` runs one seed alone (in every mix), to reproduce a failure. */
  readonly seeds: readonly number[];
  readonly steps: number;
  /** How many drafts the team works on at most: few, and devices edit the same fields at once. */
  readonly drafts: number;
  readonly fields: readonly string[];
  /** The share of requests that meet a fault. */
  readonly faults: number;
  /** How many syncs (and pulls) may be in flight at once. */
  readonly overlap: number;
  /** The share of steps that only pull, as a sync does after its push, overlapping others' pushes. */
  readonly pulls: number;
  /** How long a device waits for an answer. */
  readonly timeoutMs: number;
  /** The share of edits that also type an answer past what the server takes (refused on the device). */
  readonly tooLong: number;
  /** The share of steps that discard a change the server refused. */
  readonly discards: number;
  /** The share of steps that restore a deleted draft, or copy a live one. */
  readonly restores: number;
  /** The share of steps that erase deleted drafts, on the server or on a device, as their keeping periods end. */
  readonly erases: number;
  /** How many tabs each device has open, each with its own store and sync engine on the device's database. */
  readonly tabs: number;
}

const MIXES: readonly Mix[] = [
  {
    name: 'spread',
    seeds: [1, 2, 3],
    steps: 1_000,
    drafts: Infinity,
    fields: FIELDS,
    faults: 0.25,
    overlap: 4,
    pulls: 0,
    timeoutMs: 300,
    tooLong: 0,
    discards: 0,
    restores: 0,
    erases: 0,
    tabs: 1,
  },
  // Found what the spread mix rarely meets: answers lost while the same field changed elsewhere.
  {
    name: 'contended',
    seeds: [1, 2],
    steps: 1_500,
    drafts: 4,
    fields: ['title', 'achieve'],
    faults: 0.4,
    overlap: 7,
    pulls: 0.14,
    timeoutMs: 150,
    tooLong: 0,
    discards: 0,
    restores: 0,
    erases: 0,
    tabs: 1,
  },
  // Changes refused on the device and discarded at any moment: the draft goes back to the team's
  // version of the refused answers and sends the rest, while syncs, pulls and faults go on.
  {
    name: 'refused',
    seeds: [1, 2],
    steps: 1_000,
    drafts: 6,
    fields: FIELDS,
    faults: 0.25,
    overlap: 4,
    pulls: 0.05,
    timeoutMs: 300,
    tooLong: 0.06,
    discards: 0.05,
    restores: 0,
    erases: 0,
    tabs: 1,
  },
  // Deleted drafts erased at any moment (every deletion's keeping period ends at once), on the
  // server and on devices, while drafts are deleted, restored, copied and edited elsewhere: a
  // restore or an edit of an erased draft is refused and discarded, the rest converges.
  {
    name: 'erasing',
    seeds: [1, 2],
    steps: 1_000,
    drafts: 6,
    // Words alone: on fewer fields, devices meet on the same one often enough that a copy of a
    // draft with a conflict in it is made in every run (the mix checks it was).
    fields: TEXT_FIELDS,
    faults: 0.25,
    overlap: 4,
    pulls: 0.05,
    timeoutMs: 300,
    tooLong: 0,
    discards: 0.05,
    restores: 0.1,
    erases: 0.03,
    tabs: 1,
  },
  // Two tabs a device, each editing, folding, deleting, restoring, discarding and syncing on the
  // same database: the page and the service worker, or two windows, as a device can have them.
  {
    name: 'tabs',
    seeds: [1, 2],
    steps: 1_000,
    drafts: 6,
    fields: FIELDS,
    faults: 0.25,
    overlap: 4,
    pulls: 0.05,
    timeoutMs: 300,
    tooLong: 0.06,
    discards: 0.05,
    restores: 0.06,
    erases: 0,
    tabs: 2,
  },
];

/** An answer longer than the server takes (as old or tampered data could hold). */
const TOO_LONG = 'x'.repeat(TEXT_MAX + 1);
/** Why the device itself refused a change: refused whole, it was never sent, and the server has no record of it. */
const REFUSED_ON_DEVICE = /server takes|too large for the team/;

/** mulberry32: a small seeded random generator, so a failing run can be replayed exactly. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Edit {
  readonly value: FieldValue;
  readonly at: number;
  /** An answer past the server's limit: never reaches the team, so nothing to check it against. */
  readonly refused?: boolean;
}

/** A sync, tried again up to five times in all: only a timeout fails one once faults have stopped. */
async function syncTryingAgain(device: SimDevice): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await device.engine.sync();
      return;
    } catch (error) {
      if (attempt === 5) throw error;
    }
  }
}

/** A draft as a device or the server holds it: what the comparison reads of either. */
interface HeldDraft {
  readonly id: string;
  readonly deletedAt: number | null;
  readonly fields: Readonly<
    Record<string, { readonly value: unknown; readonly conflict?: { readonly value: unknown } | null }>
  >;
}

/** What a device or the server holds of a draft, in the same terms, for comparing. */
function comparable(d: HeldDraft): string {
  const fields = Object.entries(d.fields)
    .map(([k, f]) => [k, f.value, f.conflict?.value ?? null] as const)
    .sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([d.id, d.deletedAt !== null, fields]);
}

/**
 * What the erasing mix did over all its runs. A draft copied while it holds a conflict needs a
 * teammate's edit pulled in between, which depends on how the syncs happened to interleave: one run
 * can copy none (a CI run under load once did), so the mix is checked over its seeds, not each.
 */
const erasingDid = { restores: 0, copies: 0, conflictedCopies: 0, erasedOnServer: 0, erasedOnDevices: 0 };

// Every seed on SQLite; on PostgreSQL, where pushes of one team wait on its row lock rather than
// run one at a time in one process, each mix's first seed (eight more seeds each passed there).
for (const engine of ['sqlite', 'postgres'] as const)
  describe(`convergence of five devices under random operations and faults, on ${engine}`, () => {
    const host = new EngineHost(engine);
    after(() => host.stop());

    for (const mix of MIXES)
      for (const seed of process.env['SEED']
        ? [Number(process.env['SEED'])]
        : engine === 'sqlite'
          ? mix.seeds
          : mix.seeds.slice(0, 1)) {
        it(`converges, ${mix.name} (seed ${seed}; reproduce with SEED=${seed} npm run test:node -- convergence)`, async () => {
          const rand = random(seed);
          const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
          // The devices' clocks start a minute behind the server's: near enough that they keep their own (a
          // device far from it times its changes by the server's clock: see DraftStore.noteServerTime), and
          // far enough that a step on at every reading never takes them past it, which the server clamps.
          let clock = Date.now() - 60_000;
          // Erasing compares a deletion's time, from a device or the server, with the time now: the
          // devices' clocks then keep the server's time, still one step on at every reading.
          const tick =
            mix.erases > 0 ? (): number => (clock = Math.max(clock + 1, Date.now())) : (): number => (clock += 1);
          // The server takes no change as made after its time now (a device clock running ahead):
          // its time is the devices' simulated one, which runs a step on at every reading.
          const server = await host.server('dist', undefined, { now: () => Math.max(clock, Date.now()) });
          const team = await server.store.createTeam(`${mix.name} ${seed}`);
          await server.app.listen({ host: '127.0.0.1', port: 0 });
          const origin = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
          // Faults draw from a stream of their own: requests arrive as syncs overlap, so sharing the
          // operations' stream would make the operations themselves depend on timing.
          const faultRandom = random(seed + 0x9e3779b9);
          const proxy = await startFaultProxy(origin, faultRandom);
          const devices: SimDevice[] = [];
          for (let i = 0; i < DEVICES; i += 1)
            devices.push(await simDevice(`Device ${i}`, origin, proxy.origin, team.code, tick, mix.timeoutMs));
          const online = devices.map(() => true);
          const edits = new Map<string, Edit>(); // draftId/field → the latest edit anyone made
          const record = (draftId: string, field: string, value: FieldValue, at: number): void => {
            const key = `${draftId}/${field}`;
            const previous = edits.get(key);
            const refused = typeof value === 'string' && value.length > TEXT_MAX;
            if (!previous || previous.at < at) edits.set(key, { value, at, refused });
          };
          /** An answer as a field worker gives it: words, a choice of activities (one, often), or channels. */
          const answer = (field: string, words: string): FieldValue => {
            if (field === 'activities')
              return rand() < 0.5 ? [pick(ACTIVITIES)] : ACTIVITIES.filter(() => rand() < 0.5);
            if (field === 'channels')
              return Array.from({ length: Math.floor(rand() * 3) }, (_, n) => ({
                id: `${words} ${n}`.replace(/\W+/g, '-'),
                name: `Channel ${n + 1}`,
                note: words,
              }));
            return words;
          };
          /**
           * Changes each device refused itself, as its sync engine answered them: the only ones it may
           * never have sent. Read as the answers are written (the store itself does the writing).
           */
          const refusedHere = devices.map(() => new Set<number>());
          /** Each device's tabs, its own first. */
          const tabs: SimTab[][] = [];
          for (const d of devices)
            tabs.push([d, ...(await Promise.all(Array.from({ length: mix.tabs - 1 }, () => d.openTab())))]);
          for (const [i, ofDevice] of tabs.entries())
            for (const { store } of ofDevice) {
              const acknowledge = store.acknowledge.bind(store);
              store.acknowledge = (entries, results, options) => {
                for (const r of results)
                  if (r.status === 'rejected' && REFUSED_ON_DEVICE.test(r.reason ?? '')) refusedHere[i]!.add(r.seq);
                return acknowledge(entries, results, options);
              };
            }
          let discarded = 0;
          const discardRefused = async (i: number, which: 'one' | 'all', tab: SimTab = devices[i]!): Promise<void> => {
            const { rejected } = await tab.store.outboxStatus();
            for (const entry of which === 'all' ? rejected : rejected.slice(0, 1)) {
              await tab.store.discardRejected(entry.seq!);
              discarded += 1;
            }
          };
          const created = new Set<string>();
          /** What this run of the erasing mix did, added to what the mix did over its runs. */
          const done = { restores: 0, copies: 0, conflictedCopies: 0, erasedOnServer: 0, erasedOnDevices: 0 };
          proxy.choose = () =>
            faultRandom() < mix.faults ? FAULTS[Math.floor(faultRandom() * FAULTS.length)]! : 'pass';
          const inFlight: Promise<unknown>[] = [];

          try {
            for (let step = 0; step < mix.steps; step += 1) {
              const i = Math.floor(rand() * DEVICES);
              // Drawn only where devices have tabs, so the other mixes' seeds replay as they always did.
              const device = mix.tabs > 1 ? tabs[i]![Math.floor(rand() * mix.tabs)]! : devices[i]!;
              const roll = rand();
              if (roll < 0.02) {
                online[i] = !online[i];
                continue;
              }
              // Drawn only where the mix has them, so the other mixes' seeds replay as they always did.
              if (mix.discards > 0 && rand() < mix.discards) {
                await discardRefused(i, 'one', device);
                continue;
              }
              if (mix.erases > 0 && rand() < mix.erases) {
                if (rand() < 0.5) done.erasedOnServer += await eraseDeleted(server.db, { keepMs: 0 });
                else done.erasedOnDevices += await device.store.eraseDeleted({ keepMs: 0, keepUnsent: true });
                continue;
              }
              if (mix.restores > 0 && created.size > 0 && rand() < mix.restores) {
                const held = await device.store.get(pick([...created]));
                if (held?.deletedAt != null) {
                  await device.store.restore(held.id);
                  done.restores += 1;
                } else if (held) {
                  const copy = await device.store.duplicate(held.id);
                  created.add(copy.id);
                  done.copies += 1;
                  if (Object.values(held.fields).some((f) => f.conflict)) done.conflictedCopies += 1;
                  for (const [key, field] of Object.entries(copy.fields))
                    record(copy.id, key, field.value, field.changedAt);
                }
                continue;
              }
              const drafts = await device.store.list();
              if ((roll < 0.12 && drafts.length < mix.drafts) || drafts.length === 0) {
                const draft = await device.store.create(WS, { title: `Draft ${step}` });
                created.add(draft.id);
                record(draft.id, 'title', `Draft ${step}`, draft.fields['title']!.changedAt);
              } else if (roll < 0.17) {
                await device.store.remove(pick(drafts).id);
              } else if (roll < 0.72) {
                const draft = pick(drafts);
                // Resolving a conflict is an edit of the conflicted field; otherwise any field.
                const conflicted = Object.keys(draft.fields).filter((k) => draft.fields[k]?.conflict);
                const field = conflicted.length && rand() < 0.5 ? pick(conflicted) : pick(mix.fields);
                const words = `${devices[i]!.name} at step ${step}`;
                if (mix.tooLong > 0 && rand() < mix.tooLong) {
                  // One change: an answer the server would never take, beside one it would.
                  const beside = pick(mix.fields.filter((f) => f !== field));
                  const value = answer(beside, words);
                  // TOO_LONG is words, whatever the field: what a tampered or old device could send.
                  const [saved] = await device.store.update(draft.id, { [field]: TOO_LONG, [beside]: value });
                  record(draft.id, field, TOO_LONG, saved!.at);
                  record(draft.id, beside, value, saved!.at);
                  continue;
                }
                const value = answer(field, words);
                const [saved] = await device.store.update(draft.id, { [field]: value });
                record(draft.id, field, value, saved!.at);
              } else if (online[i]) {
                // Syncs overlap, so messages from different devices reach the server in random order.
                const pullOnly = roll >= 1 - mix.pulls;
                inFlight.push((pullOnly ? device.engine.pull() : device.engine.sync()).catch(() => undefined));
                if (inFlight.length >= mix.overlap) await inFlight.shift();
              }
            }
            await Promise.all(inFlight);

            // Everyone back online, no more faults: sync until nothing moves. A request can still time
            // out on a loaded machine (a device gives up after 150–300 ms); that sync is tried again.
            proxy.choose = () => 'pass';
            for (let round = 0; round < 3; round += 1) for (const d of devices) await syncTryingAgain(d);
            // What the devices themselves refused is discarded, and the syncs go on until nothing moves.
            if (mix.tooLong > 0 || mix.erases > 0) {
              for (let i = 0; i < DEVICES; i += 1) await discardRefused(i, 'all');
              for (let round = 0; round < 3; round += 1) for (const d of devices) await syncTryingAgain(d);
            }
            // Every keeping period over: the server erases what is deleted, and so does each device.
            if (mix.erases > 0) {
              await eraseDeleted(server.db, { keepMs: 0 });
              for (const d of devices) await d.store.eraseDeleted({ keepMs: 0, keepUnsent: true });
            }

            const { drafts: serverDrafts } = await server.store.pull(team.id, 0, 100_000);
            // An erased draft is a bare record of its deletion on the server, and gone from devices.
            const held = (s: HeldDraft): string => (mix.erases > 0 && s.deletedAt !== null ? 'missing' : comparable(s));
            if (mix.erases > 0)
              for (const s of serverDrafts.filter((d) => d.deletedAt !== null))
                assert.deepEqual(s.fields, {}, `${s.id} erased on the server (seed ${seed})`);
            const expected = serverDrafts.map(held).sort();
            for (const d of tabs.flatMap((ofDevice) =>
              ofDevice.map((tab, t) => ({ ...tab, name: `${devices[tabs.indexOf(ofDevice)]!.name}, tab ${t + 1}` })),
            )) {
              assert.deepEqual(await d.store.outbox(), [], `${d.name}: outbox drained (seed ${seed})`);
              assert.deepEqual(
                await d.store.revertsPending(),
                [],
                `${d.name}: nothing left to take back (seed ${seed})`,
              );
              const all = await Promise.all(serverDrafts.map((s) => d.store.get(s.id)));
              assert.deepEqual(
                all.map((x) => (x ? comparable(x) : 'missing')).sort(),
                expected,
                `${d.name} holds what the server holds (seed ${seed})`,
              );
            }
            // Every edit not superseded by a later edit of the same field is there.
            const byId = new Map(serverDrafts.map((d) => [d.id, d]));
            for (const [key, edit] of edits) {
              if (edit.refused) continue;
              const [draftId, field] = key.split('/') as [string, string];
              if (mix.erases > 0 && byId.get(draftId)?.deletedAt != null) continue; // erased with its answers
              assert.deepEqual(
                byId.get(draftId)?.fields[field]?.value,
                edit.value,
                `${key} keeps its latest edit (seed ${seed})`,
              );
            }
            // Nothing applied twice: one record per change, one revision per application.
            const applied = await appliedOnServer(server.db, team.id);
            for (const [i, d] of devices.entries()) {
              const recorded = applied.seqs.get(d.deviceId) ?? new Set<number>();
              // A change the device refused whole was never sent; one sent without its refused answers was.
              const unsent = [...refusedHere[i]!].filter((seq) => !recorded.has(seq)).length;
              assert.equal(
                recorded.size,
                d.changes - unsent,
                `${d.name}: every change recorded once, but those it refused itself (seed ${seed})`,
              );
            }
            assert.equal(applied.rev, applied.applications, `no change applied twice (seed ${seed})`);
            const faults = [...proxy.counts.entries()].filter(([f]) => f !== 'pass').reduce((n, [, c]) => n + c, 0);
            assert.ok(faults > 20, `faults were injected (${faults})`);
            if (mix.tooLong > 0) assert.ok(discarded > 10, `changes were refused and discarded (${discarded})`);
            if (mix.erases > 0) {
              assert.ok(discarded > 5, `changes refused for erased drafts were discarded (${discarded})`);
              for (const [what, count] of Object.entries(done)) erasingDid[what as keyof typeof done] += count;
            }
          } catch (error) {
            console.error(`convergence failed on ${engine}, ${mix.name}, seed ${seed}: reproduce with SEED=${seed}`);
            throw error;
          } finally {
            for (const { store } of tabs.flat()) store.close();
            await proxy.close();
            await server.close();
          }
        });
      }
  });

describe('convergence, the erasing mix over its runs on both engines', () => {
  it('restored, copied (a draft holding a conflict too) and erased on the server and on devices', () => {
    for (const [what, count] of Object.entries(erasingDid)) assert.ok(count > 0, `${what}: ${count}`);
  });
});
