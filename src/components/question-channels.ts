import { css, html, nothing } from 'lit';
import { customElement } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { TEXT_MAX, type Channel, type ChannelsQuestion } from '../content/worksheet.js';
import './guidance-passage.js';
import { QuestionField } from './question-field.js';

/** A repeatable list: each channel being considered, with a note on its strengths and weaknesses. */
@customElement('question-channels')
export class QuestionChannels extends QuestionField<ChannelsQuestion> {
  static override styles = [
    ...QuestionField.styles,
    css`
      ol {
        list-style: none;
        padding: 0;
        margin: 0 0 var(--space-3);
      }
      li {
        padding: var(--space-3);
        margin: 0 0 var(--space-3);
        border-left: 4px solid var(--color-border);
        background: var(--color-surface);
      }
      li > * + * {
        margin-top: var(--space-2);
      }
      .empty {
        color: var(--color-text-secondary);
      }
    `,
  ];

  private get _channels(): readonly Channel[] {
    return Array.isArray(this.value) ? (this.value as readonly Channel[]).filter((c) => typeof c === 'object') : [];
  }

  private _edit(id: string, part: 'name' | 'note', text: string): void {
    this.emit(this._channels.map((c) => (c.id === id ? { ...c, [part]: text } : c)));
  }

  private async _add(): Promise<void> {
    const channel: Channel = { id: crypto.randomUUID(), name: '', note: '' };
    this.emit([...this._channels, channel]);
    await this.updateComplete;
    this.shadowRoot!.querySelector<HTMLInputElement>(`[id="name-${channel.id}"]`)?.focus();
  }

  private async _remove(index: number): Promise<void> {
    const channels = this._channels.filter((_, i) => i !== index);
    this.emit(channels);
    await this.updateComplete;
    // Focus goes somewhere sensible, not to the page's start: the next channel, or the Add button.
    const next = channels[index] ?? channels[index - 1];
    const target = next
      ? this.shadowRoot!.querySelector<HTMLElement>(`[id="name-${next.id}"]`)
      : this.shadowRoot!.querySelector<HTMLElement>('#add');
    target?.focus();
  }

  override render() {
    const q = this.question;
    if (!q) return nothing;
    const channels = this._channels;
    return html`<fieldset aria-describedby=${this.describedBy}>
      <legend>${q.label}</legend>
      ${this.described(q)}
      <guidance-passage .passage=${q.guidance} .topic=${q.label}></guidance-passage>
      ${channels.length === 0 ? html`<p class="empty">No channels added yet.</p>` : nothing}
      <ol>
        ${repeat(
          channels,
          (c) => c.id,
          (c, i) =>
            html`<li>
              <label for=${`name-${c.id}`}>Name of channel ${i + 1}</label>
              <input
                type="text"
                id=${`name-${c.id}`}
                dir="auto"
                maxlength=${TEXT_MAX}
                .value=${live(c.name)}
                @input=${(e: Event) => this._edit(c.id, 'name', (e.target as HTMLInputElement).value)}
              />
              <label for=${`note-${c.id}`}
                >Strengths and weaknesses of <bdi>${c.name.trim() || `channel ${i + 1}`}</bdi></label
              >
              <textarea
                id=${`note-${c.id}`}
                dir="auto"
                rows="3"
                maxlength=${TEXT_MAX}
                .value=${live(c.note)}
                @input=${(e: Event) => this._edit(c.id, 'note', (e.target as HTMLTextAreaElement).value)}
              ></textarea>
              <button class="button secondary" @click=${() => void this._remove(i)}>
                <span>Remove <bdi>${c.name.trim() || `channel ${i + 1}`}</bdi></span>
              </button>
            </li>`,
        )}
      </ol>
      <button id="add" class="button secondary" @click=${() => void this._add()}>Add a channel</button>
    </fieldset>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'question-channels': QuestionChannels;
  }
}
