import { css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { guidePath, type GuideSummary } from '../content/guide.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { formatDate } from '../text/format-date.js';
import { formatTime } from '../text/format-time.js';
import type { RecentDrafts } from '../controllers/recent-drafts-controller.js';
import type { InstallOption } from '../controllers/install-controller.js';
import type { OfflineReadiness } from '../controllers/offline-ready-controller.js';
import './install-button.js';
import './offline-readiness.js';
import { PageView } from './page-view.js';
import { appPath } from '../routing/app-base.js';

/** Past these, the start page sends the user to the drafts list: it is a start, not a second list. */
const NOTICES_SHOWN = 5;

/** The start page: the guidance in the kit and the way into the worksheet. */
@customElement('home-page')
export class HomePage extends PageView {
  static override styles = [
    sharedStyles,
    css`
      ul.cards {
        list-style: none;
        padding: 0;
        display: grid;
        gap: var(--space-3);
      }
      .cards li {
        margin: 0;
        padding: var(--space-3);
        background: var(--color-surface);
        border-left: 4px solid var(--color-brand);
      }
      .cards h3 {
        margin: 0 0 var(--space-2);
      }
      .cards h3 a {
        display: inline-flex;
        align-items: center;
        min-height: var(--target);
      }
      .cards p {
        margin-bottom: var(--space-2);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: var(--space-3);
      }
      ul.notices {
        padding-left: var(--space-4);
      }
      .notices li {
        margin-bottom: var(--space-3);
      }
      .urgent {
        color: var(--color-warning);
        font-weight: 700;
      }
    `,
  ];

  @property({ attribute: false }) guides: readonly GuideSummary[] = [];

  /** Shown as an "Install app" button only where the browser offers installation. */
  @property() installOption: InstallOption = 'none';

  /** Whether the kit is saved on this device for use without a signal. */
  @property() offline: OfflineReadiness = 'ready';

  /** It was saved while this page was open. */
  @property({ type: Boolean }) offlineNews = false;

  /** The drafts on this device, as far as this page tells of them; undefined until read. */
  @property({ attribute: false }) recent: RecentDrafts | undefined;

  override render() {
    return html`
      <h1 tabindex="-1">Engagement Field Kit</h1>
      <p class="lead">
        Guidance and a strategy worksheet for community consultations — on your phone, with or without signal.
      </p>
      <h2>Guidance</h2>
      <ul class="cards">
        ${this.guides.map(
          (g) =>
            html`<li>
              <h3 lang=${g.lang ?? nothing} dir=${g.dir ?? nothing}><a href=${guidePath(g.slug)}>${g.title}</a></h3>
              ${g.summary ? html`<p lang=${g.lang ?? nothing} dir=${g.dir ?? nothing}>${g.summary}</p>` : ''}
              <p class="meta">
                ${g.toc.length}
                sections${g.updated ? html` · last updated <time datetime=${g.updated}>${formatDate(g.updated)}</time>` : ''}
              </p>
            </li>`,
        )}
      </ul>
      <p><a class="button secondary" href=${appPath('/search')}>Search the guidance</a></p>
      <h2>Plan an engagement</h2>
      <p>Work through an engagement strategy with the people in the room, then keep it as a draft.</p>
      <p class="actions">
        <a class="button" href=${appPath('/worksheet')}>Start a strategy worksheet</a>
        <a class="button secondary" href=${appPath('/drafts')}>Your drafts</a>
      </p>
      ${this._renderRecent()}
      <offline-readiness .readiness=${this.offline} .news=${this.offlineNews}></offline-readiness>
      ${
        // Last on the page: the browser offers installing after the page is shown, and an offer
        // above the guidance would push it down under the reader's eyes.
        this.installOption === 'prompt'
          ? html`<h2>On your home screen</h2>
              <p>Install the kit to open it from your home screen, with or without signal.</p>
              <install-button .option=${this.installOption}></install-button>`
          : ''
      }
    `;
  }

  private _renderRecent() {
    const { latest = null, notices = [] } = this.recent ?? {};
    const shown = notices.slice(0, NOTICES_SHOWN);
    const more = notices.length - shown.length;
    return html`${
      latest
        ? html`<p>
            Carry on with <a href=${appPath(`/worksheet/${latest.id}`)}><bdi>${latest.title}</bdi></a
            >, last changed
            <time datetime=${new Date(latest.updatedAt).toISOString()}>${formatTime(latest.updatedAt)}</time>.
          </p>`
        : nothing
    }
    ${
      shown.length > 0
        ? html`<h3>For your attention</h3>
            <ul class="notices">
              ${shown.map(
                (n) =>
                  html`<li>
                    <a href=${appPath(`/worksheet/${n.id}`)}><bdi>${n.title}</bdi></a
                    >:
                    ${n.reasons.map(
                      (r, i) =>
                        html`${i > 0 ? '. ' : nothing}<span class=${r.urgent ? 'urgent' : nothing}>${r.text}</span>`,
                    )}
                  </li>`,
              )}
            </ul>
            ${more > 0 ? html`<p><a href=${appPath('/drafts')}>${more} more in your drafts</a></p>` : nothing}`
        : nothing
    }`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'home-page': HomePage;
  }
}
