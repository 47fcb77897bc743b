import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import {
  chosenOptions,
  otherAnswers,
  TEXT_MAX,
  type Channel,
  type ContextField,
  type Question,
  type Worksheet,
} from '../content/worksheet.js';
import { AutosaveController } from '../controllers/autosave-controller.js';
import { draftTitle, teammateOf, type AnswerAuthor, type Draft, type OutboxEntry } from '../data/draft.js';
import type { DraftStore } from '../data/draft-store.js';
import { toStorageWriteError } from '../data/storage-error.js';
import { downloadFile } from '../export/download-file.js';
import { draftToJson, draftToMarkdown, exportFileName, teammatesOf } from '../export/draft-export.js';
import { formStyles } from '../styles/form-styles.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { describeValue } from '../text/describe-value.js';
import { formatDate } from '../text/format-date.js';
import { formatTime } from '../text/format-time.js';
import './export-controls.js';
import './field-conflict.js';
import type { ConflictChooseEvent } from './field-conflict.js';
import type { DraftExportEvent } from './export-controls.js';
import type { FieldChangeEvent } from './field-events.js';
import { PageView } from './page-view.js';
import { lastChangedBy, type QuestionField } from './question-field.js';
import './question-channels.js';
import './question-choice.js';
import './question-date.js';
import './question-text.js';
import { appPath } from '../routing/app-base.js';

const STATUS: Record<AutosaveController['state'], string> = {
  loading: 'Opening the draft…',
  missing: '',
  saved: 'Saved on this device',
  pending: 'Saving…',
  saving: 'Saving…',
  error: 'Not saved yet',
};

/** What a list of refused changes says, to tell one list from another. */
function refusals(entries: readonly OutboxEntry[] | undefined): string {
  return (entries ?? []).map((e) => `${e.seq} ${e.rejected ?? ''}`).join('\n');
}

/**
 * A strategy draft being filled in: the consultation context, then every question of the
 * worksheet. Edits are saved as they are typed by an {@link AutosaveController} on the store it
 * is given; there is no save button.
 */
@customElement('worksheet-page')
export class WorksheetPage extends PageView {
  static override styles = [
    sharedStyles,
    formStyles,
    css`
      .status {
        position: sticky;
        top: 0;
        z-index: 1;
        margin: 0 0 var(--space-3);
        padding: var(--space-1) 0;
        background: var(--color-background);
        color: var(--color-text-secondary);
        font-size: var(--text-small);
      }
      .error {
        padding: var(--space-3);
        border-left: 6px solid var(--color-warning);
        background: var(--color-surface);
        margin-bottom: var(--space-3);
      }
      .question {
        margin: 0 0 var(--space-5);
      }
      .context > * + * {
        margin-top: var(--space-3);
      }
      .context {
        margin-bottom: var(--space-5);
      }
      .print-only {
        display: none;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--space-2) var(--space-4);
      }
      .answer {
        white-space: pre-wrap;
        unicode-bidi: plaintext;
      }
      .byline {
        color: var(--color-text-secondary);
        font-size: var(--text-small);
      }
      @media print {
        .screen-only {
          display: none !important;
        }
        .print-only {
          display: block;
        }
        h2 {
          font-size: 1.1rem;
          break-after: avoid;
        }
      }
    `,
  ];

  @property({ attribute: false }) worksheet: Worksheet | undefined;

  @property({ attribute: false }) store: DraftStore | undefined;

  @property() draftId = '';

  /**
   * The draft's changes the team's server refused (the shell's sync status says which). The shell
   * hands a new list at each of its updates, a sync status after every edit among them: only a
   * different set of refusals updates the page.
   */
  @property({
    attribute: false,
    hasChanged: (a: readonly OutboxEntry[], b?: readonly OutboxEntry[]) => refusals(a) !== refusals(b),
  })
  refused: readonly OutboxEntry[] = [];

  private _autosave: AutosaveController | undefined;

  override async whenReady(): Promise<void> {
    await this.updateComplete;
    await this._autosave?.loaded;
    await this.updateComplete;
  }

