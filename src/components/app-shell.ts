import { Task } from '@lit/task';
import { LitElement, html, type PropertyValues, type TemplateResult } from 'lit';
import type { Workbox } from 'workbox-window';
import { customElement, property, query } from 'lit/decorators.js';
import type { Guide } from '../content/guide.js';
import { GuideStore } from '../content/guide-store.js';
import { ConnectionController } from '../controllers/connection-controller.js';
import { InstallController } from '../controllers/install-controller.js';
import { RouterController } from '../controllers/router-controller.js';
import { UpdateController } from '../controllers/update-controller.js';
import { readStorageStatus, requestPersistentStorage } from '../data/storage-status.js';
import { ConnectionMonitor } from '../net/connection-monitor.js';
import type { Route } from '../routing/route.js';
import './guide-page.js';
import './home-page.js';
import './not-found-page.js';
import './offline-indicator.js';
import { PageView } from './page-view.js';
import './pending-page.js';
import './settings-page.js';
import './site-nav.js';
import './update-banner.js';

const APP_NAME = 'Engagement Field Kit';

/**
 * The app's frame: skip link, banner with navigation, the view for the current URL, and footer.
 * It owns routing and content loading; the views it shows only render what they are given.
 */
@customElement('app-shell')
export class AppShell extends LitElement {
  /**
   * The shell renders into the page itself, not a shadow root: landmarks, the skip link's target
   * and fragment links then live in the document, where browsers and assistive tools expect them.
   * Its styles are adopted by the document (see `shellStyles`).
   */
  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  private readonly _connection = new ConnectionController(this, new ConnectionMonitor());

  /** Where guidance comes from; tests hand in a store reading their own build. */
  @property({ attribute: false }) store = new GuideStore('', () => this._connection.monitor.reportFailure());

  private readonly _install = new InstallController(this, () => void requestPersistentStorage());

  private _update = new UpdateController(this, null);

  /** The registered service worker, set by main.ts; updates are offered through it. */
  set workbox(workbox: Workbox | null) {
    this._update = new UpdateController(this, workbox);
  }

  @query('main') private _main!: HTMLElement;

  private readonly _router = new RouterController(this);

  /** The last navigation whose focus and scroll were handled; a view still loading is handled later. */
  private _focusedNavigation = -1;

  private readonly _index = new Task(this, {
    task: () => this.store.index(),
    args: () => [this.store],
  });

  private readonly _guide = new Task(this, {
    task: ([slug]: readonly [string | null]) => (slug ? this.store.guide(slug) : Promise.resolve(null)),
    args: () => [this._router.route.name === 'guide' ? this._router.route.slug : null] as const,
  });

  private readonly _storage = new Task(this, {
    task: ([route]: readonly [string]) => (route === 'settings' ? readStorageStatus() : Promise.resolve(null)),
    args: () => [this._router.route.name] as const,
  });

  override async updated(changed: PropertyValues): Promise<void> {
    super.updated(changed);
    document.title = this._title();
    const navigation = this._router.navigation;
    if (this._focusedNavigation === navigation) return;
    const view = this._main?.querySelector('.view');
    if (!(view instanceof PageView)) return; // still loading: try again when the content renders
    this._focusedNavigation = navigation;
    await view.updateComplete;
    this._moveFocus(view);
  }

  private _moveFocus(view: PageView): void {
    const router = this._router;
    const target = view.focusTarget(router.fragment);
    if (router.kind === 'pop') {
      target?.focus({ preventScroll: true });
      window.scrollTo({ top: router.restoreScrollY ?? 0 });
      return;
    }
    if (router.kind === 'load' && !router.fragment) return; // a fresh page keeps the browser's own start
    if (router.fragment && target && target.localName !== 'h1') {
      target.focus({ preventScroll: true });
      target.scrollIntoView({ block: 'start' });
      return;
    }
    window.scrollTo({ top: 0 });
    target?.focus({ preventScroll: true });
  }

  private _title(): string {
    const route = this._router.route;
    const guide = route.name === 'guide' ? this._guide.value : null;
    const titles: Record<Route['name'], string | undefined> = {
      home: undefined,
      guide: guide?.title,
      worksheet: 'Strategy worksheet',
      drafts: 'Drafts',
      settings: 'Settings',
      'not-found': 'Page not found',
    };
    const title = titles[route.name];
    return title ? `${title} — ${APP_NAME}` : APP_NAME;
  }

  private _onSkip(event: Event): void {
    event.preventDefault();
    this._main.focus();
  }

  private readonly _onInstall = (): void => void this._install.install();

  private _loading(): TemplateResult {
    return html`<p role="status">Loading the guidance…</p>`;
  }

  private _failed(error: unknown, retry: () => void): TemplateResult {
    return html`<div role="alert">
      <h1>The guidance could not be opened</h1>
      <p>${error instanceof Error ? error.message : String(error)}</p>
      <p><button class="button" @click=${retry}>Try again</button></p>
    </div>`;
  }

  private _renderGuide(guide: Guide | null): TemplateResult {
    const route = this._router.route;
    return guide
      ? html`<guide-page class="view" .guide=${guide} .offline=${!this._connection.online}></guide-page>`
      : html`<not-found-page
          class="view"
          .path=${route.name === 'guide' ? `/guide/${route.slug}` : ''}
        ></not-found-page>`;
  }

  private _renderView(): TemplateResult {
    const route = this._router.route;
    switch (route.name) {
      case 'home':
        return this._index.render({
          pending: () => this._loading(),
          error: (e) => this._failed(e, () => void this._index.run()),
          complete: (index) =>
            html`<home-page
              class="view"
              .guides=${index.guides}
              .installOption=${this._install.option}
              @install-request=${this._onInstall}
            ></home-page>`,
        }) as TemplateResult;
      case 'guide':
        return this._guide.render({
          pending: () => this._loading(),
          error: (e) => this._failed(e, () => void this._guide.run()),
          complete: (guide) => this._renderGuide(guide),
        }) as TemplateResult;
      case 'worksheet':
        return html`<pending-page
          class="view"
          heading="Strategy worksheet"
          purpose="The worksheet will take you through the guide's points for developing an engagement strategy as questions to answer with the people in the room."
        ></pending-page>`;
      case 'drafts':
        return html`<pending-page
          class="view"
          heading="Drafts"
          purpose="Your saved strategy drafts will be listed here, newest first, kept on this device and synced with your team."
        ></pending-page>`;
      case 'settings':
        return html`<settings-page
          class="view"
          .installOption=${this._install.option}
          .storage=${this._storage.value ?? null}
          @install-request=${this._onInstall}
        ></settings-page>`;
      case 'not-found':
        return html`<not-found-page class="view" .path=${route.path}></not-found-page>`;
    }
  }

  override render() {
    return html`
      <a class="skip-link" href="#main" @click=${this._onSkip}>Skip to main content</a>
      <header class="banner">
        <div class="inner">
          <a class="brand" href="/">${APP_NAME}</a>
          <site-nav .current=${this._router.route.name}></site-nav>
        </div>
      </header>
      <div class="notices">
        <offline-indicator .offline=${!this._connection.online}></offline-indicator>
        <update-banner
          .ready=${this._update.updateReady}
          @update-accept=${() => void this._update.accept()}
        ></update-banner>
      </div>
      <main id="main" tabindex="-1">
        <div class="inner">${this._renderView()}</div>
      </main>
      <footer class="site-footer">
        <div class="inner">
          <p>Guidance is reused under its publisher's licence; see the end of each guide.</p>
        </div>
      </footer>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'app-shell': AppShell;
  }
}
