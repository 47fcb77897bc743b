import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { guidePath, type TocEntry } from '../content/guide.js';
import { sharedStyles } from '../styles/shared-styles.js';

interface TocNode {
  readonly entry: TocEntry;
  readonly children: TocEntry[];
}

/** Nests level-3 entries under the level-2 entry before them, as the guide does. */
function nest(entries: readonly TocEntry[]): TocNode[] {
  const nodes: TocNode[] = [];
  for (const entry of entries) {
    const parent = nodes.at(-1);
    if (entry.level > 2 && parent) parent.children.push(entry);
    else nodes.push({ entry, children: [] });
  }
  return nodes;
}

/**
 * A guide's table of contents: links to each section's own URL, so a section can be shared.
 */
@customElement('guide-toc')
export class GuideToc extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      nav {
        border-left: 4px solid var(--color-brand);
        padding: var(--space-2) 0 var(--space-2) var(--space-3);
        margin: var(--space-4) 0;
      }
      h2 {
        font-size: var(--text-h3);
        margin: 0 0 var(--space-2);
      }
      ol {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      ol ol {
        /* From the start of the line: the right in a guide written right to left. */
        padding-inline-start: var(--space-3);
      }
      li + li,
      ol ol {
        margin-top: 0;
      }
      a {
        display: inline-flex;
        align-items: center;
        min-height: var(--target);
      }
    `,
  ];

  /** The guide's slug, to build section links. */
  @property() slug = '';

  @property({ attribute: false }) entries: readonly TocEntry[] = [];

  /** The guide's language and direction, for its section titles (not for "Contents", the kit's). */
  @property({ attribute: false }) guideLang: string | undefined;
  @property({ attribute: false }) guideDir: 'ltr' | 'rtl' | undefined;

  override render() {
    const link = (e: TocEntry) => html`<a href=${guidePath(this.slug, e.id)}>${e.title}</a>`;
    return html`
      <nav aria-labelledby="toc-heading">
        <h2 id="toc-heading">Contents</h2>
        <ol lang=${this.guideLang ?? nothing} dir=${this.guideDir ?? nothing}>
          ${nest(this.entries).map(
            ({ entry, children }) =>
              html`<li>
                ${link(entry)}
                ${
                  children.length
                    ? html`<ol>
                        ${children.map((c) => html`<li>${link(c)}</li>`)}
                      </ol>`
                    : nothing
                }
              </li>`,
          )}
        </ol>
      </nav>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'guide-toc': GuideToc;
  }
}
