import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { newDraftMutation } from './new-draft-mutation.js';

/** Pushes going on flat out until stopped: how many mutations were sent, once it has stopped. */
export interface WriteLoad {
  stop(): Promise<number>;
}

/**
 * One device pushing new drafts through `app`, 20 a push, far past a device's request limit, with
 * a turn of the event loop between pushes so other work in the process interleaves with them.
 */
export function writeLoad(app: FastifyInstance, token: string): WriteLoad {
  let seq = 0;
  let writing = true;
  const load = (async () => {
    while (writing) {
      const mutations = Array.from({ length: 20 }, () => newDraftMutation(++seq, { title: `Draft ${seq}` }));
      const res = await app.inject({
        method: 'POST',
        url: '/api/push',
        headers: { authorization: `Bearer ${token}` },
        payload: { mutations },
      });
      assert.equal(res.statusCode, 200, res.body);
      await new Promise((r) => setImmediate(r));
    }
  })();
  return {
    async stop() {
      writing = false;
      await load;
      return seq;
    },
  };
}
