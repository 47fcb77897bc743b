import { Task } from '@lit/task';
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import type { Workbox } from 'workbox-window';
import { customElement, property, query } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import type { Guide } from '../content/guide.js';
import { ContentStore } from '../content/content-store.js';
import { ConnectionController } from '../controllers/connection-controller.js';
import { InstallController } from '../controllers/install-controller.js';
import { OfflineReadyController } from '../controllers/offline-ready-controller.js';
import { RecentDraftsController } from '../controllers/recent-drafts-controller.js';
import { RouterController } from '../controllers/router-controller.js';
import { SyncController } from '../controllers/sync-controller.js';
import { UpdateController } from '../controllers/update-controller.js';
import { DraftStore } from '../data/draft-store.js';
import { readStorageStatus, requestPersistentStorage } from '../data/storage-status.js';
import { storageFailureOf, toStorageWriteError } from '../data/storage-error.js';
import { ConnectionMonitor } from '../net/connection-monitor.js';
import { SYNC_META } from '../sync/sync-meta.js';
import { SW_URL } from '../../sw/messages.js';
import { SyncNetworkError } from '../sync/sync-errors.js';
import { WORKSHEET_ROUTES, type Route } from '../routing/route.js';
import { localIsoDate } from '../text/local-iso-date.js';
import { VERSION_META } from '../content/app-version.js';
import './guide-page.js';
import './home-page.js';
import './not-found-page.js';
import './offline-indicator.js';
import './offline-readiness.js';
import { PageView } from './page-view.js';
import type { RenameResult } from './settings-page.js';
import './site-nav.js';
import './sync-status.js';
import './update-banner.js';
import { loadWorksheetViews } from './load-worksheet-views.js';
import { appPath } from '../routing/app-base.js';

const APP_NAME = 'Engagement Field Kit';

/** How long the home page waits for the drafts to be read before it shows without them. */
const RECENT_DRAFTS_WAIT_MS = 500;

/** The build this page runs, as the build named it in the page; none in a page the build did not write (tests). */
const APP_VERSION = document.querySelector<HTMLMetaElement>(`meta[name="${VERSION_META}"]`)?.content || null;

/**
 * A page's code that could not be fetched (`import()` failing in Chromium, Firefox or Safari's
 * words): only with no service worker in control, which holds every file. The browser's words
 * name a file address, which tells a field worker nothing.
 */
