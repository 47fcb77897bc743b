import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { FieldValue, Question } from '../content/worksheet.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { describeValue } from '../text/describe-value.js';
import { formatTime } from '../text/format-time.js';

export interface ConflictVersion {
  readonly value: FieldValue;
  readonly changedBy: string;
  readonly changedAt: number;
}

/** The user chose the value that settles a conflict. */
export class ConflictChooseEvent extends Event {
  static readonly type = 'conflict-choose';
  constructor(
    readonly key: string,
    readonly value: FieldValue,
  ) {
    super(ConflictChooseEvent.type, { bubbles: true, composed: true });
  }
}

/**
 * Two teammates changed the same answer: both versions side by side, who made each and when,
 * and one tap to keep either, or to combine them (text answers) and edit from there.
 *
 * @fires conflict-choose - with the value that settles it
 */
@customElement('field-conflict')
export class FieldConflictView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      section {
        border-left: 6px solid var(--color-warning);
        background: var(--color-surface);
        padding: var(--space-3);
        margin-bottom: var(--space-3);
      }
      h3 {
        margin: 0 0 var(--space-2);
        font-size: var(--text-base);
      }
      .versions {
        display: grid;
        /* Side by side where two fit; one above the other on a phone, where at 200% text a
           column of 14rem was wider than the screen. */
        grid-template-columns: repeat(auto-fit, minmax(min(14rem, 100%), 1fr));
        gap: var(--space-3);
      }
      .version {
        background: var(--color-background);
        padding: var(--space-2) var(--space-3);
        border: 1px solid var(--color-border);
      }
      .value {
        white-space: pre-wrap;
        unicode-bidi: plaintext;
      }
    `,
  ];

  @property({ attribute: false }) question: Question | undefined;
  @property({ attribute: false }) kept: ConflictVersion | undefined;
  @property({ attribute: false }) other: ConflictVersion | undefined;

  private _choose(value: FieldValue): void {
    if (this.question) this.dispatchEvent(new ConflictChooseEvent(this.question.id, value));
  }

  private _version(title: string, v: ConflictVersion) {
    return html`<div class="version">
      <h4>${title}</h4>
      <p class="value" dir="auto">${describeValue(this.question, v.value)}</p>
      <p class="meta">By <bdi>${v.changedBy}</bdi>, ${formatTime(v.changedAt)}</p>
      <button class="button secondary" @click=${() => this._choose(v.value)}>
        Keep this version<span class="visually-hidden"> (${title.toLowerCase()})</span>
      </button>
    </div>`;
  }

  override render() {
    const { question, kept, other } = this;
    if (!question || !kept || !other) return html``;
    const combinable = typeof kept.value === 'string' && typeof other.value === 'string' && question.type === 'text';
    return html`<section aria-labelledby="title">
      <h3 id="title">Two versions of “${question.label}”</h3>
      <p>
        Two teammates changed this answer at the same time. Choose which to
        keep${combinable ? ', or combine them' : ''}.
      </p>
      <div class="versions">${this._version('Current version', kept)} ${this._version('Other version', other)}</div>
      ${
        combinable
          ? html`<p>
              <button
                class="button secondary"
                @click=${() => this._choose(`${kept.value as string}\n\n${other.value as string}`)}
              >
                Combine both
              </button>
            </p>`
          : ''
      }
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'field-conflict': FieldConflictView;
  }
}
