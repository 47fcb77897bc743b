import { aTimeout, expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import '../../../src/components/app-shell.js';
import type { AppShell } from '../../../src/components/app-shell.js';
import type { HomePage } from '../../../src/components/home-page.js';
import type { SettingsPage } from '../../../src/components/settings-page.js';
import { builtContentStore } from '../support/built-guides.js';
import { freshDbName, openStore } from '../support/fresh-db.js';
import { fillDisk } from '../support/full-disk.js';
import { SYNC_META } from '../../../src/sync/sync-meta.js';

/** The view element the shell shows, once it has rendered. */
function view(shell: AppShell): HTMLElement {
  return shell.querySelector<HTMLElement>('main .view')!;
}

/** The element that has focus, looking through shadow roots. */
function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

async function shellAt(path: string): Promise<AppShell> {
  fixtureCleanup(); // one app on the page at a time, as in the app
  history.replaceState({}, '', path);
  const dbName = freshDbName('shell');
  const shell = await fixture<AppShell>(
    html`<app-shell .store=${builtContentStore()} .openDrafts=${() => openStore(dbName)}></app-shell>`,
  );
  await waitUntil(() => view(shell)?.shadowRoot?.querySelector('h1'), `no view rendered at ${path}`);
  return shell;
}

function click(shell: AppShell, selector: string, root: ParentNode = shell): void {
  const el = root.querySelector<HTMLElement>(selector);
  if (!el) throw new Error(`nothing matches ${selector}`);
  el.click();
}

describe('app-shell', () => {
  const start = location.href;
  afterEach(() => history.replaceState({}, '', start));

  it('has a banner, main navigation, main region, footer and a working skip link', async () => {
    const shell = await shellAt('/');
    const root = shell;
    expect(shell.shadowRoot, 'landmarks live in the document').to.equal(null);
    expect(root.querySelector('header.banner')).to.not.equal(null);
    expect(root.querySelector('main#main')).to.not.equal(null);
    expect(root.querySelector('footer')).to.not.equal(null);
    const skip = root.querySelector<HTMLAnchorElement>('.skip-link')!;
    expect(skip.textContent).to.equal('Skip to main content');
    skip.click();
    expect(document.activeElement).to.equal(root.querySelector('main'));
    expect(location.pathname).to.equal('/', 'the skip link does not navigate');
  });

  it('opens a deep link to a guide section with focus on that section', async () => {
    const shell = await shellAt('/guide/social-media#develop');
    const guide = view(shell);
    expect(guide.localName).to.equal('guide-page');
    await waitUntil(() => deepActiveElement()?.id === 'develop', 'focus is on the Develop section');
    expect(document.title).to.equal('Social media — Engagement Field Kit');
  });

  // Its tasks (the guide, the drafts) can finish after it has gone: one test's shell then renamed
  // the page of the next (one run in a few).
  it('leaves the page’s title alone once taken off the page', async () => {
    const shell = await shellAt('/');
    fixtureCleanup();
    document.title = 'Another page';
    shell.requestUpdate();
    await shell.updateComplete;
    expect(document.title).to.equal('Another page');
  });

  it('follows in-app links without reloading, moves focus to the new heading, and goes back', async () => {
    const shell = await shellAt('/');
    const marker = Symbol('same document');
    (window as unknown as Record<symbol, boolean>)[marker] = true;

    click(shell, '.cards a', view(shell).shadowRoot!);
    await waitUntil(() => view(shell)?.localName === 'guide-page' && view(shell).shadowRoot?.querySelector('h1'));
    expect(location.pathname).to.equal('/guide/social-media');
    await waitUntil(() => deepActiveElement()?.localName === 'h1', 'focus moves to the guide title');
    expect(deepActiveElement()!.textContent).to.equal('Social media');

    const toc = view(shell).shadowRoot!.querySelector('guide-toc')!;
    click(shell, 'a[href$="#keep"]', toc.shadowRoot!);
    await waitUntil(() => deepActiveElement()?.id === 'keep', 'a contents link focuses its section');
    expect(location.hash).to.equal('#keep');

    const nav = shell.querySelector('site-nav')!;
    click(shell, 'a[href="/settings"]', nav.shadowRoot!);
    await waitUntil(() => view(shell)?.localName === 'settings-page');
    expect(location.pathname).to.equal('/settings');
    expect(document.title).to.equal('Settings — Engagement Field Kit');
    await nav.updateComplete;
    expect(nav.shadowRoot!.querySelector('a[aria-current="page"]')!.textContent).to.equal('Settings');

    history.back();
    await waitUntil(() => view(shell)?.localName === 'guide-page', 'Back returns to the guide');
    expect(location.hash).to.equal('#keep');
    expect((window as unknown as Record<symbol, boolean>)[marker], 'no page load happened').to.equal(true);
  });

  it('starts a new draft at its own address, replacing /worksheet/new in history', async () => {
    const shell = await shellAt('/worksheet');
    expect(view(shell).localName).to.equal('worksheet-start-page');
    click(shell, 'a[href="/worksheet/new"]', view(shell).shadowRoot!);
    await waitUntil(() => view(shell)?.localName === 'worksheet-page' && view(shell).shadowRoot?.querySelector('h1'));
    expect(location.pathname).to.match(/^\/worksheet\/[0-9a-f-]{36}$/);
    expect(view(shell).shadowRoot!.querySelector('h1')!.textContent).to.equal('Untitled draft');
    await waitUntil(() => deepActiveElement()?.localName === 'h1', 'focus moves to the draft’s heading');
    history.back();
    await waitUntil(
      () => view(shell)?.localName === 'worksheet-start-page',
      'Back leads to /worksheet, not to /new again',
    );
    expect(location.pathname).to.equal('/worksheet');
  });

  it('says a new draft could not be started on a full disk, to try again, and starts it once there is room', async () => {
    const dbName = freshDbName('shell-new-full');
    (await openStore(dbName)).close(); // the device's drafts database, made on an earlier day
    fixtureCleanup();
    history.replaceState({}, '', '/worksheet/new');
    const freeDisk = fillDisk();
    let shell: AppShell;
    try {
      shell = await fixture<AppShell>(
        html`<app-shell .store=${builtContentStore()} .openDrafts=${() => openStore(dbName)}></app-shell>`,
      );
      await waitUntil(() => shell.querySelector('main [role="alert"]'), 'the failure is said');
      const alert = shell.querySelector('main [role="alert"]')!;
      expect(alert.querySelector('h1')!.textContent).to.equal('The draft could not be started');
      expect(alert.querySelector('p')!.textContent).to.equal(
        'This device is out of storage space. Nothing was changed. Free up some space, then try again.',
      );
      await expect(shell).to.be.accessible();
    } finally {
      freeDisk();
    }
    click(shell, 'main [role="alert"] button');
    await waitUntil(() => view(shell)?.localName === 'worksheet-page', 'started once there is room');
    expect(location.pathname).to.match(/^\/worksheet\/[0-9a-f-]{36}$/);
  });

  it('opened fresh at /worksheet/new, shows the new draft and leaves focus where a fresh page has it', async () => {
    const readyBefore = performance.getEntriesByName('efk:view-ready').length;
    const shell = await shellAt('/worksheet/new');
    await waitUntil(() => view(shell)?.localName === 'worksheet-page' && view(shell).shadowRoot?.querySelector('h1'));
    expect(location.pathname).to.match(/^\/worksheet\/[0-9a-f-]{36}$/);
    // The redirect to the draft's address is part of the page's load, not a navigation of the user's.
    await waitUntil(
      () => performance.getEntriesByName('efk:view-ready').length > readyBefore,
      'the draft is ready to use',
    );
    await aTimeout(0);
    expect(deepActiveElement()?.localName, 'focus stays at the start of the page').to.equal('body');
    await expect(shell).to.be.accessible();
  });

  it('offers on the home page the draft changed last, and opens it', async () => {
    const shell = await shellAt('/worksheet/new');
    await waitUntil(() => view(shell)?.localName === 'worksheet-page' && view(shell).shadowRoot?.querySelector('h1'));
    const draftPath = location.pathname;
    click(shell, 'a.brand');
    await waitUntil(() => view(shell)?.localName === 'home-page', 'the home page shows');
    const carryOn = (): HTMLAnchorElement | null =>
      [...view(shell).shadowRoot!.querySelectorAll<HTMLAnchorElement>('p a')].find((a) =>
        a.parentElement!.textContent!.includes('Carry on with'),
      ) ?? null;
    await waitUntil(carryOn, 'the draft is offered');
    expect([carryOn()!.textContent, carryOn()!.getAttribute('href')]).to.deep.equal(['Untitled draft', draftPath]);
    await expect(shell).to.be.accessible();
    carryOn()!.click();
    await waitUntil(() => view(shell)?.localName === 'worksheet-page', 'the draft opens');
    expect(location.pathname).to.equal(draftPath);
  });

  it('shows the home page with its drafts named from the first, so nothing moves as they are read', async () => {
    fixtureCleanup();
    history.replaceState({}, '', '/');
    const dbName = freshDbName('shell-home');
    const store = await openStore(dbName);
    await store.create({ id: 'engagement-strategy', version: 1 }, { title: 'Riverside' });
    store.close();
    // A device slower to open its drafts than to read the guides' index.
    const openSlowly = () => aTimeout(150).then(() => openStore(dbName));
    const shell = await fixture<AppShell>(
      html`<app-shell .store=${builtContentStore()} .openDrafts=${openSlowly}></app-shell>`,
    );
    await waitUntil(() => view(shell)?.shadowRoot?.querySelector('h1'), 'the home page shows');
    expect(view(shell).shadowRoot!.textContent).to.contain('Carry on with Riverside');
  });

  it('lists the drafts on this device', async () => {
    const shell = await shellAt('/drafts');
    expect(view(shell).localName).to.equal('drafts-page');
    expect(view(shell).shadowRoot!.textContent).to.contain('No drafts yet.');
  });

  it('shows Settings with its storage figures from the first, so its sections do not move as they arrive', async () => {
    const firstSeen: (SettingsPage['storage'] | undefined)[] = [];
    const observer = new MutationObserver(() => {
      const settings = document.querySelector('settings-page');
      if (settings && firstSeen.length === 0) firstSeen.push(settings.storage);
    });
    observer.observe(document.body, { childList: true, subtree: true });
    try {
      const shell = await shellAt('/settings');
      expect(view(shell).localName).to.equal('settings-page');
    } finally {
      observer.disconnect();
    }
    expect(firstSeen).to.have.length(1);
    expect(firstSeen[0], 'Chromium says how it stores data').to.have.property('persisted').that.is.a('boolean');
  });

  it('shows the home page’s offer to install last, so nothing moves when the browser makes it', async () => {
    const shell = await shellAt('/');
    const home = view(shell) as HomePage;
    home.installOption = 'prompt';
    await home.updateComplete;
    const root = home.shadowRoot!;
    expect(root.querySelectorAll('install-button'), 'the offer is shown').to.have.length(1);
    // Everything else on the page comes before it.
    expect(root.lastElementChild?.localName).to.equal('install-button');
    await expect(home).to.be.accessible();
  });

  it('shows the not-found view for an unknown path and for an unknown guide', async () => {
    for (const path of ['/no/such/page', '/guide/no-such-guide']) {
      const shell = await shellAt(path);
      expect(view(shell).localName).to.equal('not-found-page');
      expect(view(shell).shadowRoot!.querySelector('code')!.textContent).to.equal(path);
    }
  });

  it('leaves external links to the browser', async () => {
    const shell = await shellAt('/guide/social-media');
    const external = view(shell).shadowRoot!.querySelector<HTMLAnchorElement>('a.external')!;
    let defaultPrevented: boolean | undefined;
    // Stop the real navigation after the router has had its say.
    const stop = (e: Event) => {
      defaultPrevented = e.defaultPrevented;
      e.preventDefault();
    };
    window.addEventListener('click', stop);
    external.click();
    window.removeEventListener('click', stop);
    await aTimeout(0);
    expect(defaultPrevented).to.equal(false);
    expect(location.pathname).to.equal('/guide/social-media');
  });

  it('erases, once started, drafts deleted over 30 days ago, and keeps those deleted since', async () => {
    const dbName = freshDbName('shell-erase');
    let clock = Date.now() - 31 * 24 * 60 * 60 * 1000;
    const before = await openStore(dbName, { now: () => clock });
    const old = await before.create({ id: 'engagement-strategy', version: 1 }, { title: 'Deleted last month' });
    await before.remove(old.id);
    clock = Date.now();
    const recent = await before.create({ id: 'engagement-strategy', version: 1 }, { title: 'Deleted today' });
    await before.remove(recent.id);
    before.close();

    fixtureCleanup();
    history.replaceState({}, '', '/');
    await fixture<AppShell>(
      html`<app-shell
        .store=${builtContentStore()}
        .openDrafts=${() => openStore(dbName)}
        .eraseDeletedAfterMs=${0}
      ></app-shell>`,
    );
    const check = await openStore(dbName);
    await waitUntil(async () => (await check.get(old.id)) === undefined, 'the draft deleted last month is erased');
    expect((await check.get(recent.id))?.deletedAt).to.be.a('number', 'one deleted today can still be restored');
    check.close();
  });

  it('tells a draft’s page of its changes the team’s server refused, and no longer once they are discarded', async () => {
    const dbName = freshDbName('shell-refused');
    const before = await openStore(dbName);
    const draft = await before.create({ id: 'engagement-strategy', version: 1 }, { title: 'Refused' });
    const [entry] = await before.outbox();
    await before.acknowledge([entry!], [{ seq: entry!.seq!, status: 'rejected', reason: 'Not the team’s.', rev: 0 }]);
    before.close();

    fixtureCleanup();
    history.replaceState({}, '', `/worksheet/${draft.id}`);
    const shell = await fixture<AppShell>(
      html`<app-shell .store=${builtContentStore()} .openDrafts=${() => openStore(dbName)}></app-shell>`,
    );
    const notice = (): Element | null | undefined => view(shell)?.shadowRoot?.querySelector('#refused-notice');
    await waitUntil(notice, 'the draft says a change was refused');
    expect(notice()!.textContent).to.contain('Not the team’s.');

    const other = await openStore(dbName); // Settings' Discard, as another tab would do it
    await other.discardRejected(entry!.seq!);
    other.close();
    await waitUntil(() => !notice(), 'the notice goes once the change is discarded');
  });

  it('says in Settings that a refused change was not discarded on a full disk, and to try again', async () => {
    const dbName = freshDbName('shell-discard-full');
    const before = await openStore(dbName);
    await before.setMeta(SYNC_META.token, 'a team token');
    await before.setMeta(SYNC_META.team, JSON.stringify({ id: 't', name: 'Riverside team' }));
    await before.create({ id: 'engagement-strategy', version: 1 }, { title: 'Refused' });
    const [entry] = await before.outbox();
    await before.acknowledge([entry!], [{ seq: entry!.seq!, status: 'rejected', reason: 'Not the team’s.', rev: 0 }]);
    before.close();

    fixtureCleanup();
    history.replaceState({}, '', '/settings');
    const shell = await fixture<AppShell>(
      html`<app-shell .store=${builtContentStore()} .openDrafts=${() => openStore(dbName)}></app-shell>`,
    );
    const root = (): ShadowRoot => view(shell).shadowRoot!;
    await waitUntil(() => view(shell)?.shadowRoot?.querySelector('#refused'), 'Settings lists the refused change');
    const freeDisk = fillDisk();
    try {
      root().querySelector<HTMLButtonElement>('.refused li button')!.click();
      await waitUntil(() => root().querySelector('#discard-error'), 'the failure is said');
      expect(root().querySelector('#discard-error')!.textContent!.trim()).to.equal(
        'The change was not discarded: this device is out of storage space. Nothing was changed. Free up some space, then try again.',
      );
      expect(root().querySelector('.refused li'), 'the change is still listed, to discard again').to.not.equal(null);
      await expect(view(shell)).to.be.accessible();
    } finally {
      freeDisk();
    }
    root().querySelector<HTMLButtonElement>('.refused li button')!.click();
    await waitUntil(() => !root().querySelector('.refused li'), 'discarded once there is room');
    expect(root().querySelector('#discard-error')).to.equal(null);
    expect(root().textContent).to.contain('Discarded the change to “Refused”.');
  });

  it('is accessible on every view', async () => {
    for (const path of [
      '/',
      '/guide/social-media',
      '/worksheet',
      '/drafts',
      '/settings',
      '/nowhere',
      '/worksheet/new',
    ]) {
      const shell = await shellAt(path);
      expect(shell.querySelectorAll('h1').length + view(shell).shadowRoot!.querySelectorAll('h1').length).to.equal(1);
      await expect(shell).to.be.accessible();
    }
  });
});
