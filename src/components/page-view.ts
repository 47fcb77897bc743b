import { LitElement } from 'lit';

/**
 * A view the shell shows for a route. The shell moves focus to a view's heading after each
 * navigation so screen reader users hear where they are; a view can point it at a section instead.
 */
export abstract class PageView extends LitElement {
  /** Resolves once the view shows its content (and its heading), not just a loading line. */
  async whenReady(): Promise<void> {
    await this.updateComplete;
  }

  /**
   * Puts focus on `target` once an action has taken away the control that had it (a deleted
   * row's button, a settled conflict's): focus would otherwise fall to the start of the page.
   * Focus the user has meanwhile put elsewhere in the view stays where it is.
   */
  protected refocus(target: HTMLElement | null | undefined): void {
    if (!this.shadowRoot?.activeElement) target?.focus();
  }

  /**
   * The element that takes focus when the view is shown.
   * @param fragment the URL fragment (without `#`); empty for the view itself
   */
  focusTarget(fragment: string): HTMLElement | null {
    const named = fragment ? this.renderRoot.querySelector<HTMLElement>(`[id="${CSS.escape(fragment)}"]`) : null;
    return named ?? this.renderRoot.querySelector<HTMLElement>('h1');
  }
}
