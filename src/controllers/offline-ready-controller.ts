import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Whether the kit is saved on this device for use without a signal: its service worker has
 * precached everything (`ready`), is doing so (`preparing`), could not (`failed`: the connection
 * dropped, or the server did not answer, during the first visit), or the browser has none.
 */
export type OfflineReadiness = 'preparing' | 'ready' | 'failed' | 'unsupported';

/**
 * After a failed install the kit tries again by itself, first this soon, then twice as long each
 * time up to RETRY_MAX_MS: an `online` event does not come on a weak or dead network that the
 * browser calls online, and a file missing for a while (a deploy under way) costs a download
 * each try, so the tries thin out.
 */
export const RETRY_FIRST_MS = 10_000;
export const RETRY_MAX_MS = 5 * 60_000;

/**
 * Follows the service worker's first install, so a field worker knows before leaving signal
 * whether the kit will open without it: an active worker has every file it needs. A failed install
 * leaves no worker (the browser clears the registration), so the kit registers again: when the
 * connection returns, the user asks, or by itself a while later.
 */
export class OfflineReadyController implements ReactiveController {
  readiness: OfflineReadiness;
  /** It became ready while this page was open: the moment worth telling. */
  becameReady = false;

  private readonly _container: ServiceWorkerContainer | undefined;
  private _retryTimer: ReturnType<typeof setTimeout> | undefined;
  private _retryMs = RETRY_FIRST_MS;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly scriptUrl: string,
    container: ServiceWorkerContainer | undefined = typeof navigator === 'undefined'
      ? undefined
      : navigator.serviceWorker,
  ) {
    this._container = container;
    this.readiness = container ? 'preparing' : 'unsupported';
    host.addController(this);
  }

  hostConnected(): void {
    const container = this._container;
    if (!container) return;
    if (container.controller) {
      this._set('ready', false);
      return;
    }
    window.addEventListener('online', this._onOnline);
    void container.getRegistration().then(async (registration) => {
      if (registration?.active) return this._set('ready', false);
      if (registration) this._follow(registration);
      // Resolves once a worker is active for this page, however it got there.
      await container.ready;
      this._set('ready', true);
    });
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this._onOnline);
    clearTimeout(this._retryTimer);
  }

  /** The page's own registration (made after its load), to follow its install. */
  follow(registering: Promise<ServiceWorkerRegistration | undefined>): void {
    registering.then(
      (registration) => registration && this._follow(registration),
      () => this._set('failed', false),
    );
  }

  /** Registers again after a failed install: the user asked, the connection came back, or it is time. */
  retry(): void {
    if (!this._container || this.readiness !== 'failed') return;
    clearTimeout(this._retryTimer);
    this._set('preparing', false);
    this.follow(this._container.register(this.scriptUrl));
  }

  private _follow(registration: ServiceWorkerRegistration): void {
    const track = (worker: ServiceWorker | null): void => {
      worker?.addEventListener('statechange', () => {
        if (worker.state === 'redundant' && !registration.active) this._set('failed', false);
      });
    };
    track(registration.installing ?? registration.waiting);
    registration.addEventListener('updatefound', () => track(registration.installing));
  }

  private _set(readiness: OfflineReadiness, news: boolean): void {
    if (this.readiness === readiness || this.readiness === 'ready') return;
    this.readiness = readiness;
    this.becameReady = news && readiness === 'ready';
    if (readiness === 'failed') {
      clearTimeout(this._retryTimer);
      this._retryTimer = setTimeout(() => this.retry(), this._retryMs);
      this._retryMs = Math.min(this._retryMs * 2, RETRY_MAX_MS);
    }
    this.host.requestUpdate();
  }

  private readonly _onOnline = (): void => this.retry();
}
