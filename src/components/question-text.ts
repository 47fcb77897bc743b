import { html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { TEXT_MAX, type TextQuestion } from '../content/worksheet.js';
import { QuestionField } from './question-field.js';

/** A question answered in words: the guide's wording is the field's label. */
@customElement('question-text')
export class QuestionText extends QuestionField<TextQuestion> {
  private _onInput(event: InputEvent): void {
    this.emit((event.target as HTMLTextAreaElement).value);
  }

  override render() {
    const q = this.question;
    if (!q) return nothing;
    return this.labelled(
      q,
      html`<textarea
        id="answer"
        dir="auto"
        rows="4"
        maxlength=${TEXT_MAX}
        aria-describedby=${this.describedBy}
        .value=${live(this.text)}
        @input=${this._onInput}
      ></textarea>`,
    );
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'question-text': QuestionText;
  }
}
