import { css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Worksheet } from '../content/worksheet.js';
import { DraftsController, type DraftSummary, type DraftSyncState } from '../controllers/drafts-controller.js';
import type { DraftStore } from '../data/draft-store.js';
import type { HeldBackDraft, HeldBackWhy } from '../sync/held-back.js';
import { formStyles } from '../styles/form-styles.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { formatCount } from '../text/format-count.js';
import { formatTime } from '../text/format-time.js';
import { matchKey } from '../text/match-key.js';
import { PageView } from './page-view.js';
import { appPath } from '../routing/app-base.js';

/** Said of a draft whose changes sync held back, by why (see HeldBackWhy). */
const HELD_BACK = { 'too-large': 'Too large to send', blocked: 'Refused on the way' } as const;

/** The states a user should act on: shown in words, and in bold in the warning colour. */
const ATTENTION: ReadonlySet<string> = new Set<DraftSyncState | (typeof HELD_BACK)[HeldBackWhy]>([
  'Conflict',
  'Needs attention',
  ...Object.values(HELD_BACK),
]);

/**
 * The drafts on this device, newest edit first, with a title filter, each draft's completeness,
 * what falls due on it (its next review), its last edit (and the teammate's who made it) and where
 * it stands with the team, and duplicate, delete (with undo) and import.
 */
@customElement('drafts-page')
export class DraftsPage extends PageView {
  static override styles = [
    sharedStyles,
    formStyles,
    css`
      ul.drafts {
        list-style: none;
        padding: 0;
        max-width: none;
      }
      .drafts li {
        margin: 0 0 var(--space-3);
        padding: var(--space-3);
        background: var(--color-surface);
        border-left: 4px solid var(--color-brand);
        /* Rows off screen skip style, layout and paint until scrolled near: with 1,000 drafts the
           list's first frame took ~100 ms more than its script. The size is a row's on a phone
           (220–236 px), kept once a row has been drawn. */
        content-visibility: auto;
        contain-intrinsic-size: auto 14.5rem;
      }
      .drafts h2 {
        font-size: var(--text-h3);
        margin: 0 0 var(--space-1);
      }
      .drafts h2 a {
        display: inline-flex;
        align-items: center;
        min-height: var(--target);
      }
      .drafts p {
        margin: 0 0 var(--space-2);
      }
      .drafts .place {
        font-weight: 600;
      }
      .drafts .place:empty {
        display: none;
      }
      progress {
        width: 100%;
        max-width: 20rem;
        height: 0.75rem;
        accent-color: var(--color-accent);
      }
      .sync.attention,
      .due.attention {
        color: var(--color-warning);
        font-weight: 700;
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: var(--space-2);
      }
      .notice {
        padding: var(--space-3);
        margin-bottom: var(--space-3);
        border-left: 6px solid var(--color-brand);
        background: var(--color-notice-bg);
      }
      .notice.error {
        border-color: var(--color-warning);
      }
      .notice p {
        margin: 0 0 var(--space-2);
      }
      .tools {
        display: grid;
        grid-template-columns: minmax(0, 1fr);
        gap: var(--space-3);
        margin-bottom: var(--space-4);
      }
    `,
  ];

  @property({ attribute: false }) store: DraftStore | undefined;

  @property({ attribute: false }) worksheet: Worksheet | undefined;

  /** Drafts whose changes the last sync held back, and why (see SyncStatus.heldBack). */
  @property({ attribute: false }) heldBack: readonly HeldBackDraft[] = [];

  @state() private _filter = '';

  private _drafts: DraftsController | undefined;

