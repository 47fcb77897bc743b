import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { OfflineReadiness } from '../controllers/offline-ready-controller.js';
import { sharedStyles } from '../styles/shared-styles.js';

/**
 * Says whether the kit is saved on this device for use without a signal, so a field worker knows
 * before leaving signal. Where it stands is announced politely as it changes; a failure offers to
 * try again at once (the kit also tries when the connection returns).
 *
 * @fires offline-retry - the user pressed "Try again"
 */
@customElement('offline-readiness')
export class OfflineReadinessView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      /* Among the page's notices: a callout in the warning colour, as the sync line's problems are. */
      :host([alert]) {
        padding: var(--space-2) var(--space-3);
        border-left: 6px solid var(--color-warning);
        background: var(--color-surface);
      }
      :host([alert]) p {
        margin: 0 0 var(--space-2);
      }
    `,
  ];

  @property() readiness: OfflineReadiness = 'preparing';

  /** Say "saved" only when it just happened (the home page); Settings always says where it stands. */
  @property({ type: Boolean }) always = false;

  @property({ type: Boolean }) news = false;

  /**
   * Put on a page that did not have it from the start (the shell shows a failure on every page):
   * then it is an alert, which screen readers announce as it appears, where a status is not.
   */
  @property({ type: Boolean, reflect: true }) alert = false;

  private _retry(): void {
    this.dispatchEvent(new Event('offline-retry', { bubbles: true, composed: true }));
  }

  private _message(): string | null {
    switch (this.readiness) {
      case 'preparing':
        return 'Saving the kit on this device for use without a signal…';
      case 'ready':
        return this.always || this.news ? 'The kit is saved on this device: it opens without a signal.' : null;
      case 'failed':
        return 'The kit could not be saved on this device for use without a signal: the connection dropped, or the kit’s server did not answer. It tries again by itself while this page is open, and when the connection returns.';
      case 'unsupported':
        return this.always
          ? 'This browser cannot keep the kit for use without a signal. Open the kit in an up-to-date Chrome, Edge, Firefox or Safari.'
          : null;
    }
  }

  override render() {
    const message = this._message();
    // The live region stays in place whatever it says, so each change is announced.
    return html`<p role=${this.alert ? 'alert' : 'status'}>${message ?? nothing}</p>
      ${
        this.readiness === 'failed'
          ? html`<p><button class="button secondary" @click=${this._retry}>Try again</button></p>`
          : nothing
      }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'offline-readiness': OfflineReadinessView;
  }
}
