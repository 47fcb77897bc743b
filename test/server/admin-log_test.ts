import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AdminLog, currentActor } from '../../server/admin-log.js';
import { EngineHost, type SyncServer } from '../support/sync-server.js';

for (const engine of ['sqlite', 'postgres'] as const) {
  describe(`the administrators' record, on ${engine}`, () => {
    const host = new EngineHost(engine);
    let server: SyncServer;

    before(async () => {
      server = await host.server();
    });
    after(async () => {
      await server?.close();
      await host.stop();
    });

    it('keeps what was done, by whom and when, and gives the latest first, as many as asked', async () => {
      const log = new AdminLog(server.db);
      const at = Date.UTC(2026, 10, 28, 9);
      await log.note({ action: 'create', subject: 'team Hall (t1)', detail: 'created' }, 'sam', at);
      await log.note({ action: 'revoke', subject: 'device Phone (d1) of Hall', detail: 'revoked' }, 'alex', at + 2);
      await log.note({ action: 'delete', subject: 'team Hall (t1)', detail: 'deleted, with 3 drafts' }, 'sam', at + 1);
      assert.deepEqual(await log.latest(2), [
        { at: at + 2, actor: 'alex', action: 'revoke', subject: 'device Phone (d1) of Hall', detail: 'revoked' },
        { at: at + 1, actor: 'sam', action: 'delete', subject: 'team Hall (t1)', detail: 'deleted, with 3 drafts' },
      ]);
      assert.equal((await log.latest(10)).length, 3);
    });
  });
}

describe('currentActor', () => {
  it('names the account that ran sudo, not root, and this account otherwise', () => {
    assert.equal(currentActor({ SUDO_USER: 'sam' }), 'sam (through sudo)');
    assert.match(currentActor({}), /^\S+/);
    assert.doesNotMatch(currentActor({}), /through sudo/);
  });
});
