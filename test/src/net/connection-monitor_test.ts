import { expect, oneEvent } from '@open-wc/testing';
import { ConnectionMonitor } from '../../../src/net/connection-monitor.js';

describe('ConnectionMonitor', () => {
  it('believes a real answer from the server, whatever its status', async () => {
    // The test server answers 404 here: still an answer, so the network works.
    const monitor = new ConnectionMonitor('/no-such-probe');
    monitor.reportFailure();
    expect(monitor.online).to.equal(false);
    const changed = oneEvent(monitor, 'change');
    await monitor.check();
    await changed;
    expect(monitor.online).to.equal(true);
  });

  it('counts an unreachable server as offline even when the browser says online', async () => {
    expect(navigator.onLine).to.equal(true);
    // Port 9 (discard) is closed on the test machine: the request fails at the network level.
    const monitor = new ConnectionMonitor('http://127.0.0.1:9/health');
    await monitor.check();
    expect(monitor.online).to.equal(false);
    // Said apart from having no network: a field worker with full signal was told "You are offline".
    expect(monitor.state).to.equal('unreachable');
    monitor.reportSuccess();
    expect(monitor.online).to.equal(true);
  });

  it('goes offline on the browser’s offline event', async () => {
    const monitor = new ConnectionMonitor('/no-such-probe');
    const changed = oneEvent(monitor, 'change');
    window.dispatchEvent(new Event('offline'));
    await changed;
    expect(monitor.online).to.equal(false);
  });
});
