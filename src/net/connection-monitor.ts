import { appPath } from '../routing/app-base.js';
/** How long a probe may take before the server counts as unreachable. */
const PROBE_TIMEOUT_MS = 8_000;
/**
 * While offline, when to look again: soon after a failure (an `online` event can come a moment
 * before requests get through), then every 15 s, as `online` events do not come on every network.
 */
const RECHECK_MS = [1_000, 3_000, 15_000];

/**
 * Where the kit stands: its server answers; the device has no network at all; or the device has
 * one (the browser says online) and the server does not answer: a dead or captive network, or
 * the server down, which "You are offline" told a field worker with full signal.
 */
export type ConnectionState = 'online' | 'offline' | 'unreachable';

/**
 * Whether the kit can reach its server. `navigator.onLine` only says a network interface is up
 * (a phone on a captive or dead network says "online"), so requests report what they saw, and an
 * `online` event is checked with a real request before it is believed.
 */
export class ConnectionMonitor extends EventTarget {
  private _state: ConnectionState;
  private _probes = 0;
  private _recheck: ReturnType<typeof setTimeout> | undefined;
  private _failedChecks = 0;

  constructor(
    private readonly probeUrl = appPath('/health'),
    private readonly target: Window = window,
  ) {
    super();
    this._state = target.navigator.onLine ? 'online' : 'offline';
    target.addEventListener('offline', () => this._set(false));
    target.addEventListener('online', () => {
      this._failedChecks = 0;
      void this.check();
    });
  }

  get online(): boolean {
    return this._state === 'online';
  }

  get state(): ConnectionState {
    return this._state;
  }

  /** A request to the server failed for want of a network (not an HTTP error). */
  reportFailure(): void {
    this._set(false);
  }

  /** A request to the server got an answer. */
  reportSuccess(): void {
    this._set(true);
  }

  /** Asks the server directly; the answer to the latest probe updates `online`. */
  async check(): Promise<void> {
    const probe = ++this._probes;
    let reached: boolean;
    try {
      await fetch(this.probeUrl, { cache: 'no-store', signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
      reached = true;
    } catch {
      reached = false;
    }
    if (probe !== this._probes) return;
    this._failedChecks = reached ? 0 : this._failedChecks + 1;
    this._set(reached);
  }

  private _set(online: boolean): void {
    clearTimeout(this._recheck);
    if (!online) {
      const delay = RECHECK_MS[Math.min(this._failedChecks, RECHECK_MS.length - 1)]!;
      this._recheck = setTimeout(() => void this.check(), delay);
    }
    const state = online ? 'online' : this.target.navigator.onLine ? 'unreachable' : 'offline';
    if (state === this._state) return;
    this._state = state;
    this.dispatchEvent(new Event('change'));
  }
}
