import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import type { FieldValue, Question } from '../content/worksheet.js';
import type { AnswerAuthor } from '../data/draft.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { formStyles } from '../styles/form-styles.js';
import { formatTime } from '../text/format-time.js';
import { FieldChangeEvent, FieldCommitEvent } from './field-events.js';
import './guidance-passage.js';

/** "Last changed by Sam's phone, 27 Nov 2026, 3:04 pm": the name set apart from the sentence. */
export function lastChangedBy(author: AnswerAuthor): TemplateResult {
  return html`Last changed by <bdi>${author.by}</bdi>, ${formatTime(author.at)}`;
}

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

  /** The teammate whose change the answer is; unset when it is this device's own (or no one's). */
  @property({ attribute: false }) changedBy: AnswerAuthor | undefined;

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
      ${this.described(q)}
      <guidance-passage .passage=${q.guidance} .topic=${q.label}></guidance-passage>
      ${control}
    `;
  }

  /**
   * The hint, then who on the team last changed the answer when it was not this device: opening
   * a draft a teammate filled in, a field worker sees whose words each answer is (and a screen
   * reader hears it with the answer, through `describedBy`).
   */
  protected described(q: Question): TemplateResult {
    const author = this.changedBy;
    return html`<p class="hint" id="hint">${q.hint}</p>
      ${author ? html`<p class="meta author" id="author">${lastChangedBy(author)}</p>` : nothing}`;
  }

  /** The ids of what describes the answer, for its `aria-describedby`. */
  protected get describedBy(): string {
    return this.changedBy ? 'hint author' : 'hint';
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
