import { html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { DateQuestion } from '../content/worksheet.js';
import './guidance-passage.js';
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
    return html`
      <label for="answer">${q.label}</label>
      <p class="hint" id="hint">${q.hint}</p>
      <guidance-passage .passage=${q.guidance} .topic=${q.label}></guidance-passage>
      <input
        id="answer"
        type="date"
        aria-describedby="hint"
        .value=${live(typeof this.value === 'string' ? this.value : '')}
        @input=${this._onInput}
      />
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'question-date': QuestionDate;
  }
}