  /** Writes every pending edit now (before an update reload, say). */
  flush(): Promise<void> {
    return this._autosave?.flush() ?? Promise.resolve();
  }

  /**
   * What screen readers hear of saving. The line on screen goes "Saving…", "Saved" at every pause
   * in typing; announced, that would talk over the user's own typing echo each time. The live
   * region says what matters only: that edits are not being saved, and that they are again; read
   * in place, it says how saving works.
   */
  private _announced = 'Edits are saved on this device as you type.';

  override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('store') || changed.has('draftId')) && this.store && this.draftId && !this._autosave) {
      this._autosave = new AutosaveController(this, { store: this.store, draftId: this.draftId });
    }
    const deleted = this._autosave?.deleted ?? false;
    // Deleted under the user (another tab, a teammate): the field they were in is about to go.
    if (deleted && !this._wasDeleted && this.matches(':focus-within')) this._focusedWhenDeleted = true;
    this._wasDeleted = deleted;
    const state = this._autosave?.state;
    if (state === 'error') this._announced = 'Not saved yet.';
    else if (state === 'saved' && this._announced === 'Not saved yet.') this._announced = 'Saved on this device again.';
  }

  override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (!this._focusedWhenDeleted) return;
    this._focusedWhenDeleted = false;
    // Not to the page's start: to what undoes it, as the notice above it says.
    this.renderRoot.querySelector<HTMLElement>('#restore')?.focus();
  }

  private _onFieldChange(event: FieldChangeEvent): void {
    this._autosave?.set(event.key, event.value);
  }

  private _onContextInput(key: ContextField, event: Event): void {
    this._autosave?.set(key, (event.target as HTMLInputElement).value);
  }

  /** The user left a field: its edits are written now, and it shows the draft's value again. */
  private _flush(): void {
    this._autosave?.flush().catch(() => undefined); // a failure shows in the status and is retried
    this._autosave?.endTyping();
  }

  /** The draft with any edit not yet written, for exports. */
  private async _latest(): Promise<Draft | undefined> {
    await this._autosave?.flush().catch(() => undefined);
    const a = this._autosave;
    if (!a?.draft) return undefined;
    // Exports include edits the storage has not taken yet, so a full disk never blocks getting the strategy out.
    const fields = { ...a.draft.fields };
    for (const key of new Set([...Object.keys(fields), ...(this.worksheet?.questions.map((q) => q.id) ?? [])])) {
      const value = a.value(key);
      if (value !== undefined && value !== fields[key]?.value)
        fields[key] = { value, changedAt: Date.now(), changedBy: '' };
    }
    return { ...a.draft, fields };
  }

  private async _onExport(event: DraftExportEvent): Promise<void> {
    const draft = await this._latest();
    const worksheet = this.worksheet;
    if (!draft || !worksheet) return;
    const markdown = (): string => draftToMarkdown(draft, worksheet, teammatesOf(draft, this.store?.deviceId));
    switch (event.format) {
      case 'markdown':
        downloadFile(exportFileName(draft, 'md'), 'text/markdown;charset=utf-8', markdown());
        break;
      case 'json':
        downloadFile(exportFileName(draft, 'json'), 'application/json', draftToJson(draft));
        break;
      case 'print':
        window.print();
        break;
      case 'share':
        await navigator.share({ title: draftTitle(draft), text: markdown() }).catch(() => undefined);
        break;
    }
  }

  private async _onConflictChoose(event: ConflictChooseEvent): Promise<void> {
    this._autosave?.set(event.key, event.value, { typing: false });
    await this._autosave?.flush().catch(() => undefined); // a failure shows in the status and is retried
    await this.updateComplete;
    // Settled, the conflict's view leaves and takes the button pressed with it: focus goes to the
    // answer now kept rather than to the start of the page.
    const question = [...this.shadowRoot!.querySelectorAll<QuestionField>('.question')].find(
      (q) => q.question?.id === event.key,
    );
    this.refocus(question?.answerControl);
  }

  /** A conflict the team has not settled yet, shown above its question. */
  private _conflict(q: Question): TemplateResult | typeof nothing {
    const field = this._autosave?.draft?.fields[q.id];
    if (!field?.conflict) return nothing;
    return html`<field-conflict
      .question=${q}
      .kept=${{ value: field.value, changedBy: field.changedBy, changedAt: field.changedAt }}
      .other=${field.conflict}
      @conflict-choose=${(e: ConflictChooseEvent) => void this._onConflictChoose(e)}
    ></field-conflict>`;
  }

  /**
   * The teammate whose change an answer is: a field the team's server sent (it has a revision,
   * and names its device) that this device has not changed since, nor is changing now.
   */
  private _author(key: string): AnswerAuthor | undefined {
    const field = this._autosave?.draft?.fields[key];
    if (this._autosave?.value(key) !== field?.value) return undefined; // an edit of this device's, not yet saved
    return teammateOf(field, this.store?.deviceId);
  }

  private _question(q: Question): TemplateResult {
    const value = this._autosave?.value(q.id);
    const by = this._author(q.id);
    switch (q.type) {
      case 'text':
        return html`<question-text class="question" .question=${q} .value=${value} .changedBy=${by}></question-text>`;
      case 'choice':
        return html`<question-choice
          class="question"
          .question=${q}
          .value=${value}
          .changedBy=${by}
        ></question-choice>`;
      case 'channels':
        return html`<question-channels
          class="question"
          .question=${q}
          .value=${value}
          .changedBy=${by}
        ></question-channels>`;
      case 'date':
        return html`<question-date class="question" .question=${q} .value=${value} .changedBy=${by}></question-date>`;
    }
  }

  private _contextInput(key: ContextField, label: string, type: 'text' | 'date') {
    const value = this._autosave?.value(key);
    // As under each question: a title or place a teammate changed says whose it is.
    const byline = this._byline(key, `context-${key}-author`);
    return html`<div>
      <label for=${`context-${key}`}>${label}</label>
      ${byline}
      <input
        id=${`context-${key}`}
        aria-describedby=${byline === nothing ? nothing : `context-${key}-author`}
        type=${type}
        dir=${type === 'text' ? 'auto' : nothing}
        autocomplete="off"
        maxlength=${TEXT_MAX}
        .value=${live(typeof value === 'string' ? value : '')}
        @input=${(e: Event) => this._onContextInput(key, e)}
      />
    </div>`;
  }

  private _printAnswer(q: Question): TemplateResult {
    const value = this._autosave?.value(q.id);
    if (q.type === 'choice') {
      const chosen = chosenOptions(q, value);
      return chosen.length
        ? html`<ul>
            ${chosen.map((o) => html`<li>${o.label}</li>`)}
          </ul>`
        : html`<p>Not answered yet.</p>`;
    }
    if (q.type === 'channels') {
      const channels = (Array.isArray(value) ? value : []) as Channel[];
      return channels.length
        ? html`<ul>
            ${channels.map(
              (c) =>
                html`<li>
                  <strong><bdi>${c.name || 'Unnamed channel'}</bdi></strong
                  >${c.note ? html`: <span class="answer" dir="auto">${c.note}</span>` : nothing}
                </li>`,
            )}
          </ul>`
        : html`<p>Not answered yet.</p>`;
    }
    const text = typeof value === 'string' && value.trim() ? value : '';
    if (q.type === 'date' && text) return html`<p>${formatDate(text)}</p>`;
    return html`<p class="answer" dir="auto">${text || 'Not answered yet.'}</p>`;
  }

  override render() {
    const worksheet = this.worksheet;
    const autosave = this._autosave;
    if (!worksheet || !autosave || autosave.state === 'loading') return html`<p role="status">Opening the draft…</p>`;
    if (autosave.state === 'missing') {
      return html`<h1 tabindex="-1">Draft not found</h1>
        <p>This draft is not on this device. It may have been deleted.</p>
        <p><a href=${appPath('/drafts')}>Go to your drafts</a></p>`;
    }
    const title = autosave.value('title');
    const heading = typeof title === 'string' && title.trim() ? title.trim() : 'Untitled draft';
    if (autosave.deleted) {
      // Not the form: typing into a deleted draft would be saved where no list shows it.
      return html`
        <h1 tabindex="-1" dir="auto">${heading}</h1>
        <div class="error" role="alert">
          <p>
            This draft has been deleted, on this device or by a teammate. Its answers are kept: restore it to go on with
            it.
          </p>
        </div>
        <p class="actions screen-only">
          <button class="button" id="restore" @click=${this._restore}>Restore this draft</button>
          <button class="button secondary" id="keep-copy" @click=${this._keepCopy}>
            Keep the answers as a new draft
          </button>
          <a href=${appPath('/drafts')}>Go to your drafts</a>
        </p>
        ${this._refusedNotice(false)} ${this._copyNotice()}
        <section>${this._answers(worksheet)}</section>
      `;
    }
    return html`
      <h1 tabindex="-1" dir="auto">${heading}</h1>
      ${autosave.draft?.note ? html`<p class="error screen-only">${autosave.draft.note}</p>` : nothing}
      ${this._refusedNotice()}
      <p class="status screen-only" aria-hidden="true">${STATUS[autosave.state]}</p>
      <p class="visually-hidden" role="status">${this._announced}</p>
      ${
        autosave.state === 'error' && autosave.error
          ? html`<div class="error screen-only" role="alert">${autosave.error.message}</div>`
          : nothing
      }
      <div class="screen-only" @field-change=${this._onFieldChange} @field-commit=${this._flush}>
        <p>${worksheet.intro}</p>
        <fieldset class="context" @focusout=${this._flush}>
          <legend><h2>About this consultation</h2></legend>
          ${this._contextInput('title', 'Title', 'text')}
          ${this._contextInput('community', 'Community or location', 'text')}
          ${this._contextInput('date', 'Date of the consultation', 'date')}
        </fieldset>
        <h2>${worksheet.title}</h2>
        ${worksheet.questions.map((q) => html`${this._conflict(q)}${this._question(q)}`)}
        ${this._otherAnswers(worksheet)}
        <h2>Take the strategy with you</h2>
        <export-controls
          .canShare=${'share' in navigator}
          @draft-export=${(e: DraftExportEvent) => void this._onExport(e)}
        ></export-controls>
      </div>
      <section class="print-only">${this._answers(worksheet)}</section>
    `;
  }

  /** Whose the answer to `key` is when a teammate changed it last (on paper too, as in the Markdown). */
  private _byline(key: string, id?: string) {
    const author = this._author(key);
    return author ? html`<p class="byline" id=${id ?? nothing}>${lastChangedBy(author)}</p>` : nothing;
  }

  /** A teammate's other version of the answer, not yet chosen between: on paper too, as in the Markdown. */
  private _printConflict(q: Question) {
    const conflict = this._autosave?.draft?.fields[q.id]?.conflict;
    return conflict
      ? html`<p>
            <strong>Another version, not yet chosen</strong> (by <bdi>${conflict.changedBy}</bdi>,
            ${formatTime(conflict.changedAt)}):
          </p>
          <p class="answer" dir="auto">${describeValue(q, conflict.value)}</p>`
      : nothing;
  }

  /** The draft's answers as text: what it prints, and what a deleted draft shows. */
  private _answers(worksheet: Worksheet) {
    // The title, place and date say whose they are too, as on screen: under the heading, on paper.
    return html`
      ${this._byline('title')}
      ${(['community', 'date'] as const).map((key) => {
        const v = this._autosave?.value(key);
        return typeof v === 'string' && v
          ? html`<p>
                <strong>${key === 'date' ? 'Date' : 'Community or location'}:</strong>
                ${key === 'date' ? formatDate(v) : html`<bdi>${v}</bdi>`}
              </p>
              ${this._byline(key)}`
          : nothing;
      })}
      ${worksheet.questions.map(
        (q) =>
          html`<h2>${q.label}</h2>
            ${this._printAnswer(q)} ${this._byline(q.id)} ${this._printConflict(q)}`,
      )}
      ${this._otherAnswers(worksheet)}
    `;
  }

  /** Answers to questions the worksheet no longer asks: shown, not editable, never out of sight. */
  private _otherAnswers(worksheet: Worksheet) {
    const fields = this._autosave?.draft?.fields;
    const others = fields ? otherAnswers(worksheet, fields) : [];
    if (others.length === 0) return nothing;
    return html`<section class="retired">
      <h2>Answers to questions no longer in this worksheet</h2>
      <p>
        The worksheet changed after these answers were written. They stay with the draft and go with its exports, but
        can no longer be edited here.
      </p>
      ${others.map(
        (o) =>
          html`<h3>${o.label}</h3>
            <p class="answer" dir="auto">${o.text}</p>`,
      )}
    </section>`;
  }

  /**
   * Where the draft's changes refused by the team's server stand, as the shell's sync knows them
   * (discarded in Settings): said at the top of the draft, where its answers are. A deleted
   * draft's page has its own "Keep the answers as a new draft" (`keep` false): not a second one.
   */
  private _refusedNotice(keep = true) {
    const refused = this.refused;
    if (refused.length === 0) return nothing;
    const reasons = [...new Set(refused.map((e) => e.rejected ?? ''))].filter(Boolean);
    return html`<div class="error screen-only" id="refused-notice">
      <h2>
        The team’s server refused ${refused.length === 1 ? 'a change' : `${refused.length} changes`} to this draft
      </h2>
      ${reasons.map((r) => html`<p>${r}</p>`)}
      <p>
        The answers are still on this device. To keep them whatever happens to the change, keep them as a new draft; to
        give the change up, discard it in <a href=${appPath('/settings#refused')}>Settings</a>.
      </p>
      ${
        keep
          ? html`<p class="actions">
                <button class="button secondary" id="keep-refused" @click=${this._keepCopy}>
                  Keep the answers as a new draft
                </button>
              </p>
              ${this._copyNotice()}`
          : nothing
      }
    </div>`;
  }

  /**
   * Where the copy made by "Keep the answers as a new draft" went, or why it, or "Restore this
   * draft", could not be done.
   */
  private _copyNotice() {
    return html`${
      this._copy
        ? html`<p class="screen-only" role="status">
            Kept as a new draft:
            <a id="open-copy" href=${appPath(`/worksheet/${this._copy.id}`)} dir="auto">${this._copy.title}</a>
          </p>`
        : nothing
    }
    ${this._actionError ? html`<p class="error screen-only" role="alert">${this._actionError}</p>` : nothing}`;
  }

  /** Set while the page had focus when its draft was deleted under it, until focus is seen to. */
  private _focusedWhenDeleted = false;

  private _wasDeleted = false;

  /** The new draft the deleted one's answers were kept as, to open. */
  @state() private _copy: { readonly id: string; readonly title: string } | null = null;

  /** Why the deleted draft's restore or copy the user asked for was not done; theirs to try again. */
  @state() private _actionError = '';

  private async _keepCopy(): Promise<void> {
    try {
      const copy = await this._autosave!.keepAsNew();
      this._copy = { id: copy.id, title: draftTitle(copy) };
      this._actionError = '';
      await this.updateComplete;
      // The way to the copy is what the user came for: focus goes there.
      this.renderRoot.querySelector<HTMLElement>('#open-copy')?.focus();
    } catch (error) {
      this._actionError = toStorageWriteError(error).notDone('The answers were not kept as a new draft');
    }
  }

  private async _restore(): Promise<void> {
    try {
      await this._autosave?.restore();
      this._actionError = '';
    } catch (error) {
      this._actionError = toStorageWriteError(error).notDone('The draft was not restored');
      return;
    }
    await this.updateComplete;
    // The button went with the notice: focus goes to the draft's heading, above the form again.
    this.renderRoot.querySelector<HTMLElement>('h1')?.focus();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'worksheet-page': WorksheetPage;
  }
}
