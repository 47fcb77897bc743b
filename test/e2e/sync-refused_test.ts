import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSyncServer } from '../support/app-server.js';
import { builtApp } from '../support/build-app.js';
import { launchProfile } from '../support/browser.js';
import { newDraftMutation } from '../support/new-draft-mutation.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';

const ACHIEVE = 'What you’re trying to achieve and what success looks like';

describe('a push the team’s server refuses whole', () => {
  let server: Awaited<ReturnType<typeof startSyncServer>>;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    const out = await builtApp();
    cleanups.push(out.cleanup);
    // A server set to take smaller requests than a device sends (below what the kit allows its
    // administrators): its own answer, a 413, for every push of a draft with answers.
    server = await startSyncServer(out.dir, { bodyLimit: 600 });
    cleanups.push(() => server.close());
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('says the changes are too large for the server, that they are kept and what to ask, not that it had a problem and will try again', async () => {
    const profile = await launchProfile();
    cleanups.push(profile.close);
    const page = profile.context.pages()[0] ?? (await profile.context.newPage());
    await page.goto(server.joinLink);
    await page.getByText(/This device has joined Riverside team/).waitFor({ timeout: 15_000 });
    const pushes: number[] = [];
    page.on('response', (r) => {
      if (/\/api\/push(\?|$)/.test(r.url())) pushes.push(r.status());
    });
    await page.goto(`${server.origin}/worksheet/new`);
    await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
    await page.getByRole('textbox', { name: ACHIEVE, exact: true }).fill('Hear from renters. '.repeat(40));
    // The line, and what a screen reader was told as the problem began: too large, and what to ask.
    const line = page.locator('sync-status').getByText(/waiting: too large for the team’s server/);
    await line.waitFor({ timeout: 15_000 });
    assert.match(
      (await line.textContent())!.replace(/\s+/g, ' ').trim(),
      /^\d+ changes? waiting: too large for the team’s server, or a proxy in front of it, to take\. They are kept on this device while your other changes go; tell whoever runs the server to allow larger requests\.$/,
    );
    await page
      .locator('sync-status')
      .getByText(
        'Some of this device’s changes are too large for the team’s server to take. They are kept on this device.',
      )
      .waitFor({ state: 'attached' });
    // The new draft's first push was small enough; the answer's was not.
    assert.equal(pushes.at(-1), 413, `pushes answered ${pushes.join(', ')}`);
    // Not sent again on a timer: the same request would be refused again.
    const sent = pushes.length;
    await page.waitForTimeout(2_500);
    assert.equal(pushes.length, sent, 'no push on its own within the retry timer’s first steps');
    const answers = await server.db.selectFrom('draft_fields').select('key').where('key', '=', 'achieve').execute();
    assert.deepEqual(answers, [], 'the answer was not taken');
    // The drafts list says which draft it is.
    await page.getByRole('link', { name: 'Drafts', exact: true }).click();
    const held = page.locator('drafts-page .drafts li .sync.attention');
    await held.first().waitFor();
    assert.deepEqual(await held.allTextContents(), ['Too large to send']);
    // Kept on the device: opened again with no signal, where no sync can hold it back anew.
    await profile.context.setOffline(true);
    await page.reload();
    await held.first().waitFor();
    assert.deepEqual(await held.allTextContents(), ['Too large to send']);
    await profile.context.setOffline(false);
  });
  it('sends a refused push no more when a teammate’s change or another edit comes in as it travels, and takes that change in, and later ones', async () => {
    // The page alone, without its service worker: every push is the page's own.
    const profile = await launchProfile({ serviceWorkers: 'block' });
    cleanups.push(profile.close);
    const page = profile.context.pages()[0] ?? (await profile.context.newPage());
    await page.goto(server.joinLink);
    await page.getByText(/This device has joined Riverside team/).waitFor({ timeout: 15_000 });
    const teammate = (await server.store.join(server.joinLink.split('#')[1]!, 'Teammate’s phone'))!;
    // The new draft is sent (its push small enough), and the page waits at the server for the
    // team's next change, as it does after any sync that went well.
    const watching = page.waitForRequest(/\/api\/changes\?/);
    await page.goto(`${server.origin}/worksheet/new`);
    await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
    await page.locator('sync-status').getByText('All changes synced.').waitFor({ timeout: 15_000 });
    await watching;

    // The push of the long answer is held on its way until a teammate's change has come in.
    const pushes: number[] = [];
    page.on('response', (r) => {
      if (/\/api\/push(\?|$)/.test(r.url())) pushes.push(r.status());
    });
    let release = (): void => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/api\/push(\?|$)/, async (route) => {
      await held;
      await route.continue();
    });
    const travelling = page.waitForRequest(/\/api\/push(\?|$)/);
    await page.getByRole('textbox', { name: ACHIEVE, exact: true }).fill('Hear from renters. '.repeat(40));
    await travelling;
    const told = page.waitForResponse(/\/api\/changes\?/);
    const theirs = await fetch(`${server.origin}/api/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${teammate.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mutations: [newDraftMutation(1, { title: 'The teammate’s plan' })] }),
    });
    assert.equal(theirs.status, 200);
    await told;
    // And an edit saved meanwhile, which asks for a sync of its own a moment later.
    await page.getByRole('textbox', { name: 'Title' }).fill('Renters’ forum');
    await page.getByText('Saved on this device', { exact: true }).waitFor();
    release();

    await page
      .locator('sync-status')
      .getByText(/waiting: too large for the team’s server/)
      .waitFor({ timeout: 15_000 });
    assert.deepEqual(pushes, [413]);
    // A look for the teammate's change after the run, or the edit's sync, would send the refused push
    // again: each would come within about a second.
    await page.waitForTimeout(2_500);
    assert.deepEqual(pushes, [413], 'the refused push was not sent again');

    // The team is still watched: a teammate's later change comes in with no edit or tap from this
    // device, by a pull alone.
    const pulled = page.waitForResponse(/\/api\/pull\?/, { timeout: 15_000 });
    const later = await fetch(`${server.origin}/api/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${teammate.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mutations: [newDraftMutation(2, { title: 'The teammate’s later plan' })] }),
    });
    assert.equal(later.status, 200);
    assert.equal((await pulled).status(), 200);
    assert.deepEqual(pushes, [413], 'nothing was sent for it');
    await page
      .locator('sync-status')
      .getByText(/waiting: too large for the team’s server/)
      .waitFor();

    // The run took the team's changes in after its refusal, and the look after it the later one.
    await page.getByRole('link', { name: 'Drafts', exact: true }).click();
    await page.getByRole('link', { name: 'The teammate’s plan' }).waitFor();
    await page.getByRole('link', { name: 'The teammate’s later plan' }).waitFor();
    assert.deepEqual(pushes, [413]);
  });
});

