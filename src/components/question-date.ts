import { html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { DateQuestion } from '../content/worksheet.js';
import { QuestionField } from './question-field.js';

/** A question answered with a date (stored as YYYY-MM-DD). */
@customElement('question-date')
export class QuestionDate extends QuestionField<DateQuestion> {
  private _onInput(event: Event): void {
    this.emit((event.target as HTMLInputElement).value);
  }

  override render() {
    const q = this.question;
    if (!q) return nothing;
    return this.labelled(
      q,
      html`<input
        id="answer"
        type="date"
        aria-describedby=${this.describedBy}
        .value=${live(this.text)}
        @input=${this._onInput}
      />`,
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'question-date': QuestionDate;
  }
}
