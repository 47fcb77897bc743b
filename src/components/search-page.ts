import { css, html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { guidePath, type Guide } from '../content/guide.js';
import { searchableSections } from '../content/guide-passages.js';
import { searchGuides, type SearchableSection, type TextRange } from '../content/search-guides.js';
import { formStyles } from '../styles/form-styles.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { PageView } from './page-view.js';

/** How long typing pauses before the count of what was found is said to a screen reader. */
export const SEARCH_ANNOUNCE_MS = 600;

/** `text` with `ranges` marked, for the eye (a highlight) and for assistive technology (`<mark>`). */
function marked(text: string, ranges: readonly TextRange[]): (string | TemplateResult)[] {
  const parts: (string | TemplateResult)[] = [];
  let at = 0;
  for (const [start, end] of ranges) {
    parts.push(text.slice(at, start), html`<mark>${text.slice(start, end)}</mark>`);
    at = end;
  }
  parts.push(text.slice(at));
  return parts;
}

/**
 * Finds words in all of the kit's guidance, offline: an installed kit has no browser menu, and so
 * no "Find in page". Results show as the user types; each leads to its section. It fires
 * `search-query` (detail: the words) as they change, so the page's address can keep them.
 */
@customElement('search-page')
export class SearchPage extends PageView {
  static override styles = [
    sharedStyles,
    formStyles,
    css`
      form {
        margin-bottom: var(--space-4);
      }
      ol {
        list-style: none;
        padding: 0;
      }
      li + li {
        margin-top: var(--space-4);
      }
      /* Headings, so a screen reader moves from result to result; sized as the home page's cards. */
      h2 {
        font-size: var(--text-h3);
        margin: 0 0 var(--space-1);
      }
      .where {
        color: var(--color-text-secondary);
        font-size: var(--text-small);
        margin: 0;
      }
      .excerpt {
        margin: var(--space-1) 0 0;
        unicode-bidi: plaintext;
      }
      mark {
        padding: 0 0.1em;
      }
    `,
  ];

  /** Every guide in the kit. */
  @property({ attribute: false }) guides: readonly Guide[] = [];

  /** The words asked for when the page opened (the address's `q`). */
  @property() query = '';

  /** The guides' sections as search reads them, read from the guides once. */
  private _sections: readonly SearchableSection[] = [];
  @state() private _typed: string | null = null;
  /** What a screen reader is told was found, once typing has paused. */
  @state() private _said = '';
  private _sayTimer: ReturnType<typeof setTimeout> | undefined;

  private get _words(): string {
    return this._typed ?? this.query;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this._sayTimer);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    // Opened with words (from the home page's form, or a link): what was found is said at once.
    if (changed.has('guides')) this._sections = this.guides.flatMap(searchableSections);
    // Other words asked from outside (the address kept in step with typing is not that): they replace what was typed.
    if (changed.has('query') && this.query !== this._typed) this._typed = null;
    if (this._typed === null && (changed.has('query') || changed.has('guides'))) this._said = this._summary();
  }

  private _summary(): string {
    const words = this._words.trim();
    if (!words) return '';
    const found = searchGuides(this._sections, words).length;
    if (found === 0) return `Nothing in the guidance matches “${words}”. Try fewer words, or other words for it.`;
    return `${found === 1 ? '1 section matches' : `${found} sections match`} “${words}”.`;
  }

  private _onInput(event: Event): void {
    this._typed = (event.target as HTMLInputElement).value;
    this.dispatchEvent(new CustomEvent('search-query', { detail: this._typed, bubbles: true, composed: true }));
    clearTimeout(this._sayTimer);
    this._sayTimer = setTimeout(() => (this._said = this._summary()), SEARCH_ANNOUNCE_MS);
  }

  override render() {
    const words = this._words;
    const hits = searchGuides(this._sections, words);
    const guides = this.guides.length;
    return html`
      <h1 tabindex="-1">Search the guidance</h1>
      <form role="search" @submit=${(e: Event) => e.preventDefault()}>
        <label for="words">Words to find</label>
        <p class="hint" id="words-hint">
          Results show as you type, from every guide in the kit, with or without signal.
        </p>
        <input
          id="words"
          name="q"
          type="search"
          dir="auto"
          autocomplete="off"
          enterkeyhint="search"
          aria-describedby="words-hint"
          .value=${live(words)}
          @input=${this._onInput}
        />
      </form>
      <p role="status">${this._said}</p>
      ${
        hits.length
          ? html`<ol class="hits">
              ${hits.map(
                ({ section, inTitle, excerpts }) =>
                  html`<li>
                    <h2 lang=${section.lang ?? nothing} dir=${section.dir ?? nothing}>
                      <a href=${guidePath(section.guideSlug, section.sectionId || undefined)}
                        >${marked(section.title, inTitle)}</a
                      >
                    </h2>
                    ${
                      guides > 1 && section.sectionId
                        ? html`<p class="where">In <bdi>${section.guideTitle}</bdi></p>`
                        : nothing
                    }
                    ${excerpts.map(
                      (e) => html`<p class="excerpt" lang=${section.lang ?? nothing}>${marked(e.text, e.marks)}</p>`,
                    )}
                  </li>`,
              )}
            </ol>`
          : nothing
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'search-page': SearchPage;
  }
}
