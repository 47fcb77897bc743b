import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { InstallOption } from '../controllers/install-controller.js';
import type { StorageStatus } from '../data/storage-status.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { formatBytes } from '../text/format-bytes.js';
import './install-button.js';
import { PageView } from './page-view.js';

/** Settings and facts about this copy of the kit. */
@customElement('settings-page')
export class SettingsPage extends PageView {
  static override styles = sharedStyles;

  @property() installOption: InstallOption = 'none';

  /** How the device stores the kit's data; `null` while unknown or unsupported. */
  @property({ attribute: false }) storage: StorageStatus | null = null;

  private _storage() {
    const s = this.storage;
    if (!s) return html`<p>This browser does not say how it stores the kit's data.</p>`;
    return html`
      <p>
        ${
          s.persisted
            ? 'Your drafts are kept safe on this device: the browser will not clear them to free up space.'
            : 'The browser may clear the kit’s data if this device runs very low on space. Installing the kit, or saving a draft, asks the browser to keep it.'
        }
      </p>
      ${
        s.usage !== null && s.quota !== null
          ? html`<p>The kit uses ${formatBytes(s.usage)} of the ${formatBytes(s.quota)} this browser allows it.</p>`
          : nothing
      }
    `;
  }

  override render() {
    return html`
      <h1 tabindex="-1">Settings</h1>
      <h2>Install</h2>
      ${
        this.installOption === 'none'
          ? html`<p>
              Open the kit from your browser's menu to add it to your home screen, where the browser offers it. Once
              opened with a connection, the kit works offline either way.
            </p>`
          : html`<install-button .option=${this.installOption}></install-button>`
      }
      <h2>Storage on this device</h2>
      ${this._storage()}
      <h2>Team and sync</h2>
      <p>
        Not available yet in this version of the kit. Joining a team and syncing drafts with your teammates will be set
        up here.
      </p>
      <h2>Display</h2>
      <p>
        The kit follows your device's light or dark appearance and its reduced-motion setting. Text grows with your
        browser's text size and zoom.
      </p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'settings-page': SettingsPage;
  }
}
