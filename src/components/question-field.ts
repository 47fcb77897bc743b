import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import type { FieldValue, Question } from '../content/worksheet.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { formStyles } from '../styles/form-styles.js';
import { FieldChangeEvent, FieldCommitEvent } from './field-events.js';

/**
 * What every question element shares: it shows a question and its current value, and reports
 * edits; it stores nothing itself.
 *
 * @fires field-change - the value changed (every keystroke)
 * @fires field-commit - the user left the question
 */
export abstract class QuestionField<Q extends Question = Question> extends LitElement {
  static override styles = [sharedStyles, formStyles];

  @property({ attribute: false }) question: Q | undefined;

  @property({ attribute: false }) value: FieldValue | undefined;

  constructor() {
    super();
    this.addEventListener('focusout', (event: FocusEvent) => {
      // Moving between the parts of one question (a channel's name and note) is not leaving it.
      if (!this.shadowRoot?.contains(event.relatedTarget as Node | null)) this.dispatchEvent(new FieldCommitEvent());
    });
  }

  protected emit(value: FieldValue): void {
    this.value = value;
    if (this.question) this.dispatchEvent(new FieldChangeEvent(this.question.id, value));
  }
}
