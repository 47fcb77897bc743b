import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { sharedStyles } from '../styles/shared-styles.js';

/** The ways a strategy can leave the kit. */
export type ExportFormat = 'markdown' | 'json' | 'print' | 'share';

/** The user asked for an export; the page saves first, then exports. */
export class DraftExportEvent extends Event {
  static readonly type = 'draft-export';
  constructor(readonly format: ExportFormat) {
    super(DraftExportEvent.type, { bubbles: true, composed: true });
  }
}

/**
 * Buttons to download the draft as Markdown or JSON, print it (or save it as PDF), and share it
 * where the browser can.
 *
 * @fires draft-export - with the chosen format
 */
@customElement('export-controls')
export class ExportControls extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      ul {
        display: flex;
        flex-wrap: wrap;
        gap: var(--space-2);
        list-style: none;
        padding: 0;
        max-width: none;
      }
      li + li {
        margin-top: 0;
      }
    `,
  ];

  /** Whether to offer Share (the Web Share API); the page decides from the browser. */
  @property({ type: Boolean }) canShare = false;

  private _button(format: ExportFormat, label: string) {
    return html`<li>
      <button class="button secondary" @click=${() => this.dispatchEvent(new DraftExportEvent(format))}>
        ${label}
      </button>
    </li>`;
  }

  override render() {
    return html`<ul>
      ${this._button('markdown', 'Download as Markdown')} ${this._button('json', 'Download as JSON')}
      ${this._button('print', 'Print or save as PDF')} ${this.canShare ? this._button('share', 'Share') : nothing}
    </ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'export-controls': ExportControls;
  }
  interface HTMLElementEventMap {
    'draft-export': DraftExportEvent;
  }
}
