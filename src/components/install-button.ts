import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { InstallOption } from '../controllers/install-controller.js';
import { sharedStyles } from '../styles/shared-styles.js';

/**
 * Offers to install the kit, only where the browser can; on iOS Safari, which has no prompt,
 * it gives the Add to Home Screen steps instead, and why they matter there.
 *
 * @fires install-request - the user pressed "Install app"
 */
@customElement('install-button')
export class InstallButton extends LitElement {
  static override styles = sharedStyles;

  @property() option: InstallOption = 'none';

  private _onClick(): void {
    this.dispatchEvent(new Event('install-request', { bubbles: true, composed: true }));
  }

  override render() {
    switch (this.option) {
      case 'prompt':
        return html`<button class="button" @click=${this._onClick}>Install app</button>`;
      case 'ios-steps':
        // WebKit deletes all of a site's stored data after seven days of Safari use without a
        // visit to it; an app on the Home Screen counts only its own days of use.
        return html`<p>
            Install the kit before you rely on it: Safari deletes the drafts of a website not opened for seven days of
            using Safari. On the Home Screen, the kit keeps them.
          </p>
          <p>To install the kit on this iPhone or iPad:</p>
          <ol>
            <li>Tap the Share button in Safari’s toolbar.</li>
            <li>Choose <strong>Add to Home Screen</strong>.</li>
            <li>Tap <strong>Add</strong>. The kit then opens from your home screen, with or without signal.</li>
          </ol>`;
      case 'installed':
        return html`<p>The kit is installed on this device.</p>`;
      case 'none':
        return nothing;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'install-button': InstallButton;
  }
}
