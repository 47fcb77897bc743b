import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance, InjectOptions } from 'fastify';
import type { Kysely } from 'kysely';
import { buildApp } from '../../server/app.js';
import { openDatabase } from '../../server/db/open-database.js';
import type { Database } from '../../server/db/schema.js';
import { randomSecret } from '../../server/secrets.js';
import { SyncStore } from '../../server/sync/sync-store.js';
import { tempDirWith } from '../support/temp-dir.js';
import { Ajv } from 'ajv';

type Schema = {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  enum?: unknown[];
  anyOf?: Schema[];
  additionalProperties?: boolean | Schema;
  propertyNames?: Schema;
};

const PAYLOADS = [
  "'; DROP TABLE drafts; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '../../etc/passwd',
  '${process.exit(1)}',
  '\u0000',
  '',
];

/** Every string in `value` replaced by an injection payload: SQL and script in every string. */
function withPayloads(value: unknown, n = { i: 0 }): unknown {
  if (typeof value === 'string') return PAYLOADS[n.i++ % PAYLOADS.length];
  if (Array.isArray(value)) return value.map((v) => withPayloads(v, n));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withPayloads(v, n)]));
  return value;
}

/** A value that satisfies a schema, to start each malformed case from something nearly right. */
function sample(schema: Schema): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return sample(schema.anyOf[0]!);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = sample(schema.properties![key]!);
      return out;
    }
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items!));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'string':
      if (schema.pattern?.startsWith('^[0-9a-f]{8}')) return '6f1c2a7e-3b7d-4a55-9a53-1d7f0c3e9b21';
      return schema.pattern ? 'abcdefghijklmnopqrstuvwxyz' : 'text';
    case 'boolean':
      return true;
    default:
      return null;
  }
}

/** Values of every wrong JSON type for a schema (never a string that coercion could rescue). */
function wrongTypes(schema: Schema): unknown[] {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const all: Record<string, unknown> = {
    string: 'x',
    integer: 1.5,
    number: 'not a number',
    boolean: 'maybe',
    object: 'object?',
    array: 'array?',
  };
  const out = Object.entries(all)
    .filter(
      ([t]) =>
        t !== type &&
        !(type === 'number' && t === 'integer') &&
        !(type === 'string' && ['integer', 'number', 'boolean'].includes(t)),
    )
    .map(([, v]) => v);
  if (type === 'string') out.push({ nested: true }, [1, 2], null);
  if (type === 'integer' || type === 'number') {
    if (schema.minimum !== undefined) out.push(schema.minimum - 1, -1e308);
    if (schema.maximum !== undefined) out.push(1e300);
    out.push(null, {}, []);
  }
  if (type === 'object' || type === 'array') out.push(null, 42);
  return out;
}

/** Malformed variants of `base`, each with at least one violation of `schema` at `path`. */
function violations(schema: Schema, base: unknown, set: (v: unknown) => unknown): unknown[] {
  const cases: unknown[] = [];
  if (schema.anyOf) return [set({ neither: 'of the allowed forms' }), set(true), set(12.5)];
  for (const wrong of wrongTypes(schema)) cases.push(set(wrong));
  if (schema.pattern) for (const p of PAYLOADS) cases.push(set(p));
  if (schema.maxLength !== undefined) cases.push(set('x'.repeat(schema.maxLength + 1)));
  if (schema.enum) for (const p of PAYLOADS.slice(0, 4)) cases.push(set(p));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'object' && schema.properties && base && typeof base === 'object') {
    const obj = base as Record<string, unknown>;
    for (const key of schema.required ?? []) {
      cases.push(set(Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key))));
    }
    if (schema.additionalProperties === false) {
      for (const key of ['unexpected', 'constructor', 'prototype', ...PAYLOADS.slice(0, 3)])
        cases.push(set({ ...obj, [key]: 1 }));
    }
    for (const [key, child] of Object.entries(schema.properties)) {
      const childBase = obj[key] ?? sample(child);
      cases.push(...violations(child, childBase, (v) => set({ ...obj, [key]: v })));
    }
  }
  if (type === 'array' && schema.items) {
    if (schema.maxItems !== undefined)
      cases.push(set(Array.from({ length: schema.maxItems + 1 }, () => sample(schema.items!))));
    if (schema.minItems) cases.push(set([]));
    const item = sample(schema.items);
    // A bad item first, among good ones, and last: none of a batch is taken if any part is malformed.
    cases.push(...violations(schema.items, item, (v) => set([v])));
    cases.push(...violations(schema.items, item, (v) => set([item, v])));
    cases.push(...violations(schema.items, item, (v) => set([v, item, item])));
  }
  if (type === 'object' && typeof schema.additionalProperties === 'object' && schema.propertyNames) {
    // Maps keyed by name (a mutation's fields): bad names, and bad values under a good name.
    for (const name of ['Bad Key', '__proto__', 'x'.repeat(65), ...PAYLOADS.slice(0, 4)])
      cases.push(set({ [name]: sample(schema.additionalProperties) }));
    const value = sample(schema.additionalProperties);
    cases.push(...violations(schema.additionalProperties, value, (v) => set({ title: v })));
  }
  return cases;
}

