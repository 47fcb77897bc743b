import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Worksheet } from '../content/worksheet.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { PageView } from './page-view.js';
import { appPath } from '../routing/app-base.js';

/** The way into the worksheet: what it is, and where to start or continue a draft. */
@customElement('worksheet-start-page')
export class WorksheetStartPage extends PageView {
  static override styles = sharedStyles;

  @property({ attribute: false }) worksheet: Worksheet | undefined;

  override render() {
    const w = this.worksheet;
    return html`
      <h1 tabindex="-1">Strategy worksheet</h1>
      <p class="lead">
        The guide’s points for developing an engagement strategy, as ${w?.questions.length ?? ''} questions to answer
        with the people in the room.
      </p>
      <p>${w?.intro ?? ''}</p>
      <p><a class="button" href=${appPath('/worksheet/new')}>Start a new strategy draft</a></p>
      <p><a href=${appPath('/drafts')}>Continue one of your drafts</a></p>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'worksheet-start-page': WorksheetStartPage;
  }
}
