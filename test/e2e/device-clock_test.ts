import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSyncServer } from '../support/app-server.js';
import { builtApp } from '../support/build-app.js';
import { launchProfile } from '../support/browser.js';
import { localIsoDate } from '../../src/text/local-iso-date.js';

const ACHIEVE = 'What you’re trying to achieve and what success looks like';
const DAYS_3 = 3 * 24 * 60 * 60 * 1000;

// A phone set by hand to the wrong date stamped every answer days off: the team saw them as made
// days before, its later answer lost every conflict to a teammate's earlier one, and its new
// drafts were dated days back.
describe('a device whose clock is days wrong', () => {
  let server: Awaited<ReturnType<typeof startSyncServer>>;
  const cleanups: (() => Promise<void>)[] = [];

  before(async () => {
    const out = await builtApp();
    cleanups.push(out.cleanup);
    server = await startSyncServer(out.dir);
    cleanups.push(() => server.close());
  });
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('is told so, with what to do, and its answers reach the team timed by the server’s clock, its new drafts dated today', async () => {
    // Playwright sets the clock of pages, not of service workers: one syncing on the machine's
    // clock would find it right. The pages sync on their own (as in a browser without one).
    const profile = await launchProfile({ serviceWorkers: 'block' });
    cleanups.push(profile.close);
    // The page's clock three days behind, and running.
    await profile.context.clock.install({ time: Date.now() - DAYS_3 });
    const page = profile.context.pages()[0] ?? (await profile.context.newPage());
    await page.goto(server.joinLink);
    await page.getByText(/This device has joined Riverside team/).waitFor({ timeout: 15_000 });
    await page.goto(`${server.origin}/worksheet/new`);
    await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
    const notice = page.locator('sync-status .clock');
    await notice.waitFor({ timeout: 15_000 });
    assert.equal(
      (await notice.textContent())!.replace(/\s+/g, ' ').trim(),
      'This device’s clock is 3 days behind the team’s server: set its date and time to update automatically.',
    );

    await page.getByRole('textbox', { name: ACHIEVE, exact: true }).fill('Hear from renters');
    const typedAt = Date.now();
    const answer = async (): Promise<{ changed_at: number } | undefined> =>
      server.db.selectFrom('draft_fields').select('changed_at').where('key', '=', 'achieve').executeTakeFirst();
    const deadline = Date.now() + 15_000;
    while (!(await answer()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const { changed_at } = (await answer())!;
    assert.ok(
      Math.abs(Number(changed_at) - typedAt) < 60_000,
      `the answer is timed as typed (${new Date(Number(changed_at)).toISOString()}), not 3 days before`,
    );
    // A new draft is dated today, not three days back.
    await page.goto(`${server.origin}/worksheet/new`);
    await page.waitForURL(/\/worksheet\/[0-9a-f-]{36}$/);
    const date = page.getByLabel('Date of the consultation', { exact: true });
    await date.waitFor();
    assert.equal(await date.inputValue(), localIsoDate());
    // Settings says it too, where the team's sync is, with what the kit does meanwhile.
    await page.goto(`${server.origin}/settings`);
    await page
      .locator('settings-page sync-status .clock')
      .getByText(
        'This device’s clock is 3 days behind the team’s server. In the device’s settings, set its date and time to update automatically (if they already do, the server’s clock may be wrong: tell whoever runs it). Meanwhile the kit times your changes by the server’s clock, so the team sees them in order.',
      )
      .waitFor();
  });
});