describe('malformed requests, derived from the OpenAPI description', () => {
  let dir: Awaited<ReturnType<typeof tempDirWith>>;
  let app: FastifyInstance;
  let db: Kysely<Database>;
  let token: string;

  before(async () => {
    dir = await tempDirWith({ 'dist/index.html': '<!doctype html>' });
    ({ db } = await openDatabase({ sqliteFile: path.join(dir.dir, 'efk.sqlite') }));
    const store = new SyncStore(db, randomSecret());
    const team = await store.createTeam('Fuzz team');
    app = await buildApp({
      distDir: path.join(dir.dir, 'dist'),
      sync: { store, rateLimits: { joinPerMinute: 1e6, apiPerMinute: 1e6 } },
    });
    token = (
      await app.inject({ method: 'POST', url: '/api/join', payload: { code: team.code, deviceName: 'Fuzzer' } })
    ).json<{ token: string }>().token;
  });
  after(async () => {
    await app.close();
    await db.destroy();
    await dir.cleanup();
  });

  async function rowCounts(): Promise<string> {
    const counts = [];
    for (const table of ['teams', 'devices', 'drafts', 'draft_fields', 'applied_mutations'] as const) {
      counts.push(
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow(),
      );
    }
    return JSON.stringify(counts.map((c) => Number(c.n)));
  }

  it('answers at least 1,000 malformed requests to every route with a 4xx JSON error, never a 5xx, changing nothing', async () => {
    const doc = (await app.inject({ url: '/api/openapi.json' })).json<{
      paths: Record<
        string,
        Record<
          string,
          {
            requestBody?: { content: Record<string, { schema: Schema }> };
            parameters?: { in: string; name: string; schema: Schema }[];
          }
        >
      >;
    }>();
    const requests: InjectOptions[] = [];
    const auth = { authorization: `Bearer ${token}` };
    for (const [route, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const upper = method.toUpperCase() as 'GET' | 'POST' | 'PUT';
        // A path's parameters (a draft's id) filled in: well formed for the other cases, then malformed.
        const inPath = (op.parameters ?? []).filter((p) => p.in === 'path');
        const at = (value: string): string => inPath.reduce((u, p) => u.replace(`{${p.name}}`, value), route);
        const url = at(randomUUID());
        if (inPath.length > 0)
          for (const bad of [
            '-1',
            'abc',
            randomUUID().toUpperCase(),
            `${randomUUID()}0`,
            "1' OR '1'='1",
            '%00',
            '..%2F..%2Fetc%2Fpasswd',
            'x'.repeat(2000),
            ...PAYLOADS.slice(0, 4).map(encodeURIComponent),
          ])
            requests.push({ method: upper, url: at(bad), headers: auth });
        const bodySchema = op.requestBody?.content['application/json']?.schema;
        if (bodySchema) {
          const base = sample(bodySchema);
          // The same checker fastify uses keeps only the truly malformed: every case must be refused.
          const valid = new Ajv({ coerceTypes: 'array', strict: false }).compile(bodySchema);
          const variants = violations(bodySchema, base, (v) => v).flatMap((body) => [
            body,
            withPayloads(body),
            withPayloads(body, { i: 3 }),
          ]);
          for (const body of variants) {
            if (valid(structuredClone(body))) continue;
            requests.push({
              method: upper,
              url,
              headers: { ...auth, 'content-type': 'application/json' },
              payload: JSON.stringify(body),
            });
          }
          const raw = (text: string | Buffer, type = 'application/json') =>
            requests.push({ method: upper, url, headers: { ...auth, 'content-type': type }, payload: text });
          raw('{"__proto__": {"polluted": true}}');
          raw('{"constructor": {"prototype": {"polluted": true}}}');
          raw(`${'['.repeat(5000)}${']'.repeat(5000)}`);
          raw(`${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`);
          raw(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]));
          const infinite = JSON.stringify(base).replace(/:(\d+)/, ':1e400');
          if (infinite !== JSON.stringify(base)) raw(infinite);
          raw('');
          raw('{"truncated": ');
          raw('not json at all');
          raw(JSON.stringify(base), 'text/plain');
          raw(`{"pad":"${'x'.repeat(1024 * 1024)}"}`);
        }
        for (const param of op.parameters ?? []) {
          if (param.in !== 'query') continue;
          for (const bad of [
            '-1',
            '-9999999999999999999',
            '1e400',
            'abc',
            '1;DROP TABLE drafts',
            '<script>',
            '99999999999999999999999',
            '1.5',
            ...PAYLOADS.slice(0, 4).map(encodeURIComponent),
          ]) {
            requests.push({ method: upper, url: `${url}?${param.name}=${bad}`, headers: auth });
          }
          requests.push({ method: upper, url: `${url}?unknown=1`, headers: auth });
        }
        // Every route, with no token, a malformed one, and a forged one.
        for (const headers of [
          {},
          { authorization: 'Bearer' },
          { authorization: `Bearer ${'A'.repeat(43)}` },
          { authorization: "Bearer ' OR 1=1 --" },
        ]) {
          if (route === '/api/join' || route === '/api/openapi.json') continue;
          requests.push({ method: upper, url, headers, payload: upper === 'GET' ? undefined : '{}' });
        }
      }
    }
    assert.ok(requests.length >= 1000, `${requests.length} cases generated`);
    const before = await rowCounts();
    const statuses = new Map<number, number>();
    for (const request of requests) {
      const res = await app.inject(request);
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      assert.ok(
        res.statusCode >= 400 && res.statusCode < 500,
        `${request.method} ${String(request.url).slice(0, 80)} ${String(request.payload).slice(0, 120)} → ${res.statusCode} ${res.body.slice(0, 200)}`,
      );
      assert.match(String(res.headers['content-type']), /^application\/json/);
      const body = res.json<{ message?: unknown }>();
      assert.equal(typeof body.message, 'string');
    }
    assert.equal(await rowCounts(), before, 'the database is unchanged');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined, 'no prototype pollution');
    assert.equal((await app.inject({ url: '/health' })).statusCode, 200, 'the server is still up');
    console.log(`fuzz: ${requests.length} requests; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
  });
});