describe('a web application firewall in front of the team’s server', () => {
  let server: Awaited<ReturnType<typeof startSyncServer>>;
  let proxy: FaultProxy;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    const out = await builtApp();
    cleanups.push(out.cleanup);
    server = await startSyncServer(out.dir);
    cleanups.push(() => server.close());
    // The kit and its API both reached through it, as an agency puts one in front of a server: it
    // refuses a body its rule matches (a script tag, as the OWASP core rule set's do), and a
    // compressed body, which it cannot read, with pages of its own.
    proxy = await startFaultProxy(server.origin);
    proxy.firewall = /<script/i;
    cleanups.push(() => proxy.close());
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('holds back the draft whose words it refuses, says so and what to do, sends the rest, and sends it once the words are out', async () => {
    const profile = await launchProfile();
    cleanups.push(profile.close);
    const page = profile.context.pages()[0] ?? (await profile.context.newPage());
    await page.goto(`${proxy.origin}/join#${server.joinLink.split('#')[1]!}`);
    await page.getByText(/This device has joined Riverside team/).waitFor({ timeout: 15_000 });

    await page.goto(`${proxy.origin}/worksheet/new`);
    await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
    const embedUrl = page.url();
    await page.getByRole('textbox', { name: 'Title' }).fill('Council website');
    const code = 'Show the feed on the council page: <script src="https://platform.example/widget.js"></script>';
    await page.getByRole('textbox', { name: ACHIEVE, exact: true }).fill(code);
    const line = page.locator('sync-status').getByText(/waiting: refused on the way to the team’s server/);
    await line.waitFor({ timeout: 15_000 });
    assert.match(
      (await line.textContent())!.replace(/\s+/g, ' ').trim(),
      /^\d+ changes? waiting: refused on the way to the team’s server by a firewall in front of it, for some of their words .* take such words out of the drafts marked “Refused on the way”, or tell whoever runs the server\.$/,
    );
    await page
      .locator('sync-status')
      .getByText(
        'A firewall refused some of this device’s changes on the way to the team’s server. They are kept on this device.',
      )
      .waitFor({ state: 'attached' });
    assert.ok((proxy.counts.get('blocked') ?? 0) > 0, 'the firewall refused a push');

    // Another draft, typed after, goes to the team past the held one.
    await page.goto(`${proxy.origin}/worksheet/new`);
    await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
    await page.getByRole('textbox', { name: 'Title' }).fill('Renters’ forum');
    await page.getByRole('textbox', { name: ACHIEVE, exact: true }).fill('Hear from renters. '.repeat(20));
    /** The team's answers to the question, as its server holds them. */
    const answers = async (): Promise<string[]> =>
      (await server.db.selectFrom('draft_fields').select('value').where('key', '=', 'achieve').execute())
        .map((a) => JSON.parse(a.value) as string)
        .sort();
    for (let i = 0; i < 150 && (await answers()).length === 0; i += 1) await page.waitForTimeout(100);
    assert.deepEqual(
      await answers(),
      ['Hear from renters. '.repeat(20)],
      'the other draft’s answer reached the team; the held one’s did not',
    );

    // The drafts list says which draft it is.
    await page.getByRole('link', { name: 'Drafts', exact: true }).click();
    const held = page.locator('drafts-page .drafts li .sync.attention');
    await held.first().waitFor();
    assert.deepEqual(await held.allTextContents(), ['Refused on the way']);
    // And so does the start page, where the kit opens.
    await page.goto(`${proxy.origin}/`);
    await page
      .locator('home-page')
      .getByText(/^Refused on the way to the team’s server for some of its words: take out any code/)
      .waitFor();

    // The code taken out (a link instead): the draft goes, and all is synced.
    await page.goto(embedUrl);
    await page.getByRole('textbox', { name: ACHIEVE, exact: true }).fill('Link to the feed from the council page.');
    await page.locator('sync-status').getByText('All changes synced.').waitFor({ timeout: 15_000 });
    assert.deepEqual(await answers(), ['Hear from renters. '.repeat(20), 'Link to the feed from the council page.']);
  });
});
