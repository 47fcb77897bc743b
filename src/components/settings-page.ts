import { html } from 'lit';
import { customElement } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { PageView } from './page-view.js';

/** Settings and facts about this copy of the kit. */
@customElement('settings-page')
export class SettingsPage extends PageView {
  static override styles = sharedStyles;

  override render() {
    return html`
      <h1 tabindex="-1">Settings</h1>
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
