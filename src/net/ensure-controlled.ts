import { SW_MESSAGES } from '../../sw/messages.js';

/**
 * Asks the service worker to control this page when it does not. The first worker claims the
 * pages open as it takes control, but Chromium does not count a page whose load is still under
 * way then: that page stays uncontrolled for as long as it is open, every fetch it makes (a
 * guide, the worksheet) going to the network, offline too. Seen twice in ninety first
 * visits reopened at once. A page loaded past the worker on purpose (a hard reload) is taken too,
 * so the kit keeps working offline.
 */
export async function ensureControlled(container: ServiceWorkerContainer): Promise<void> {
  const registration = await container.ready;
  const worker = registration.active;
  if (!worker || container.controller) return;
  // Until it is activated, the worker's own claim is still to come.
  if (worker.state !== 'activated')
    await new Promise<void>((resolve) =>
      worker.addEventListener('statechange', () => worker.state !== 'activating' && resolve()),
    );
  if (!container.controller && worker.state === 'activated') worker.postMessage({ type: SW_MESSAGES.claim });
}
