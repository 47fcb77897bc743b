import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { Guide, GuideSection } from '../content/guide.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { formatDate } from '../text/format-date.js';
import './guide-toc.js';
import { PageView } from './page-view.js';
import { appPath, inAppBase } from '../routing/app-base.js';

/**
 * Shows one guide: title, contents, every section and whose work it is.
 * The section HTML was built and sanitised from our own content at build time.
 */
@customElement('guide-page')
export class GuidePage extends PageView {
  static override styles = [
    sharedStyles,
    css`
      header {
        margin-bottom: var(--space-4);
      }
      section > :is(h2, h3) {
        scroll-margin-top: var(--space-4);
      }
      /* Inline, not an inline block (which kept it out of the underline): a line may break after
         an inline block, and the comma or full stop after a link began the next line. */
      .prose a.external::after {
        content: '\\2197' / '';
        margin-inline-start: 0.15em;
      }
      .needs-connection {
        display: none;
      }
      :host([offline]) .needs-connection {
        display: inline;
        color: var(--color-warning);
        font-size: var(--text-small);
      }
      /* An installed kit has no browser menu: no "Find in page", no Print. */
      .tools {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--space-2) var(--space-4);
      }
      .not-in-kit-note {
        color: var(--color-text-secondary);
        font-size: var(--text-small);
      }
      footer {
        margin-top: var(--space-6);
        padding-top: var(--space-3);
        border-top: 1px solid var(--color-border);
      }
      footer p {
        font-size: var(--text-small);
        color: var(--color-text-secondary);
      }
      /* On paper a link cannot be followed: its address is printed after it, the licence's too
         (reuse under it asks for the licence's text or address beside the work). */
      @media print {
        a[href^='http']::after,
        .prose a.external::after {
          content: ' (' attr(href) ')';
          display: inline;
          margin-inline-start: 0;
          overflow-wrap: anywhere;
        }
        :host([offline]) .needs-connection,
        .tools {
          display: none;
        }
      }
    `,
  ];

  @property({ attribute: false }) guide: Guide | undefined;

  /** Offline, external links say they need a connection. */
  @property({ type: Boolean, reflect: true }) offline = false;

  override focusTarget(fragment: string): HTMLElement | null {
    // Old links may use a heading's long id; it leads to the same section.
    const section = this.guide?.sections.find((s) => s.id === fragment || s.aliases.includes(fragment));
    return super.focusTarget(section ? section.id : '');
  }

  private _heading(section: GuideSection) {
    return section.level === 2
      ? html`<h2 id=${section.id} tabindex="-1">${section.title}</h2>`
      : html`<h3 id=${section.id} tabindex="-1">${section.title}</h3>`;
  }

  override render() {
    const guide = this.guide;
    if (!guide) return nothing;
    const { attribution } = guide;
    // The guide's own words carry its language (WCAG 3.1.2); the kit's around them stay its English.
    const lang = guide.lang ?? nothing;
    const dir = guide.dir ?? nothing;
    return html`
      <article>
        <header>
          <h1 tabindex="-1" lang=${lang} dir=${dir}>${guide.title}</h1>
          ${guide.summary ? html`<p class="lead" lang=${lang} dir=${dir}>${guide.summary}</p>` : nothing}
          ${
            guide.updated
              ? html`<p class="meta">
                  Last updated <time datetime=${guide.updated}>${formatDate(guide.updated)}</time>
                </p>`
              : nothing
          }
          <p class="tools">
            <a href=${appPath('/search')}>Search the guidance</a>
            <button class="button secondary" @click=${() => window.print()}>Print or save as PDF</button>
          </p>
        </header>
        <guide-toc
          .slug=${guide.slug}
          .entries=${guide.sections}
          .guideLang=${guide.lang}
          .guideDir=${guide.dir}
        ></guide-toc>
        <div class="prose" lang=${lang} dir=${dir}>${unsafeHTML(inAppBase(guide.introHtml))}</div>
        ${guide.sections.map(
          (s) =>
            html`<section lang=${lang} dir=${dir}>
              ${this._heading(s)}
              <div class="prose">${unsafeHTML(inAppBase(s.html))}</div>
            </section>`,
        )}
        <footer>
          <p>
            From “<bdi>${attribution.work}</bdi>” by <bdi>${attribution.publisher}</bdi>, used under
            <a href=${attribution.licenceUrl} target="_blank" rel="noopener"
              >${attribution.licence}<span class="visually-hidden"> (external link, opens in a new tab)</span></a
            >. ${attribution.changes ?? ''}
          </p>
        </footer>
      </article>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'guide-page': GuidePage;
  }
}
