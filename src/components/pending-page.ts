import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { PageView } from './page-view.js';

/**
 * Holds the place of a part of the kit that is not built yet, and says so plainly: a field worker
 * must never think a draft was kept when nothing was stored.
 */
@customElement('pending-page')
export class PendingPage extends PageView {
  static override styles = sharedStyles;

  @property() heading = '';

  /** What the finished view will do, in the field team's words. */
  @property() purpose = '';

  override render() {
    return html`
      <h1 tabindex="-1">${this.heading}</h1>
      <p class="lead">Not available yet in this version of the kit.</p>
      <p>${this.purpose}</p>
      <p>
        Nothing you type here can be saved yet, so there is nothing to type. The guidance works now, online and offline.
      </p>
      <p><a href="/">Go to the guidance</a></p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'pending-page': PendingPage;
  }
}
