import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { PageView } from './page-view.js';
import { appPath } from '../routing/app-base.js';

/** Shown for an address the kit has no page for. */
@customElement('not-found-page')
export class NotFoundPage extends PageView {
  static override styles = sharedStyles;

  /** The path that was asked for. */
  @property() path = '';

  override render() {
    return html`
      <h1 tabindex="-1">Page not found</h1>
      <p>
        There is no page at <code>${this.path}</code> in the kit. If you typed the address, check it; if you followed a
        link, the page may have moved.
      </p>
      <p><a href=${appPath('/')}>Go to the start page</a></p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'not-found-page': NotFoundPage;
  }
}
