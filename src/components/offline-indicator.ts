import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared-styles.js';

/**
 * Says, visibly and to screen readers, that the kit is offline, and what still works.
 * The live region is always rendered so the change is announced.
 */
@customElement('offline-indicator')
export class OfflineIndicator extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .offline {
        display: flex;
        align-items: center;
        gap: var(--space-2);
        padding: var(--space-2) var(--space-3);
        background: var(--color-surface);
        border-left: 6px solid var(--color-warning);
      }
      .dot {
        flex: none;
        width: 0.75rem;
        height: 0.75rem;
        border-radius: 50%;
        background: var(--color-warning);
      }
      p {
        margin: 0;
      }
    `,
  ];

  @property({ type: Boolean, reflect: true }) offline = false;

  /** Offline with a network: the device says it is online, and the kit's server does not answer. */
  @property({ type: Boolean }) unreachable = false;

  override render() {
    const headline = this.unreachable ? 'The kit’s server cannot be reached.' : 'You are offline.';
    return html`<div role="status">
      ${
        this.offline
          ? html`<div class="offline">
              <span class="dot" aria-hidden="true"></span>
              <p><strong>${headline}</strong> The guidance and your drafts still work on this device.</p>
            </div>`
          : nothing
      }
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'offline-indicator': OfflineIndicator;
  }
}