function isModuleFetchFailure(error: unknown): boolean {
  return (
    error instanceof TypeError && /dynamically imported module|importing a module script failed/i.test(error.message)
  );
}

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
  @property({ attribute: false }) store = new ContentStore(undefined, () => this._connection.monitor.reportFailure());

  private readonly _install = new InstallController(this, () => void requestPersistentStorage());

  private _update = new UpdateController(this, null);

  /** The registered service worker, set by main.ts; updates are offered through it. */
  set workbox(workbox: Workbox | null) {
    this.removeController(this._update);
    // Before an update reloads the page, the draft being edited is written.
    this._update = new UpdateController(
      this,
      workbox,
      () => this.querySelector('worksheet-page')?.flush() ?? Promise.resolve(),
    );
  }

  private readonly _offline = new OfflineReadyController(this, appPath(SW_URL));

  /** The service worker's registration as main.ts makes it, once the page has loaded. */
  set registering(registering: Promise<ServiceWorkerRegistration | undefined>) {
    this._offline.follow(registering);
  }

  /** Opens the drafts database; tests hand in their own, on a fresh database. */
  @property({ attribute: false }) openDrafts: () => Promise<DraftStore> = () => DraftStore.open();

  /**
   * How long after the drafts open the device erases drafts deleted long ago: later than the
   * start's own work, which it would otherwise slow. Tests set it to 0.
   */
  @property({ attribute: false }) eraseDeletedAfterMs = 10_000;

  private _draftStore: Promise<DraftStore> | undefined;

  private _eraseTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly _sync = new SyncController(this, this._connection.monitor);

  /** How often the kit on screen looks for teammates' changes (see PULL_EVERY_MS); tests shorten it. */
  set pullEveryMs(ms: number) {
    this._sync.pullEveryMs = ms;
  }

  /** What happened to the last join link opened on this device. */
  /** What became of a join or a change of team; names a user gave are set apart (`<bdi>`). */
  private _joinMessage: string | TemplateResult = '';
  private _joinedNavigation = -1;
  /** The navigation that last opened Settings, which asks the server again of the team's devices. */
  private _teamLookNavigation = -1;

  private _drafts(): Promise<DraftStore> {
    this._draftStore ??= this.openDrafts().then(
      (store) => {
        void this._sync.attach(store);
        this._eraseDeletedLater(store);
        return store;
      },
      (error: unknown) => {
        this._draftStore = undefined; // let Try again open afresh
        throw error;
      },
    );
    return this._draftStore;
  }

  /**
   * Drafts deleted over 30 days ago leave the device (see DraftStore.eraseDeleted); on a device in
   * a team, once their deletion has reached it. A failure (a full disk) waits for the next start.
   */
  private _eraseDeletedLater(store: DraftStore): void {
    clearTimeout(this._eraseTimer);
    this._eraseTimer = setTimeout(() => {
      void store
        .meta(SYNC_META.token)
        .then((token) => store.eraseDeleted({ keepUnsent: token !== undefined }))
        .catch(() => undefined);
    }, this.eraseDeletedAfterMs);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Sync starts with the app, not only when a draft is opened.
    void this._drafts().catch(() => undefined);
  }

  /** What the start page says of the drafts here: read only while it is shown. */
  private readonly _recent = new RecentDraftsController(this, async () => ({
    store: await this._drafts(),
    worksheet: () => this.store.worksheet(),
  }));

  override willUpdate(): void {
    const router = this._router;
    this._recent.show(router.route.name === 'home');
    if (router.route.name === 'settings' && this._teamLookNavigation !== router.navigation) {
      this._teamLookNavigation = router.navigation;
      this._sync.lookAtTeam();
    }
    if (router.route.name === 'join' && this._joinedNavigation !== router.navigation) {
      this._joinedNavigation = router.navigation;
      void this._join(router.fragment);
    }
  }

  /** Opens a join link: the code leaves the address bar and history at once, then the device joins. */
  private async _join(code: string): Promise<void> {
    this._router.navigate(appPath('/settings'), { replace: true });
    if (!code) {
      this._joinMessage = 'This join link has no code in it. Ask your team lead for the whole link.';
      return;
    }
    await this._tryJoin(code);
  }

  /**
   * A join link's code whose join could not reach the server (a QR code scanned with no signal),
   * kept in this page's memory only, never stored: the join is tried again when the device comes
   * online or the user asks, without the link.
   */
  private _joinCode: string | null = null;

  /** A join on its way: a second tap of Join (or a second scan) meanwhile would make the device twice. */
  private _joining = false;

  private async _tryJoin(code: string): Promise<void> {
    if (this._joining) return;
    this._joining = true;
    try {
      await this._joinWith(code);
    } finally {
      this._joining = false;
    }
  }

  private async _joinWith(code: string): Promise<void> {
    this._joinCode = null;
    this._connection.monitor.removeEventListener('change', this._retryJoin);
    this._joinMessage = 'Joining the team…';
    this.requestUpdate();
    try {
      await this._drafts();
      const joined = await this._sync.join(code, defaultDeviceName());
      const ask = this._sync.status.teamSwitch;
      this._joinMessage =
        joined === 'asked' && ask?.to
          ? html`This is <bdi>${ask.to.name}</bdi>’s join link, and this device is in <bdi>${ask.from.name}</bdi>.
              Choose below whether it leaves <bdi>${ask.from.name}</bdi> to join <bdi>${ask.to.name}</bdi>.`
          : html`This device has joined <bdi>${this._sync.status.team?.name ?? 'the team'}</bdi>. Drafts now sync with
              teammates.`;
    } catch (error) {
      if (error instanceof SyncNetworkError) {
        this._joinCode = code;
        // Tried again once the server answers the monitor's looks (soon, then every 15 s; the
        // failed join told the monitor), not only at an `online` event: on a dead or captive
        // network, or with the server down, the browser says online all along and no such event comes.
        this._connection.monitor.addEventListener('change', this._retryJoin);
        this._joinMessage =
          'This device has not joined the team yet: the team’s server cannot be reached from here. It will join when the device has a connection, with no need for the link again.';
      } else {
        this._joinMessage = `This device could not join the team. ${error instanceof Error ? error.message : String(error)}`;
      }
    }
    this.requestUpdate();
  }

  private readonly _retryJoin = (): void => {
    if (this._joinCode && this._connection.monitor.online) void this._tryJoin(this._joinCode);
  };

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._connection.monitor.removeEventListener('change', this._retryJoin);
    clearTimeout(this._eraseTimer);
  }

  /** Follows the user's answer to leaving the team (for another team's link, or alone): leave, or stay. */
  private async _answerTeamSwitch(leave: boolean): Promise<void> {
    const ask = this._sync.status.teamSwitch;
    if (!ask) return;
    const { from, to } = ask;
    try {
      if (leave) {
        // A sync under way finishes first (on a weak signal, seconds): say something is happening.
        this._joinMessage = to ? html`Joining <bdi>${to.name}</bdi>…` : html`Leaving <bdi>${from.name}</bdi>…`;
        this.requestUpdate();
        await this._sync.switchTeam();
        this._joinMessage = to
          ? html`This device has joined <bdi>${to.name}</bdi>, and <bdi>${from.name}</bdi>’s drafts have left it. Drafts
              now sync with <bdi>${to.name}</bdi>.`
          : html`This device has left <bdi>${from.name}</bdi>, and its drafts have left the device.`;
      } else {
        await this._sync.stayInTeam();
        const unused = to ? html` <bdi>${to.name}</bdi>’s link was not used.` : nothing;
        this._joinMessage = html`This device stays in <bdi>${from.name}</bdi>, with its drafts.${unused}`;
      }
    } catch (error) {
      // The device's own storage failing is the user's to see to; the autosave's words (the kit
      // keeps trying) are not true of a change of team.
      const why = storageFailureOf(error)?.whyNotDone() ?? (error instanceof Error ? error.message : String(error));
      this._joinMessage = html`This device is still in <bdi>${from.name}</bdi>, with its drafts: ${why}`;
    }
    this.requestUpdate();
  }

  /** Why the last Discard of a refused change was not done (a full disk), for Settings; null once one is. */
  private _discardError: string | null = null;

  private async _discard(seq: number): Promise<void> {
    try {
      await this._sync.discardRejected(seq);
      this._discardError = null;
    } catch (error) {
      this._discardError = toStorageWriteError(error).notDone('The change was not discarded');
    }
    this.requestUpdate();
  }

  /** What came of the last rename of this device, for Settings. */
  private _renameResult: RenameResult | null = null;

  /** Renames the device with the team's server, and says whether it took (it needs a connection). */
  private async _rename(name: string): Promise<void> {
    this._renameResult = null;
    this.requestUpdate();
    try {
      await this._sync.renameDevice(name);
      this._renameResult = {
        saved: true,
        message: html`Saved. Teammates now see this device as “<bdi>${name}</bdi>”.`,
      };
    } catch (error) {
      const why =
        error instanceof SyncNetworkError
          ? 'the team’s server cannot be reached from here. Try again once the device has a connection.'
          : error instanceof Error
            ? error.message
            : String(error);
      this._renameResult = { saved: false, message: `The name was not saved: ${why}` };
    }
    this.requestUpdate();
  }

  @query('main') private _main!: HTMLElement;

  private readonly _router = new RouterController(this);

  /** The last navigation whose focus and scroll were handled; a view still loading is handled later. */
  private _focusedNavigation = -1;

  /** The guide index, for the home page only: other pages' first visit should not wait behind it. */
  private readonly _index = new Task(this, {
    task: async ([store]: readonly [ContentStore | null]) => {
      if (!store) return null;
      // The drafts are read as the guides are (see RecentDraftsController.ready), so the home
      // page does not move under the reader as they arrive; an IndexedDB slow to answer holds it
      // only so long.
      const [index] = await Promise.all([
        store.index(),
        Promise.race([this._recent.ready, new Promise((resolve) => setTimeout(resolve, RECENT_DRAFTS_WAIT_MS))]),
      ]);
      return index;
    },
    args: () => [this._router.route.name === 'home' ? this.store : null] as const,
  });

  private readonly _guide = new Task(this, {
    task: ([slug]: readonly [string | null]) => (slug ? this.store.guide(slug) : Promise.resolve(null)),
    args: () => [this._router.route.name === 'guide' ? this._router.route.slug : null] as const,
  });

  /** What the worksheet routes need: the worksheet and the drafts on this device. */
  private readonly _worksheetData = new Task(this, {
    task: async ([needed]: readonly [boolean]) => {
      if (!needed) return null;
      const [worksheet, store] = await Promise.all([this.store.worksheet(), this._drafts(), loadWorksheetViews()]);
      return { worksheet, store };
    },
    args: () => [WORKSHEET_ROUTES.includes(this._router.route.name)] as const,
  });

  /** `/worksheet/new` makes a draft, then shows it at its own address (replacing /new in history). */
  private readonly _newDraft = new Task(this, {
    task: async ([navigation]: readonly [number | null]) => {
      if (navigation === null) return;
      const [worksheet, store] = await Promise.all([this.store.worksheet(), this._drafts()]);
      const first = (await store.list()).length === 0;
      const draft = await store.create(worksheet, { date: localIsoDate(new Date(store.now())) });
      // The first draft is when keeping the device's data starts to matter.
      if (first) void requestPersistentStorage();
      this._router.navigate(appPath(`/worksheet/${draft.id}`), { replace: true });
    },
    args: () => [this._router.route.name === 'new-draft' ? this._router.navigation : null] as const,
  });

  /** What the search view needs: its module and every guide (precached, so offline too). */
  private readonly _search = new Task(this, {
    task: async ([needed]: readonly [boolean]) => {
      if (!needed) return null;
      const [guides] = await Promise.all([
        this.store.index().then(({ guides }) => Promise.all(guides.map((g) => this.store.guide(g.slug)))),
        import('./search-page.js'),
        import('../styles/form-styles.js'),
      ]);
      return guides.filter((g): g is Guide => g !== null);
    },
    args: () => [this._router.route.name === 'search'] as const,
  });

  /** What the settings view needs: its module and the storage figures (none, if the browser will not say). */
  private readonly _storage = new Task(this, {
    task: async ([needed]: readonly [boolean]) => {
      if (!needed) return null;
      await Promise.all([import('./settings-page.js'), import('../styles/form-styles.js')]);
      return readStorageStatus().catch(() => null);
    },
    // The same for both routes, so joining (which ends on /settings) does not show it loading again.
    args: () => [this._router.route.name === 'settings' || this._router.route.name === 'join'] as const,
  });

  override async updated(changed: PropertyValues): Promise<void> {
    super.updated(changed);
    // A shell taken off the page still finishes its tasks; the page's title is no longer its own.
    if (!this.isConnected) return;
    document.title = this._title();
    const navigation = this._router.navigation;
    if (this._focusedNavigation === navigation) return;
    const view = this._main?.querySelector('.view');
    if (!(view instanceof PageView)) return; // still loading: try again when the content renders
    this._focusedNavigation = navigation;
    await view.whenReady();
    if (this._router.navigation !== navigation) return; // the user has moved on meanwhile
    // When a view can be used: what the offline cold start benchmark times, and what a field
    // measurement (User Timing) would read.
    performance.mark('efk:view-ready', { detail: this._router.route.name });
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
      'new-draft': 'New draft',
      draft: 'Strategy draft',
      drafts: 'Drafts',
      settings: 'Settings',
      join: 'Settings',
      search: 'Search the guidance',
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

  /**
   * The words being searched for go into the address as they are typed, replacing it (Back leaves
   * the search, not each letter), so a reload or a link shared keeps them.
   */
  private readonly _onSearchQuery = (event: CustomEvent<string>): void => {
    const url = new URL(location.href);
    if (event.detail) url.searchParams.set('q', event.detail);
    else url.searchParams.delete('q');
    history.replaceState(history.state, '', url);
  };

  private _loading(): TemplateResult {
    return html`<p role="status">Loading the guidance…</p>`;
  }

  private _failed(error: unknown, retry: () => void, heading = 'The guidance could not be opened'): TemplateResult {
    // The device's storage failing: said as of an action the kit does not retry by itself (the
    // storage error's own words are the autosave's, which does).
    const why = storageFailureOf(error)?.whyNotDone();
    const said = why
      ? `${why[0]!.toUpperCase()}${why.slice(1)}`
      : isModuleFetchFailure(error)
        ? 'Part of the kit could not be fetched: it is not saved on this device yet, and the kit’s server did not give it (there is no connection, or the kit has been updated since this page opened). Try again, or reload the page.'
        : error instanceof Error
          ? error.message
          : String(error);
    return html`<div role="alert">
      <h1>${heading}</h1>
      <p>${said}</p>
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
              .guides=${index?.guides ?? []}
              .installOption=${this._install.option}
              .offline=${this._offline.readiness}
              .offlineNews=${this._offline.becameReady}
              .recent=${this._recent.value}
              @install-request=${this._onInstall}
              @offline-retry=${() => this._offline.retry()}
            ></home-page>`,
        }) as TemplateResult;
      case 'guide':
        return this._guide.render({
          pending: () => this._loading(),
          error: (e) => this._failed(e, () => void this._guide.run()),
          complete: (guide) => this._renderGuide(guide),
        }) as TemplateResult;
      case 'worksheet':
      case 'draft':
      case 'drafts':
        return this._worksheetData.render({
          pending: () => html`<p role="status">Opening your drafts…</p>`,
          error: (e) => this._failed(e, () => void this._worksheetData.run(), 'Your drafts could not be opened'),
          complete: (data) => {
            if (!data) return html``;
            if (route.name === 'worksheet')
              return html`<worksheet-start-page class="view" .worksheet=${data.worksheet}></worksheet-start-page>`;
            if (route.name === 'drafts')
              return html`<drafts-page
                class="view"
                .store=${data.store}
                .worksheet=${data.worksheet}
                .heldBack=${this._sync.status.heldBack}
              ></drafts-page>`;
            const id = route.name === 'draft' ? route.id : '';
            // A new element per draft, so no state of one draft's editor carries over to another.
            return keyed(
              id,
              html`<worksheet-page
                class="view"
                .store=${data.store}
                .worksheet=${data.worksheet}
                .draftId=${id}
                .refused=${this._sync.status.rejected.filter((e) => e.draftId === id)}
              ></worksheet-page>`,
            );
          },
        }) as TemplateResult;
      case 'new-draft':
        return this._newDraft.render({
          pending: () => html`<p role="status">Starting a new draft…</p>`,
          error: (e) => this._failed(e, () => void this._newDraft.run(), 'The draft could not be started'),
          complete: () => html`<p role="status">Starting a new draft…</p>`,
        }) as TemplateResult;
      case 'settings':
      case 'join':
        // Shown once its module and the storage figures are in, so its sections do not move as they arrive.
        return this._storage.render({
          pending: () => this._loading(),
          error: (e) => this._failed(e, () => void this._storage.run(), 'Settings could not be opened'),
          complete: (storage) =>
            html`<settings-page
              class="view"
              .installOption=${this._install.option}
              .version=${APP_VERSION}
              .storage=${storage}
              .offline=${this._offline.readiness}
              @offline-retry=${() => this._offline.retry()}
              .sync=${this._sync.status}
              .joinMessage=${this._joinMessage}
              .canRetryJoin=${this._joinCode !== null}
              @join-retry=${this._retryJoin}
              @join-code=${(e: CustomEvent<{ code: string }>) => void this._tryJoin(e.detail.code)}
              @install-request=${this._onInstall}
              @sync-now=${() => this._sync.syncNow()}
              .renameResult=${this._renameResult}
              @device-rename=${(e: CustomEvent<{ name: string }>) => void this._rename(e.detail.name)}
              .discardError=${this._discardError}
              @rejected-discard=${(e: CustomEvent<{ seq: number }>) => void this._discard(e.detail.seq)}
              @team-switch=${(e: CustomEvent<{ leave: boolean }>) => void this._answerTeamSwitch(e.detail.leave)}
              @team-leave=${() => void this._sync.askToLeave()}
            ></settings-page>`,
        }) as TemplateResult;
      case 'search':
        return this._search.render({
          pending: () => this._loading(),
          error: (e) => this._failed(e, () => void this._search.run()),
          complete: (guides) =>
            html`<search-page
              class="view"
              .guides=${guides ?? []}
              .query=${new URLSearchParams(location.search).get('q') ?? ''}
              @search-query=${this._onSearchQuery}
            ></search-page>`,
        }) as TemplateResult;
      case 'not-found':
        return html`<not-found-page class="view" .path=${route.path}></not-found-page>`;
    }
  }

  override render() {
    return html`
      <a class="skip-link" href="#main" @click=${this._onSkip}>Skip to main content</a>
      <header class="banner">
        <div class="inner">
          <a class="brand" href=${appPath('/')}>${APP_NAME}</a>
          <site-nav .current=${this._router.route.name}></site-nav>
        </div>
      </header>
      <div class="notices">
        <offline-indicator
          .offline=${!this._connection.online}
          .unreachable=${this._connection.monitor.state === 'unreachable'}
        ></offline-indicator>
        <update-banner
          .ready=${this._update.updateReady}
          .notReloaded=${this._update.notReloaded}
          @update-accept=${() => void this._update.accept()}
        ></update-banner>
        ${
          // Home and Settings say where saving the kit for offline use stands; elsewhere, only a
          // failure is worth the space (a first visit straight to a draft, say).
          this._offline.readiness === 'failed' && !['home', 'settings', 'join'].includes(this._router.route.name)
            ? html`<offline-readiness
                class="shell-notice"
                alert
                readiness="failed"
                @offline-retry=${() => this._offline.retry()}
              ></offline-readiness>`
            : ''
        }
        ${
          // A device reported lost keeps saying what became of its drafts, until it joins a team again.
          (this._sync.status.joined || this._sync.status.erasedAt !== null) &&
          !['settings', 'join'].includes(this._router.route.name)
            ? html`<sync-status
                settingsLink
                .status=${this._sync.status}
                @sync-now=${() => this._sync.syncNow()}
              ></sync-status>`
            : ''
        }
      </div>
      <main id="main" tabindex="-1">
        <div class="inner">${this._renderView()}</div>
      </main>
      <footer class="site-footer">
        <div class="inner">
          <p>Guidance is reused under its publisher’s licence; see the end of each guide.</p>
        </div>
      </footer>
    `;
  }
}

/** A name teammates will recognise until the user gives a better one. */
function defaultDeviceName(): string {
  const ua = navigator.userAgent;
  const platform = /iPhone/.test(ua)
    ? 'iPhone'
    : /iPad/.test(ua)
      ? 'iPad'
      : /Android/.test(ua)
        ? 'Android device'
        : /Mac/.test(ua)
          ? 'Mac'
          : /Windows/.test(ua)
            ? 'Windows computer'
            : 'Device';
  return `${platform} ${new Date().toLocaleDateString('en-AU', { day: 'numeric', month: 'short' })}`;
}

declare global {
  interface HTMLElementTagNameMap {
    'app-shell': AppShell;
  }
}