  override async whenReady(): Promise<void> {
    await this.updateComplete;
    await this._drafts?.loaded;
    await this.updateComplete;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('store') || changed.has('worksheet')) && this.store && this.worksheet && !this._drafts) {
      this._drafts = new DraftsController(this, this.store, this.worksheet);
    }
  }

  /**
   * A file chosen with "Import drafts…", a button of the page's own that opens the hidden file
   * control's picker: the browser's control could not wrap its words, and at 200% text on a small
   * phone its "No file chosen" was cut off (WCAG 1.4.4).
   */
  private async _onImport(event: Event): Promise<void> {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    if (!file || !this._drafts) return;
    await this._drafts.importFile(file);
    input.value = '';
  }

  /**
   * One row. With a thousand drafts every node and binding counts a thousandfold, so the row is
   * written without whitespace between its elements (each would be a text node), says its count
   * in one binding, names its buttons with aria-label rather than hidden text, and leaves their
   * clicks to one listener on the list: about 10% of the list's render.
   */
  private _item(d: DraftSummary) {
    const answered = `${d.answered} of ${d.total} questions answered`;
    // Known to the sync, not to the drafts: still waiting, and what to do is in the sync line.
    const held = d.sync === 'Waiting to sync' ? this.heldBack.find((h) => h.id === d.id) : undefined;
    const standing = held ? HELD_BACK[held.why] : d.sync;
    const sync = ATTENTION.has(standing) ? 'sync attention' : 'sync';
    // prettier-ignore
    return html`<li><h2 dir="auto"><a href=${appPath(`/worksheet/${d.id}`)}>${d.title}</a></h2><p class="place" dir="auto">${d.place}</p>${d.due ? html`<p class=${d.due.reached ? 'due attention' : 'due'}>${d.due.text}</p>` : nothing}<p>${answered}</p><progress max=${d.total} .value=${d.answered} aria-label=${`${d.title}: ${answered}`}></progress><p class="meta">Last edited <time datetime=${new Date(d.updatedAt).toISOString()}>${formatTime(d.updatedAt)}</time>${d.by ? html` by <bdi>${d.by}</bdi>` : nothing}. <span class=${sync}>${standing}</span></p><div class="actions"><button class="button secondary" data-action="duplicate" data-id=${d.id} aria-label=${`Duplicate “${d.title}”`}>Duplicate</button> <button class="button secondary" data-action="delete" data-id=${d.id} aria-label=${`Delete “${d.title}”`}>Delete</button></div></li>`;
  }

  /**
   * The rows' Duplicate and Delete buttons, through one listener on the list. A copy goes to the
   * top of the list while focus stays on the button pressed (rows are keyed by draft, so it is
   * still that draft's); a deleted row takes its focused button with it, so focus goes to the Undo
   * that brings it back rather than to the page's start.
   */
  private async _onRowAction(event: Event): Promise<void> {
    const button = (event.target as Element).closest<HTMLButtonElement>('button[data-action]');
    const id = button?.dataset['id'];
    const drafts = this._drafts;
    if (!id || !drafts) return;
    if (button.dataset['action'] === 'duplicate') return drafts.duplicate(id);
    await drafts.remove(id);
    await this.updateComplete;
    if (drafts.deleted?.id === id) this.refocus(this.renderRoot.querySelector<HTMLElement>('#undo'));
  }

  /** Brings the last deleted draft back, and focus back to its Delete button (where the user was). */
  private async _onUndo(): Promise<void> {
    const drafts = this._drafts!;
    const id = drafts.deleted?.id;
    await drafts.undoDelete();
    await this.updateComplete;
    const row = this.renderRoot.querySelector<HTMLElement>(`button[data-action="delete"][data-id="${id}"]`);
    // Filtered out of view, the row has no button: the list's heading is the nearest place.
    this.refocus(row ?? this.renderRoot.querySelector<HTMLElement>('h1'));
  }

  /** Answers the question an import asked; its buttons leave with it, so focus goes back to the file picker. */
  private async _onResolveImport(keepBoth: boolean): Promise<void> {
    await this._drafts!.resolveImport(keepBoth);
    await this.updateComplete;
    this.refocus(this.renderRoot.querySelector<HTMLElement>('#import'));
  }

  private _importNotice() {
    const c = this._drafts!;
    const s = c.importState;
    switch (s.kind) {
      case 'idle':
        return nothing;
      case 'reading':
        return html`<div class="notice" role="status"><p>Reading the file…</p></div>`;
      case 'error':
        return html`<div class="notice error" role="alert"><p>${s.message}</p></div>`;
      case 'done':
        return html`<div class="notice" role="status"><p>Imported “<bdi>${s.title}</bdi>”.</p></div>`;
      case 'done-many':
        return html`<div class="notice" role="status"><p>${importedMany(s)}</p></div>`;
      case 'conflict':
        return html`<div class="notice" role="alert">
          <p>“<bdi>${s.existingTitle}</bdi>” is already on this device. Keep both, with the imported one as a copy?</p>
          <div class="actions">
            <button class="button" @click=${() => void this._onResolveImport(true)}>Keep both</button>
            <button class="button secondary" @click=${() => void this._onResolveImport(false)}>Don’t import</button>
          </div>
        </div>`;
    }
  }

  override render() {
    const c = this._drafts;
    if (!c?.drafts) return html`<p role="status">Opening your drafts…</p>`;
    const filter = matchKey(this._filter.trim());
    // What a row shows: its title, community and date, and the teammate named in it.
    const shown = filter
      ? c.drafts.filter((d) => matchKey(`${d.title}\n${d.place}\n${d.by}`).includes(filter))
      : c.drafts;
    return html`
      <h1 tabindex="-1">Drafts</h1>
      <p>Strategy drafts kept on this device, the most recently edited first.</p>
      <p><a class="button" href=${appPath('/worksheet/new')}>Start a new strategy draft</a></p>
      <div role="status">
        ${
          c.deleted
            ? html`<div class="notice">
                <p>Deleted “<bdi>${c.deleted.title}</bdi>”.</p>
                <button id="undo" class="button secondary" @click=${() => void this._onUndo()}>
                  Undo<span class="visually-hidden"> deleting “<bdi>${c.deleted.title}</bdi>”</span>
                </button>
              </div>`
            : nothing
        }
        ${
          c.duplicated
            ? html`<div class="notice">
                <p>Copied “<bdi>${c.duplicated.of}</bdi>” as “<bdi>${c.duplicated.copy.title}</bdi>”.</p>
              </div>`
            : nothing
        }
      </div>
      ${c.error ? html`<div class="notice error" role="alert"><p>${c.error}</p></div>` : nothing}
      ${this._importNotice()}
      <div class="tools">
        <div>
          <label for="filter">Filter by title, community, date or teammate</label>
          <input
            id="filter"
            type="search"
            dir="auto"
            .value=${this._filter}
            @input=${(e: Event) => (this._filter = (e.target as HTMLInputElement).value)}
          />
        </div>
        <div>
          <p class="hint" id="import-hint">
            Choose a JSON file exported from the kit: one draft, or every draft of a device.
          </p>
          <div class="actions">
            <button
              class="button secondary"
              id="import"
              aria-describedby="import-hint"
              @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#import-file')?.click()}
            >
              Import drafts…
            </button>
          </div>
          <input
            id="import-file"
            type="file"
            hidden
            accept="application/json,.json"
            @change=${(e: Event) => void this._onImport(e)}
          />
        </div>
        ${
          c.drafts.length > 0
            ? html`<div>
                <p class="hint" id="export-hint">
                  Every draft on this device in one file: JSON to keep, or to import on another device; Markdown to
                  read, print or send on; a spreadsheet (CSV) to read them side by side.
                </p>
                <div class="actions">
                  <button
                    class="button secondary"
                    id="export-all"
                    aria-describedby="export-hint"
                    @click=${() => void c.exportAll('json')}
                  >
                    Export all drafts
                  </button>
                  <button
                    class="button secondary"
                    id="export-all-markdown"
                    aria-describedby="export-hint"
                    @click=${() => void c.exportAll('markdown')}
                  >
                    Export all as Markdown
                  </button>
                  <button
                    class="button secondary"
                    id="export-all-csv"
                    aria-describedby="export-hint"
                    @click=${() => void c.exportAll('csv')}
                  >
                    Export all as a spreadsheet
                  </button>
                </div>
              </div>`
            : nothing
        }
      </div>
      ${
        c.drafts.length === 0
          ? html`<p>No drafts yet.</p>`
          : shown.length === 0
            ? html`<p role="status">
                No drafts have “<bdi>${this._filter}</bdi>” in their title, community, date or teammate’s name.
              </p>`
            : html`<ul class="drafts" @click=${(e: Event) => void this._onRowAction(e)}>
                ${repeat(
                  shown,
                  (d) => d.id,
                  (d) => this._item(d),
                )}
              </ul>`
      }
    `;
  }
}

/** What an import of several drafts did, in words. */
function importedMany({ added, copies, same }: { added: number; copies: number; same: number }): string {
  const drafts = (n: number): string => formatCount(n, 'draft');
  if (added + copies === 0) return `Nothing new: the file’s ${drafts(same)} are already on this device.`;
  const parts = [`Imported ${drafts(added + copies)}.`];
  if (copies)
    parts.push(
      `${drafts(copies)} differed from ${copies === 1 ? 'the draft' : 'the drafts'} of the same name on this device and came in as ${copies === 1 ? 'a copy' : 'copies'}.`,
    );
  if (same)
    parts.push(
      `${drafts(same)} ${same === 1 ? 'was' : 'were'} already on this device, and left as ${same === 1 ? 'it is' : 'they are'}.`,
    );
  return parts.join(' ');
}

declare global {
  interface HTMLElementTagNameMap {
    'drafts-page': DraftsPage;
  }
}
