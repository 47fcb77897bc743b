import { html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { chosenOptions, type ChoiceQuestion } from '../content/worksheet.js';
import './guidance-passage.js';
import { QuestionField } from './question-field.js';

/** A multiple-choice question: any number of options, each with the guide's description as hint. */
@customElement('question-choice')
export class QuestionChoice extends QuestionField<ChoiceQuestion> {
  private get _chosen(): readonly string[] {
    return this.question ? chosenOptions(this.question, this.value).map((o) => o.id) : [];
  }

  private _onToggle(optionId: string, checked: boolean): void {
    const others = this._chosen.filter((id) => id !== optionId);
    // Keep the worksheet's order, so two devices choosing the same options store the same value.
    const next = new Set(checked ? [...others, optionId] : others);
    this.emit(this.question!.options.map((o) => o.id).filter((id) => next.has(id)));
  }

  override render() {
    const q = this.question;
    if (!q) return nothing;
    const chosen = this._chosen;
    return html`<fieldset aria-describedby=${this.describedBy}>
      <legend>${q.label}</legend>
      ${this.described(q)}
      <guidance-passage .passage=${q.guidance} .topic=${q.label}></guidance-passage>
      ${q.options.map(
        (o) =>
          html`<div class="check">
            <input
              type="checkbox"
              id=${`option-${o.id}`}
              aria-describedby=${`option-${o.id}-hint`}
              .checked=${live(chosen.includes(o.id))}
              @change=${(e: Event) => this._onToggle(o.id, (e.target as HTMLInputElement).checked)}
            />
            <div>
              <label for=${`option-${o.id}`}>${o.label}</label>
              <p class="hint" id=${`option-${o.id}-hint`}>${o.hint}</p>
            </div>
          </div>`,
      )}
    </fieldset>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'question-choice': QuestionChoice;
  }
}
