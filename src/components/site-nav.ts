import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RouteName } from '../routing/route.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { appPath } from '../routing/app-base.js';

const LINKS: readonly { href: string; label: string; routes: readonly RouteName[] }[] = [
  { href: '/', label: 'Guidance', routes: ['home', 'guide', 'search'] },
  { href: '/worksheet', label: 'Worksheet', routes: ['worksheet', 'new-draft', 'draft'] },
  { href: '/drafts', label: 'Drafts', routes: ['drafts'] },
  { href: '/settings', label: 'Settings', routes: ['settings'] },
];

/** The app's main navigation; marks the current section with `aria-current`. */
@customElement('site-nav')
export class SiteNav extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      ul {
        display: flex;
        flex-wrap: wrap;
        gap: var(--space-1) var(--space-2);
        list-style: none;
        margin: 0;
        padding: 0;
        max-width: none;
      }
      li + li {
        margin-top: 0;
      }
      a,
      a:visited {
        display: inline-flex;
        align-items: center;
        min-height: var(--target);
        padding: 0 var(--space-2);
        color: var(--color-on-brand);
        font-weight: 600;
        text-decoration: none;
        /* Room for the current link's line, kept as padding rather than a transparent border:
           forced colours (Windows contrast themes) draw every border, and marked every link. */
        padding-bottom: 4px;
      }
      a:hover {
        color: var(--color-on-brand);
        text-decoration: underline;
      }
      a[aria-current='page'] {
        padding-bottom: 0;
        border-bottom: 4px solid var(--color-on-brand);
      }
    `,
  ];

  /** The route being shown. */
  @property() current: RouteName = 'home';

  override render() {
    return html`<nav aria-label="Main">
      <ul>
        ${LINKS.map(
          (l) =>
            html`<li>
              <a href=${appPath(l.href)} aria-current=${l.routes.includes(this.current) ? 'page' : 'false'}
                >${l.label}</a
              >
            </li>`,
        )}
      </ul>
    </nav>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'site-nav': SiteNav;
  }
}
