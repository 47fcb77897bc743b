import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Whether the kit is saved on this device for use without a signal: its service worker has
 * precached everything (`ready`), is doing so (`preparing`), could not (`failed`: the connection
 * dropped, or the server did not answer, during the first visit), or the browser has none.
 */
export type OfflineReadiness = 'preparing' | 'ready' | 'failed' | 'unsupported';

/**
 * Follows the service worker's first install, so a field worker knows before leaving signal
 * whether the kit will open without it: an active worker has every file it needs. A failed install
 * leaves no worker (the browser clears the registration), so the kit registers again, when the
 * connection returns or the user asks.
 */
export class OfflineReadyController implements ReactiveController {
  readiness: OfflineReadiness;
  /** It became ready while this page was open: the moment worth telling. */
  becameReady = false;

  private readonly _container: ServiceWorkerContainer | undefined;

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
  }

  /** The page's own registration (made after its load), to follow its install. */
  follow(registering: Promise<ServiceWorkerRegistration | undefined>): void {
    registering.then(
      (registration) => registration && this._follow(registration),
      () => this._set('failed', false),
    );
  }

  /** Registers again after a failed install: the user asked, or the connection came back. */
  retry(): void {
    if (!this._container || this.readiness !== 'failed') return;
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
    this.host.requestUpdate();
  }

  private readonly _onOnline = (): void => this.retry();
}
