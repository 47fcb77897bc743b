import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ConnectionMonitor } from '../net/connection-monitor.js';

/** Re-renders its host when the kit goes offline or comes back. */
export class ConnectionController implements ReactiveController {
  constructor(
    private readonly host: ReactiveControllerHost,
    readonly monitor: ConnectionMonitor,
  ) {
    host.addController(this);
  }

  get online(): boolean {
    return this.monitor.online;
  }

  hostConnected(): void {
    this.monitor.addEventListener('change', this._onChange);
    void this.monitor.check();
  }

  hostDisconnected(): void {
    this.monitor.removeEventListener('change', this._onChange);
  }

  private readonly _onChange = (): void => this.host.requestUpdate();
}
