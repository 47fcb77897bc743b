import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { startSyncServer } from '../support/app-server.js';
import { tempDirWith } from '../support/temp-dir.js';

describe('stopping the server', () => {
  it('ends a connection that never carried a request at once, and lets a request in flight finish', async () => {
    const dist = await tempDirWith({ 'index.html': '<!doctype html><title>Kit</title>' });
    const server = await startSyncServer(dist.dir);
    try {
      // A browser's preconnect: a socket that sends nothing.
      const idle = connect(server.port, '127.0.0.1');
      await once(idle, 'connect');
      const idleClosed = once(idle, 'close');
      // A request in flight: its headers are in, its body is not yet.
      const body = JSON.stringify({ code: 'not-a-code', deviceName: 'Phone' });
      const busy = connect(server.port, '127.0.0.1');
      await once(busy, 'connect');
      let answer = '';
      busy.on('data', (chunk: Buffer) => (answer += chunk.toString()));
      const requested = once(server.app.server, 'request');
      busy.write(
        `POST /api/join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      );
      await requested;

      const closed = server.close();
      await idleClosed;
      assert.equal(answer, '', 'the idle connection ended while the request was still waiting for its body');
      busy.end(body);
      await closed;
      assert.match(answer, /^HTTP\/1\.1 4\d\d /, 'and the request in flight got its answer');
    } finally {
      await dist.cleanup();
    }
  });
});
