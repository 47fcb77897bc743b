import { LitElement, html, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { FieldValue, Question } from '../content/worksheet.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { formStyles } from '../styles/form-styles.js';
import { FieldChangeEvent, FieldCommitEvent } from './field-events.js';
import './guidance-passage.js';

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

  /** The label, hint and guide passage above a single control whose id is `answer`. */
  protected labelled(q: Question, control: TemplateResult): TemplateResult {
    return html`
      <label for="answer">${q.label}</label>
      <p class="hint" id="hint">${q.hint}</p>
      <guidance-passage .passage=${q.guidance} .topic=${q.label}></guidance-passage>
      ${control}
    `;
  }

  /** The question's first control: its answer, or its first option. */
  get answerControl(): HTMLElement | null {
    return this.shadowRoot?.querySelector<HTMLElement>('input, textarea, select, button') ?? null;
  }

  /** The current value when it is text (answers and dates), else empty. */
  protected get text(): string {
    return typeof this.value === 'string' ? this.value : '';
  }

  protected emit(value: FieldValue): void {
    this.value = value;
    if (this.question) this.dispatchEvent(new FieldChangeEvent(this.question.id, value));
  }
}
