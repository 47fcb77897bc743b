import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** The least a controller's host does: holds it and is asked to update. */
export class ControllerHost implements ReactiveControllerHost {
  updates = 0;
  readonly updateComplete = Promise.resolve(true);
  addController(_controller: ReactiveController): void {}
  removeController(_controller: ReactiveController): void {}
  requestUpdate(): void {
    this.updates += 1;
  }
}
