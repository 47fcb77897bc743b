import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared-styles.js';

/**
 * Tells the user a new version is ready and lets them choose when to reload.
 * The live region is always present, so screen readers announce the message when it appears.
 *
 * @fires update-accept - the user chose to reload into the new version
 */
@customElement('update-banner')
export class UpdateBanner extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .banner {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--space-2) var(--space-3);
        padding: var(--space-2) var(--space-3);
        background: var(--color-notice-bg);
        color: var(--color-text);
        border-left: 6px solid var(--color-brand);
      }
      p {
        margin: 0;
      }
      .not-reloaded {
        padding: var(--space-2) var(--space-3);
        border-left: 6px solid var(--color-warning);
        background: var(--color-surface);
      }
    `,
  ];

  /** A new version is waiting. */
  @property({ type: Boolean }) ready = false;

  /** Why the last Reload did not reload (the work on screen could not be saved first). */
  @property({ attribute: false }) notReloaded: string | null = null;

  private _onReload(): void {
    this.dispatchEvent(new Event('update-accept', { bubbles: true, composed: true }));
  }

  override render() {
    return html`<div role="status">
        ${
          this.ready
            ? html`<div class="banner">
                <p>A new version of the kit is ready. Your work is saved first.</p>
                <button class="button" @click=${this._onReload}>Reload</button>
              </div>`
            : nothing
        }
      </div>
      ${this.ready && this.notReloaded ? html`<p class="not-reloaded" role="alert">${this.notReloaded}</p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'update-banner': UpdateBanner;
  }
}
