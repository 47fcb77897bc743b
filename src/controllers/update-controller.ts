import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Workbox } from 'workbox-window';
import { toStorageWriteError } from '../data/storage-error.js';

/** How often a kit left open on screen looks for a new version. */
export const UPDATE_CHECK_EVERY_MS = 60 * 60 * 1000;
/** The least time between two looks as the kit is brought back on screen (a phone unlocked often). */
export const UPDATE_CHECK_SHOWN_GAP_MS = 10 * 60 * 1000;

/**
 * The page side of service worker updates. A new version waits until the user accepts it: the
 * kit never reloads by itself, because the user may be typing.
 *
 * The browser looks for a new service worker when a page loads. A kit on a home screen is seldom
 * loaded afresh (it comes back from the background, or back into signal, as it was), so it looks
 * for itself then, and every hour while on screen.
 */
export class UpdateController implements ReactiveController {
  /** A new version is installed and waiting for the user's consent. */
  updateReady = false;
  /** Why the last Reload did not reload: the work on screen could not be saved first. */
  notReloaded: string | null = null;
  private _accepted = false;
  /** The new worker already controls this page (another tab accepted the update). */
  private _controlling = false;

  /**
   * @param flush saves anything not yet written (a pending draft save) before the reload
   */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly workbox: Workbox | null,
    private readonly flush: () => Promise<void> = () => Promise.resolve(),
  ) {
    host.addController(this);
    const ready = (): void => {
      if (this.updateReady) return;
      this.updateReady = true;
      host.requestUpdate();
    };
    workbox?.addEventListener('waiting', ready);
    // Watched on the registration as well: workbox-window's own 'waiting' can be missed when an
    // update is found while it is still settling the first install, and a worker may already be
    // waiting from an earlier visit.
    const container = typeof navigator !== 'undefined' ? navigator.serviceWorker : undefined;
    if (workbox && container) {
      void container.ready.then((registration) => {
        const check = (): void => {
          if (registration.waiting && container.controller) ready();
        };
        check();
        registration.addEventListener('updatefound', () => {
          registration.installing?.addEventListener('statechange', check);
        });
      });
    }
    // workbox-window reports an update found after the first install as "external" and sends no
    // 'controlling' event for it, so the takeover is watched on the container itself.
    let hadController = Boolean(container?.controller);
    if (workbox && container) {
      container.addEventListener('controllerchange', () => {
        const isUpdate = hadController;
        hadController = true;
        if (!isUpdate) return; // the first install taking control: nothing to reload
        if (this._accepted) {
          window.location.reload();
          return;
        }
        // Another tab accepted the update. This tab still waits for its own user's consent.
        this._controlling = true;
        this.updateReady = true;
        host.requestUpdate();
      });
    }
  }

  private _lastCheck = 0;
  private _timer: ReturnType<typeof setInterval> | undefined;

  hostConnected(): void {
    if (!this.workbox) return;
    document.addEventListener('visibilitychange', this._onShown);
    window.addEventListener('online', this._check);
    this._timer = setInterval(this._onTimer, UPDATE_CHECK_EVERY_MS);
  }

  hostDisconnected(): void {
    document.removeEventListener('visibilitychange', this._onShown);
    window.removeEventListener('online', this._check);
    clearInterval(this._timer);
  }

  /** Asks the browser to fetch the service worker again; a new one installs and waits (see above). */
  private readonly _check = (): void => {
    if (!this.workbox || this.updateReady) return;
    this._lastCheck = Date.now();
    // Offline, or the server away: nothing to offer yet, and the next return or hour looks again.
    this.workbox.update().catch(() => undefined);
  };

  private readonly _onShown = (): void => {
    if (document.visibilityState === 'visible' && Date.now() - this._lastCheck >= UPDATE_CHECK_SHOWN_GAP_MS)
      this._check();
  };

  private readonly _onTimer = (): void => {
    if (document.visibilityState === 'visible') this._check();
  };

  /** The user chose Reload: save, let the waiting worker take over, reload when it controls the page. */
  async accept(): Promise<void> {
    if (!this.workbox || !this.updateReady) return;
    try {
      await this.flush();
    } catch (error) {
      // A reload now would leave the unsaved edits to the page's close; they stay on screen, and
      // the autosave goes on trying, until the user has made room and presses Reload again.
      const failure = toStorageWriteError(error);
      this.notReloaded = `The kit was not reloaded, so as not to lose your latest changes: ${failure.why}. ${failure.remedy}`;
      this.host.requestUpdate();
      return;
    }
    this.notReloaded = null;
    this._accepted = true;
    if (this._controlling) {
      window.location.reload();
      return;
    }
    // Sent to the registration's waiting worker, whichever tab installed it.
    this.workbox.messageSkipWaiting();
  }
}
