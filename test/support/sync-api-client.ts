import assert from 'node:assert/strict';
import type { Mutation, MutationResult } from '../../src/sync/protocol.js';
import type { SyncServer } from './sync-server.js';

/** The sync API as a device calls it, through fastify's inject (no socket); each call expects a 200. */
export interface SyncApiClient {
  join(code: string, deviceName: string): Promise<{ token: string; deviceId: string }>;
  /** A push's results; `query` goes in its address (`since=…&settled=…`). */
  push(token: string, mutations: readonly Mutation[], query?: string): Promise<MutationResult[]>;
}

/** @param server the test's server, read at each call (tests start it in `before`) */
export function syncApiClient(server: () => SyncServer): SyncApiClient {
  return {
    async join(code, deviceName) {
      const res = await server().app.inject({ method: 'POST', url: '/api/join', payload: { code, deviceName } });
      assert.equal(res.statusCode, 200, res.body);
      return res.json();
    },
    async push(token, mutations, query) {
      const res = await server().app.inject({
        method: 'POST',
        url: query ? `/api/push?${query}` : '/api/push',
        headers: { authorization: `Bearer ${token}` },
        payload: { mutations },
      });
      assert.equal(res.statusCode, 200, res.body);
      return res.json<{ results: MutationResult[] }>().results;
    },
  };
}
