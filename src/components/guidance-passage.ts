import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { guidePath } from '../content/guide.js';
import type { GuidancePassage as Passage } from '../content/worksheet.js';
import { sharedStyles } from '../styles/shared-styles.js';

/**
 * The guide's words behind a question, opened in place so the draft never has to be left.
 * A native disclosure: keyboard and screen reader support come with it, and it works offline.
 */
@customElement('guidance-passage')
export class GuidancePassage extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      details {
        margin: 0 0 var(--space-2);
      }
      summary {
        display: inline-flex;
        align-items: center;
        min-height: var(--target);
        color: var(--color-link);
        text-decoration: underline;
        cursor: pointer;
      }
      blockquote {
        margin: var(--space-2) 0;
        padding: var(--space-2) var(--space-3);
        border-left: 4px solid var(--color-border);
        background: var(--color-surface);
      }
      blockquote p {
        margin: 0;
      }
    `,
  ];

  @property({ attribute: false }) passage: Passage | undefined;

  /** What the passage is about, so each disclosure has its own name for screen readers. */
  @property() topic = '';

  override render() {
    const p = this.passage;
    if (!p) return html``;
    return html`<details>
      <summary>What the guide says<span class="visually-hidden"> about ${this.topic}</span></summary>
      <blockquote>
        <p>${p.quote}</p>
      </blockquote>
      <p class="meta">From “${p.sectionTitle}”. <a href=${guidePath(p.guide, p.section)}>Read the whole section</a></p>
    </details>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'guidance-passage': GuidancePassage;
  }
}
