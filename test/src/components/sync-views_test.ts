import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../../src/components/field-conflict.js';
import type { ConflictChooseEvent, FieldConflictView } from '../../../src/components/field-conflict.js';
import '../../../src/components/settings-page.js';
import { lastContact, type SettingsPage } from '../../../src/components/settings-page.js';
import '../../../src/components/sync-status.js';
import {
  clockSummary,
  syncAnnouncement,
  syncSummary,
  type SyncStatusView,
} from '../../../src/components/sync-status.js';
import type { Question } from '../../../src/content/worksheet.js';
import type { SyncStatus } from '../../../src/controllers/sync-controller.js';
import { ARABIC, ARABIC_NAME, boxOf, elementWithText, lineGaps, readsRightToLeft } from '../support/bidi.js';
import { builtWorksheet } from '../support/built-worksheet.js';
import { formatTime } from '../../../src/text/format-time.js';
import { QUIET_DEVICE_DAYS } from '../../../src/sync/protocol.js';
import { DELETED_KEEP_DAYS } from '../../../src/data/draft.js';

const JOINED: SyncStatus = {
  joined: true,
  team: { id: 't', name: 'Riverside team' },
  deviceName: 'Sam’s phone',
  joinLink: 'http://127.0.0.1:8080/join#abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  devices: null,
  devicesAt: null,
  waiting: 0,
  rejected: [],
  heldBack: [],
  syncing: false,
  lastSynced: Date.UTC(2026, 10, 26, 4, 0),
  restoreFound: null,
  clockOffset: 0,
  erasedAt: null,
  whileClosed: false,
  problem: null,
  message: null,
  teamSwitch: null,
};

describe('sync-status', () => {
  it('never says waiting and sent the same way', () => {
    expect(syncSummary(JOINED)).to.equal('All changes synced.');
    expect(syncSummary({ ...JOINED, waiting: 3, problem: 'offline' })).to.equal('3 changes waiting for a connection.');
    expect(syncSummary({ ...JOINED, waiting: 1 })).to.equal('1 change waiting to sync.');
    expect(syncSummary({ ...JOINED, syncing: true })).to.equal('Syncing…');
    expect(syncSummary({ ...JOINED, problem: 'rejoin', waiting: 2 })).to.contain(
      'needs to rejoin the team. Nothing on it is lost.',
    );
    expect(syncSummary({ ...JOINED, joined: false })).to.contain('saved on this device only');
  });

  it('tells the server out of space apart from the device out of space and from other server faults', () => {
    const server = syncSummary({ ...JOINED, waiting: 2, problem: 'server-full' });
    expect(server).to.match(
      /^2 changes waiting: the team’s server has run out of space\. They are kept on this device/,
    );
    expect(server).to.contain('tell whoever runs it');
    expect(syncSummary({ ...JOINED, waiting: 2, problem: 'storage' })).to.contain('this device’s storage is full');
    expect(syncSummary({ ...JOINED, waiting: 2, problem: 'server' })).to.contain('the team’s server had a problem');
    // Refused whole by the server itself: not retried on a timer, so not "will try again".
    const refused = syncSummary({ ...JOINED, waiting: 2, problem: 'server-refused' });
    expect(refused).to.match(/^2 changes waiting: the team’s server refused them\. They are kept on this device/);
    expect(refused).not.to.contain('will try again');
    expect(syncAnnouncement('server-refused', null)).to.equal(
      'The team’s server refused this device’s changes. They are kept on this device.',
    );
    // Too large (413, the server's or a proxy's): what to ask of whoever runs it.
    const tooLarge = syncSummary({ ...JOINED, waiting: 1, problem: 'server-too-large' });
    expect(tooLarge).to.match(
      /^1 change waiting: too large for the team’s server, or a proxy in front of it, to take\. They are kept on this device while your other changes go/,
    );
    expect(tooLarge).to.contain('tell whoever runs the server to allow larger requests');
    expect(tooLarge).not.to.contain('will try again');
    expect(syncAnnouncement('server-too-large', null)).to.equal(
      'Some of this device’s changes are too large for the team’s server to take. They are kept on this device.',
    );
    // Refused on the way for their words (a firewall's rule): what the user can do about it.
    const blocked = syncSummary({ ...JOINED, waiting: 3, problem: 'server-blocked' });
    expect(blocked).to.match(
      /^3 changes waiting: refused on the way to the team’s server by a firewall in front of it, for some of their words/,
    );
    expect(blocked).to.contain('take such words out of the drafts marked “Refused on the way”');
    expect(blocked).not.to.contain('will try again');
    expect(syncAnnouncement('server-blocked', null)).to.equal(
      'A firewall refused some of this device’s changes on the way to the team’s server. They are kept on this device.',
    );
  });

  it('offers Sync now, and is accessible', async () => {
    const el = await fixture<SyncStatusView>(
      html`<sync-status .status=${{ ...JOINED, waiting: 2, problem: 'offline' }}></sync-status>`,
    );
    expect(el.shadowRoot!.querySelector('p:not([role])')!.textContent).to.contain(
      '2 changes waiting for a connection.',
    );
    const button = el.shadowRoot!.querySelector('button')!;
    setTimeout(() => button.click());
    await oneEvent(el, 'sync-now');
    await expect(el).to.be.accessible();
  });

  // The line turns after every pause in typing ("1 change waiting", "Syncing…", "All changes
  // synced"), its count grows with each edit offline, and the kit looks for teammates' changes
  // twice a minute: in the live region, a screen reader read the line again at each turn, while
  // the worksheet's own save status stays quiet. It is told a problem as it begins, and its end.
  it('tells a screen reader of a problem and its end, not of every sync or the time', async () => {
    const el = await fixture<SyncStatusView>(html`<sync-status .status=${JOINED}></sync-status>`);
    const live = (): string => el.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim();
    const line = (): string => el.shadowRoot!.querySelector('p:not([role])')!.textContent!.replace(/\s+/g, ' ').trim();
    const show = async (status: SyncStatus): Promise<void> => {
      el.status = status;
      await el.updateComplete;
    };
    const heard: string[] = [];
    const lines: string[] = [];
    for (const status of [
      { ...JOINED, waiting: 1 },
      { ...JOINED, waiting: 1, syncing: true },
      { ...JOINED, lastSynced: JOINED.lastSynced! + 5 * 60_000 },
      { ...JOINED, waiting: 1, problem: 'offline' as const },
      { ...JOINED, waiting: 2, problem: 'offline' as const },
      { ...JOINED, waiting: 2, syncing: true, problem: 'offline' as const },
      { ...JOINED, lastSynced: JOINED.lastSynced! + 9 * 60_000 },
    ]) {
      await show(status);
      lines.push(line());
      if (heard.at(-1) !== live()) heard.push(live());
    }
    expect(heard).to.deep.equal([
      '',
      'Sync cannot reach the team’s server. Your changes are kept on this device.',
      'Sync is working again.',
    ]);
    // The line itself still says each turn, and the time of the last sync.
    expect(lines[0]).to.match(/^1 change waiting to sync\. Last synced .+\.$/);
    expect(lines[1]).to.match(/^Syncing…/);
    expect(lines[4]).to.match(/^2 changes waiting for a connection\./);
    expect(lines[6]).to.match(/^All changes synced\. Last synced .+\.$/);
    await expect(el).to.be.accessible();
  });

  // A phone set by hand to the wrong time zone stamped its answers hours off, and nobody was told.
  it('says how far, and which way, a device’s clock is from the team server’s, and what to do', async () => {
    const HOUR = 60 * 60 * 1000;
    expect(clockSummary(0)).to.equal(null);
    expect(clockSummary(3 * HOUR)).to.match(/^This device’s clock is 3 hours behind the team’s server\. /);
    expect(clockSummary(-10 * 60_000)).to.contain('clock is 10 minutes ahead of the team’s server.');
    expect(clockSummary(26 * 365.25 * 24 * HOUR)).to.contain('26 years behind');
    const el = await fixture<SyncStatusView>(
      html`<sync-status .status=${{ ...JOINED, clockOffset: 3 * HOUR }}></sync-status>`,
    );
    const clock = el.shadowRoot!.querySelector('.clock')!;
    expect(clock.textContent).to.contain('set its date and time to update automatically');
    expect(clock.textContent).to.contain('times your changes by the server’s clock');
    await expect(el).to.be.accessible();
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim(), 'a screen reader hears it').to.equal(
      'This device’s clock is wrong. The kit times your changes by the team’s server until it is set right.',
    );
    el.settingsLink = true;
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.clock')!.textContent, 'a line above other pages').to.equal(
      'This device’s clock is 3 hours behind the team’s server: set its date and time to update automatically.',
    );
    el.status = { ...JOINED, clockOffset: 0 };
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.clock'), 'gone once the clock agrees').to.equal(null);
    el.status = { ...JOINED, joined: false, clockOffset: 3 * HOUR };
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.clock'), 'not said outside a team').to.equal(null);
  });

  it('points a device that must rejoin to Settings, from outside Settings', async () => {
    const rejoin: SyncStatus = { ...JOINED, waiting: 1, problem: 'rejoin' };
    const elsewhere = await fixture<SyncStatusView>(html`<sync-status settingsLink .status=${rejoin}></sync-status>`);
    const link = elsewhere.shadowRoot!.querySelector('a')!;
    expect(link.textContent).to.equal('Rejoin in Settings');
    expect(link.getAttribute('href')).to.equal('/settings#team');
    expect(elsewhere.shadowRoot!.querySelector('button'), 'no Sync now: a sync would only be refused').to.equal(null);
    await expect(elsewhere).to.be.accessible();
    const inSettings = await fixture<SyncStatusView>(html`<sync-status .status=${rejoin}></sync-status>`);
    expect(inSettings.shadowRoot!.querySelector('a')).to.equal(null);
    elsewhere.status = { ...rejoin, problem: null };
    await elsewhere.updateComplete;
    expect(elsewhere.shadowRoot!.querySelector('a'), 'gone once rejoined').to.equal(null);
  });

  it('says the team’s drafts were erased from a device reported lost, as it happens and after', async () => {
    const el = await fixture<SyncStatusView>(html`<sync-status settingsLink .status=${JOINED}></sync-status>`);
    const erasedAt = Date.UTC(2026, 10, 28, 4, 20);
    el.status = { ...JOINED, joined: false, team: null, erasedAt };
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelector('[role="status"]')!.textContent!.trim()).to.equal(
      'The team’s drafts were erased from this device: it was reported lost.',
    );
    const line = root.querySelector('p:not([role])')!;
    expect(line.textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      `The team’s drafts were erased from this device on ${formatTime(erasedAt)}: it was reported lost. The team’s server still has every draft that reached it.`,
    );
    expect(line.className, 'marked as news to act on').to.equal('waiting');
    expect(root.querySelector('button'), 'no Sync now: the device is in no team').to.equal(null);
    expect(root.querySelector('a'), 'no rejoin offered to whoever holds it').to.equal(null);
    await expect(el).to.be.accessible();

    // Drawn again (the kit opened later): the line says it, a screen reader is not told it anew.
    const later = await fixture<SyncStatusView>(html`<sync-status .status=${el.status}></sync-status>`);
    expect(later.shadowRoot!.querySelector('[role="status"]')!.textContent!.trim()).to.equal('');
    expect(syncSummary(later.status!)).to.contain('erased from this device');
  });
});

describe('field-conflict', () => {
  it('shows both versions with who and when, and settles with one tap', async () => {
    const worksheet = await builtWorksheet();
    const q = worksheet.questions.find((x) => x.id === 'achieve') as Question;
    const el = await fixture<FieldConflictView>(
      html`<field-conflict
        .question=${q}
        .kept=${{ value: 'Kept words', changedBy: 'Alex’s phone', changedAt: Date.UTC(2026, 10, 26, 3) }}
        .other=${{ value: 'Other words', changedBy: 'Bo’s tablet', changedAt: Date.UTC(2026, 10, 26, 2) }}
      ></field-conflict>`,
    );
    const versions = [...el.shadowRoot!.querySelectorAll('.version')].map((v) => v.textContent!.replace(/\s+/g, ' '));
    expect(versions[0]).to.contain('Kept words').and.contain('By Alex’s phone');
    expect(versions[1]).to.contain('Other words').and.contain('By Bo’s tablet');
    await expect(el).to.be.accessible();
    const keepOther = el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.version button')[1]!;
    setTimeout(() => keepOther.click());
    const chosen = (await oneEvent(el, 'conflict-choose')) as ConflictChooseEvent;
    expect([chosen.key, chosen.value]).to.deep.equal(['achieve', 'Other words']);
    const combine = [...el.shadowRoot!.querySelectorAll('button')].find(
      (b) => b.textContent!.trim() === 'Combine both',
    )!;
    setTimeout(() => combine.click());
    expect(((await oneEvent(el, 'conflict-choose')) as ConflictChooseEvent).value).to.equal(
      'Kept words\n\nOther words',
    );
  });

  it('puts the versions one above the other on a small phone at 200% text, none wider than the screen', async () => {
    const worksheet = await builtWorksheet();
    const q = worksheet.questions.find((x) => x.id === 'achieve') as Question;
    document.documentElement.style.fontSize = '200%';
    try {
      // A 320 px screen less the page's margins.
      const box = await fixture<HTMLDivElement>(
        html`<div style="width: 288px">
          <field-conflict
            .question=${q}
            .kept=${{ value: 'Kept words', changedBy: 'Alex’s phone', changedAt: Date.UTC(2026, 10, 26, 3) }}
            .other=${{ value: 'Other words', changedBy: 'Bo’s tablet', changedAt: Date.UTC(2026, 10, 26, 2) }}
          ></field-conflict>
        </div>`,
      );
      const el = box.querySelector<FieldConflictView>('field-conflict')!;
      await el.updateComplete;
      const versions = [...el.shadowRoot!.querySelectorAll('.version')].map((v) => v.getBoundingClientRect());
      const edge = box.getBoundingClientRect().right;
      expect(versions.map((v) => Math.round(v.right) <= Math.round(edge))).to.deep.equal([true, true]);
      expect(versions[1]!.top).to.be.greaterThanOrEqual(versions[0]!.bottom, 'one above the other');
      await expect(el).to.be.accessible();
    } finally {
      document.documentElement.style.fontSize = '';
    }
  });

  it('shows a version and a device name in a right-to-left script right to left, each paragraph its own way', async () => {
    const worksheet = await builtWorksheet();
    const q = worksheet.questions.find((x) => x.id === 'achieve') as Question;
    const el = await fixture<FieldConflictView>(
      html`<field-conflict
        .question=${q}
        .kept=${{ value: `Kept words\n${ARABIC}`, changedBy: ARABIC_NAME, changedAt: Date.UTC(2026, 10, 26, 3) }}
        .other=${{ value: ARABIC, changedBy: 'Bo’s tablet', changedAt: Date.UTC(2026, 10, 26, 2) }}
      ></field-conflict>`,
    );
    const [kept, other] = [...el.shadowRoot!.querySelectorAll('.version')];
    const keptValue = kept!.querySelector('.value')!;
    expect(lineGaps(keptValue, 'Kept words').left).to.equal(0);
    expect(lineGaps(keptValue, ARABIC).right).to.equal(0);
    expect(readsRightToLeft(other!.querySelector('.value')!)).to.equal(true);
    expect(lineGaps(other!.querySelector('.value')!, ARABIC).right).to.equal(0);
    // "By هاتف سارة, 26 Nov…": the name set apart, the sentence still English, left to right.
    const by = kept!.querySelector('.meta')!;
    expect(readsRightToLeft(by)).to.equal(false);
    expect(readsRightToLeft(elementWithText(by, ARABIC_NAME))).to.equal(true);
    await expect(el).to.be.accessible();
  });
});

describe('settings-page team section', () => {
  it('shows the team, an editable device name, and the join link as text and QR code', async () => {
    const el = await fixture<SettingsPage>(html`<settings-page .sync=${JOINED}></settings-page>`);
    const root = el.shadowRoot!;
    expect(root.textContent).to.contain('Riverside team');
    const name = root.querySelector<HTMLInputElement>('#device-name')!;
    expect(name.value).to.equal('Sam’s phone');
    expect(root.querySelector('.join-link')!.textContent).to.equal(JOINED.joinLink);
    const qr = root.querySelector('qr-code')!;
    await qr.updateComplete;
    const img = qr.shadowRoot!.querySelector('img')!;
    expect(img.alt).to.equal('QR code of the team’s join link');
    expect(img.src).to.match(/^data:image\/svg\+xml/);
    // Four modules of light all round, as the QR standard asks: a narrower margin against a dark
    // page (the kit in dark mode) leaves some phones' cameras unable to find the code.
    const svg = decodeURIComponent(img.src.slice(img.src.indexOf(',') + 1));
    const size = Number(/viewBox="0 0 ([\d.]+) /.exec(svg)![1]);
    const unit = Number(/h([\d.]+)v/.exec(svg)![1]);
    const corners = [...svg.matchAll(/M([\d.]+),([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const margin = Math.min(...corners.flatMap(([x, y]) => [x!, y!, size - x! - unit, size - y! - unit]));
    expect(margin / unit).to.be.at.least(4);
    const copy = [...root.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Copy link')!;
    copy.focus();
    copy.click();
    await waitUntil(() => root.querySelector('[role="status"] p'), 'Copy link says what it did');
    expect(await navigator.clipboard.readText()).to.equal(JOINED.joinLink);
    expect(root.querySelector('[role="status"] p')!.textContent).to.match(/^Link copied\./);
    name.value = 'Sam’s field phone';
    setTimeout(() => root.querySelector<HTMLButtonElement>('form button')!.click());
    const renamed = (await oneEvent(el, 'device-rename')) as CustomEvent<{ name: string }>;
    expect(renamed.detail.name).to.equal('Sam’s field phone');
    // A tab or line break pasted in goes as a space: the server refuses control characters in names.
    name.value = ' Sam’s\tfield\u001bphone ';
    setTimeout(() => root.querySelector<HTMLButtonElement>('form button')!.click());
    const cleaned = (await oneEvent(el, 'device-rename')) as CustomEvent<{ name: string }>;
    expect(cleaned.detail.name).to.equal('Sam’s field phone');
    await expect(el).to.be.accessible();
  });

  it('names the team’s devices, this one among them, with when each last reached the server, marking one long silent', async () => {
    const now = Date.now();
    const hour = 60 * 60 * 1000;
    const devices = [
      { id: '1', name: 'Sam’s phone', lastSeenAt: now - hour, you: true },
      { id: '2', name: ARABIC_NAME, lastSeenAt: now - 3 * 24 * hour, you: false },
      { id: '3', name: 'Drawer tablet', lastSeenAt: now - (QUIET_DEVICE_DAYS * 24 + 1) * hour, you: false },
      { id: '4', name: 'Never noted', lastSeenAt: null, you: false },
    ];
    const el = await fixture<SettingsPage>(
      html`<settings-page .sync=${{ ...JOINED, devices, devicesAt: now - 5 * hour }}></settings-page>`,
    );
    // Kept on the device: with no signal the list is the server's last word, and says when that was.
    expect(
      el.shadowRoot!.querySelector('ul.devices')!.previousElementSibling!.textContent!.replace(/\s+/g, ' '),
    ).to.contain(`to the hour, as the server said on ${formatTime(now - 5 * hour)}.`);
    const items = [...el.shadowRoot!.querySelectorAll('ul.devices li')];
    const text = (li: Element) => li.textContent!.replace(/\s+/g, ' ').trim();
    expect(items.map(text)).to.deep.equal([
      `Sam’s phone (this device): last reached the team’s server ${formatTime(now - hour)}`,
      `${ARABIC_NAME}: last reached the team’s server ${formatTime(devices[1]!.lastSeenAt!)}`,
      `Drawer tablet: silent since ${formatTime(devices[2]!.lastSeenAt!)}: if it is lost or no longer used, ask whoever runs the team’s server to revoke it`,
      'Never noted: not known to have reached the team’s server',
    ]);
    expect(items.map((li) => li.classList.contains('quiet'))).to.deep.equal([false, false, true, true]);
    // A name in a right-to-left script is set apart from the sentence around it.
    expect(items[1]!.querySelector('bdi')!.textContent).to.equal(ARABIC_NAME);
    await expect(el).to.be.accessible();

    // Until the server has said, nothing is listed (not an empty team).
    const unknown = await fixture<SettingsPage>(html`<settings-page .sync=${JOINED}></settings-page>`);
    expect(unknown.shadowRoot!.querySelector('ul.devices')).to.equal(null);
  });

  // The people in the room ask what becomes of what they say; the person holding the device, and
  // an agency's privacy officer, need the kit's own answer, true on any team's server.
  it('says what the kit keeps on the device and in the team, who sees it, and for how long deleted drafts stay', async () => {
    const el = await fixture<SettingsPage>(html`<settings-page></settings-page>`);
    const section = (): string => {
      const heading = el.shadowRoot!.querySelector('#kept')!;
      expect(heading.textContent).to.equal('What the kit keeps, and who sees it');
      return [heading.nextElementSibling!, heading.nextElementSibling!.nextElementSibling!]
        .map((e) => e.textContent!.replace(/\s+/g, ' ').trim())
        .join(' ');
    };
    const alone = section();
    expect(alone).to.contain('On this device: your drafts, the changes waiting to sync');
    expect(alone).to.contain(
      'In a team: each draft’s answers, with which device changed each and when, go to the team’s server and on to every device in the team.',
    );
    expect(alone).to.contain('no analytics, no advertising and no cookies');
    expect(alone).to.contain(`Deleted drafts can be restored for ${DELETED_KEEP_DAYS} days, then leave this device.`);
    expect(alone).to.contain('what is in a draft reaches your whole team.');
    el.sync = JOINED;
    await el.updateComplete;
    expect(section()).to.contain('In Riverside team: each draft’s answers');
    expect(el.shadowRoot!.querySelector('#kept + ul bdi')!.textContent, 'a team’s name set apart').to.equal(
      'Riverside team',
    );
    await expect(el).to.be.accessible();
  });

  it('counts a device silent from QUIET_DEVICE_DAYS on, as the team CLI does', () => {
    const day = 24 * 60 * 60 * 1000;
    const device = (lastSeenAt: number) => ({ id: 'd', name: 'Phone', lastSeenAt, you: false });
    const now = Date.UTC(2026, 10, 28, 12);
    expect(lastContact(device(now - QUIET_DEVICE_DAYS * day + 1), now).quiet).to.equal(false);
    expect(lastContact(device(now - QUIET_DEVICE_DAYS * day), now).quiet).to.equal(true);
  });

  // The field lead asking why Sam's answers look out of order sees why beside Sam's phone.
  it('says beside a teammate’s device that its clock is set apart from the server’s, and not beside this one', () => {
    const now = Date.UTC(2026, 10, 28, 12);
    const device = { id: 'd', name: 'Sam’s phone', lastSeenAt: now - 60_000, you: false, clockOffset: 3 * 86_400_000 };
    expect(lastContact(device, now).text).to.match(
      /^last reached the team’s server .+; its clock is 3 days behind the server’s$/,
    );
    expect(lastContact({ ...device, clockOffset: -2 * 3_600_000 }, now).text).to.match(
      /; its clock is 2 hours ahead of the server’s$/,
    );
    expect(lastContact({ ...device, clockOffset: null }, now).text).not.to.contain('clock');
    expect(lastContact({ ...device, you: true }, now).text, 'its own sync line says it').not.to.contain('clock');
  });

  it('lists the changes the server refused, says what discarding does, and discards the one asked', async () => {
    const refused = {
      seq: 7,
      draftId: '6b1e0a52-4a4f-4c1e-9d0e-2f6f3c1d8a90',
      draftTitle: 'Riverside consultation',
      kind: 'update',
      fields: ['achieve'],
      at: Date.UTC(2026, 10, 26, 3, 0),
    } as const;
    const el = await fixture<SettingsPage>(
      html`<settings-page
        .sync=${{ ...JOINED, rejected: [{ ...refused, rejected: 'An answer is too long.' }] }}
      ></settings-page>`,
    );
    const root = el.shadowRoot!;
    expect(root.querySelector('li')!.textContent).to.contain('An answer is too long.');
    // Which draft, so it can be opened and fixed.
    const link = root.querySelector<HTMLAnchorElement>('li a')!;
    expect(link.textContent).to.equal('Riverside consultation');
    expect(link.getAttribute('href')).to.equal(`/worksheet/${refused.draftId}`);
    expect(root.textContent).to.contain('Discarding one takes its draft back to the team’s version');
    const discard = [...root.querySelectorAll('li button')][0] as HTMLButtonElement;
    // A native button, so Enter and Space work it as a click does; its name says which change.
    expect(discard.textContent!.replace(/\s+/g, ' ').trim()).to.match(
      /^Discard the change to “Riverside consultation” of /,
    );
    setTimeout(() => discard.click());
    const event = (await oneEvent(el, 'rejected-discard')) as CustomEvent<{ seq: number }>;
    expect(event.detail.seq).to.equal(7);
    await expect(el).to.be.accessible();
  });

  it('names a team, a device and a draft in a right-to-left script right to left, set apart in their sentences', async () => {
    const el = await fixture<SettingsPage>(
      html`<settings-page
        .sync=${{
          ...JOINED,
          team: { id: 't', name: ARABIC_NAME },
          deviceName: ARABIC_NAME,
          rejected: [
            {
              seq: 7,
              draftId: '6b1e0a52-4a4f-4c1e-9d0e-2f6f3c1d8a90',
              draftTitle: ARABIC,
              kind: 'update',
              fields: ['achieve'],
              at: Date.UTC(2026, 10, 26, 3, 0),
              rejected: 'An answer is too long.',
            },
          ],
        }}
      ></settings-page>`,
    );
    const root = el.shadowRoot!;
    expect(readsRightToLeft(root.querySelector('#device-name')!), 'the device name field').to.equal(true);
    const team = [...root.querySelectorAll('p')].find((p) => p.textContent!.startsWith('Team:'))!;
    expect(readsRightToLeft(elementWithText(team, ARABIC_NAME))).to.equal(true);
    const row = root.querySelector('li')!;
    expect(readsRightToLeft(row), 'the row’s sentence stays English').to.equal(false);
    expect(readsRightToLeft(elementWithText(row, ARABIC))).to.equal(true);
    expect(readsRightToLeft(elementWithText(row.querySelector('button')!, ARABIC))).to.equal(true);
    const leave = [...root.querySelectorAll('button')].find((b) => b.textContent!.trim().startsWith('Leave'))!;
    expect(leave.innerText, 'as drawn').to.equal(`Leave ${ARABIC_NAME}…`);
    expect(readsRightToLeft(elementWithText(leave, ARABIC_NAME))).to.equal(true);
    // Another team's link: the question names both teams, each set apart.
    el.sync = {
      ...el.sync!,
      teamSwitch: {
        from: { id: 't', name: ARABIC_NAME },
        to: { id: 'u', name: 'Hillside team' },
        drafts: 2,
        waiting: 0,
      },
    };
    await el.updateComplete;
    const question = root.querySelector('#team-switch')!;
    expect(question.textContent!.trim()).to.equal(`Leave ${ARABIC_NAME} to join Hillside team?`);
    expect(readsRightToLeft(question), 'the question stays English').to.equal(false);
    expect(readsRightToLeft(elementWithText(question, ARABIC_NAME))).to.equal(true);
    const answers = [...root.querySelectorAll<HTMLButtonElement>('.team-switch button')].map((b) => b.innerText);
    expect(answers, 'as drawn').to.deep.equal(['Join Hillside team', `Stay in ${ARABIC_NAME}`]);
    await expect(el).to.be.accessible();
  });

  it('keeps a right-to-left title’s own punctuation at its end in the sentence that says it was discarded', async () => {
    // "We need more buses!", typed with the keyboard's own "!", which belongs to no script: in the
    // title it is drawn at its left end, where the title ends.
    const title = 'نحتاج حافلات أكثر!';
    const refused = {
      seq: 7,
      draftId: '6b1e0a52-4a4f-4c1e-9d0e-2f6f3c1d8a90',
      draftTitle: title,
      kind: 'update',
      fields: ['achieve'],
      at: Date.UTC(2026, 10, 26, 3, 0),
      rejected: 'An answer is too long.',
    } as const;
    const el = await fixture<SettingsPage>(
      html`<settings-page .sync=${{ ...JOINED, rejected: [refused] }}></settings-page>`,
    );
    const root = el.shadowRoot!;
    root.querySelector<HTMLButtonElement>('li button')!.click();
    el.sync = { ...JOINED, rejected: [] };
    await el.updateComplete;
    const said = root.querySelector('[role="status"] p')!;
    expect(said.textContent!.replace(/\s+/g, ' ')).to.contain(`Discarded the change to “${title}”.`);
    expect(readsRightToLeft(said), 'the sentence stays English').to.equal(false);
    expect(boxOf(said, '!').right, 'the “!” ends the title, at its left').to.be.at.most(boxOf(said, 'نحتاج').left);
    await expect(el).to.be.accessible();
  });

  it('after a discard, keeps keyboard focus off the next change’s Discard and says what was done', async () => {
    const change = (seq: number, draftTitle: string) =>
      ({
        seq,
        draftId: crypto.randomUUID(),
        draftTitle,
        kind: 'update',
        fields: ['achieve'],
        at: Date.UTC(2026, 10, 26, 3, seq),
        rejected: 'An answer is too long.',
      }) as const;
    const first = change(7, 'Riverside consultation');
    const second = change(9, 'Library hours');
    const el = await fixture<SettingsPage>(
      html`<settings-page .sync=${{ ...JOINED, rejected: [first, second] }}></settings-page>`,
    );
    const root = el.shadowRoot!;
    const focused = (): string | undefined => root.activeElement?.textContent?.replace(/\s+/g, ' ').trim();
    const press = async (title: string): Promise<number> => {
      const discard = [...root.querySelectorAll<HTMLButtonElement>('li button')].find((b) =>
        b.textContent!.includes(`“${title}”`),
      )!;
      discard.focus();
      setTimeout(() => discard.click()); // what Enter or Space on the focused button does
      return ((await oneEvent(el, 'rejected-discard')) as CustomEvent<{ seq: number }>).detail.seq;
    };

    expect(await press('Riverside consultation')).to.equal(7);
    el.sync = { ...JOINED, rejected: [second] }; // as the app hands the page the list once discarded
    await el.updateComplete;
    expect(focused()).to.equal('Changes the team’s server refused');
    expect(root.querySelector('[role="status"]')!.textContent).to.contain(
      'Discarded the change to “Riverside consultation”.',
    );
    await expect(el).to.be.accessible();

    expect(await press('Library hours')).to.equal(9);
    el.sync = { ...JOINED, rejected: [] };
    await el.updateComplete;
    expect(focused(), 'with the list gone, its section').to.equal('Team and sync');
    expect(root.querySelector('[role="status"]')!.textContent).to.contain('Discarded the change to “Library hours”.');
  });

  it('asks before another team’s link takes this device from its team, says what would be lost, and keeps focus in the section once answered', async () => {
    const teamSwitch = { from: JOINED.team!, to: { id: 'h', name: 'Hillside team' }, drafts: 4, waiting: 2 };
    const el = await fixture<SettingsPage>(html`<settings-page .sync=${{ ...JOINED, teamSwitch }}></settings-page>`);
    const root = el.shadowRoot!;
    const text = (node: Element | null): string => node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
    const question = root.querySelector('section.team-switch')!;
    expect(text(question.querySelector('h3'))).to.equal('Leave Riverside team to join Hillside team?');
    expect(text(question)).to.contain('takes Riverside team and its 4 drafts off this device');
    expect(text(question.querySelector('.warning'))).to.match(
      /^2 changes have not reached Riverside team’s server yet, and would be lost\./,
    );
    const buttons = [...question.querySelectorAll('button')].map((b) => text(b));
    expect(buttons).to.deep.equal(['Join Hillside team, losing 2 changes', 'Stay in Riverside team']);
    await expect(el).to.be.accessible();

    const stay = question.querySelectorAll('button')[1]!;
    stay.focus();
    setTimeout(() => stay.click());
    const answer = (await oneEvent(el, 'team-switch')) as CustomEvent<{ leave: boolean }>;
    expect(answer.detail.leave).to.equal(false);
    el.sync = { ...JOINED }; // as the app hands the page its state once answered
    await el.updateComplete;
    expect(root.querySelector('section.team-switch')).to.equal(null);
    expect(text(root.activeElement), 'focus did not fall to the page’s start').to.equal('Team and sync');

    el.sync = { ...JOINED, teamSwitch: { ...teamSwitch, drafts: 1, waiting: 0 } };
    await el.updateComplete;
    expect(root.querySelector('.team-switch .warning'), 'nothing to lose, no warning').to.equal(null);
    expect(text(root.querySelector('.team-switch button'))).to.equal('Join Hillside team');
    expect(text(root.querySelector('.team-switch'))).to.contain('takes Riverside team and its draft off');
  });

  it('asks before the device leaves its team alone, with focus on the question, and says the drafts would go', async () => {
    const el = await fixture<SettingsPage>(html`<settings-page .sync=${JOINED}></settings-page>`);
    const root = el.shadowRoot!;
    const text = (node: Element | null): string => node?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
    const leave = [...root.querySelectorAll('button')].find((b) => text(b) === 'Leave Riverside team…')!;
    leave.focus();
    setTimeout(() => leave.click());
    await oneEvent(el, 'team-leave');
    el.sync = { ...JOINED, teamSwitch: { from: JOINED.team!, to: null, drafts: 3, waiting: 0 } };
    await el.updateComplete;
    expect(text(root.activeElement)).to.equal('Leave Riverside team?');
    const question = root.querySelector('section.team-switch')!;
    expect(text(question)).to.contain(
      'Leaving takes Riverside team and its 3 drafts off this device, and it stops syncing',
    );
    expect([...question.querySelectorAll('button')].map((b) => text(b))).to.deep.equal([
      'Leave Riverside team',
      'Stay in Riverside team',
    ]);
    expect(
      [...root.querySelectorAll('button')].some((b) => text(b) === 'Leave Riverside team…'),
      'asked once at a time',
    ).to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('says whether a new device name was saved, as a status when it was and an alert when not', async () => {
    const el = await fixture<SettingsPage>(
      html`<settings-page
        .sync=${JOINED}
        .renameResult=${{ saved: true, message: 'Saved. Teammates now see this device as “Sam’s field phone”.' }}
      ></settings-page>`,
    );
    const root = el.shadowRoot!;
    const form = root.querySelector('form')!;
    expect(form.querySelector('[role="status"]')!.textContent).to.equal(
      'Saved. Teammates now see this device as “Sam’s field phone”.',
    );
    expect(form.querySelector('[role="alert"]')).to.equal(null);
    el.renameResult = { saved: false, message: 'The name was not saved: the team’s server cannot be reached.' };
    await el.updateComplete;
    expect(form.querySelector('[role="status"]')!.textContent).to.equal('');
    expect(form.querySelector('[role="alert"]')!.textContent).to.equal(
      'The name was not saved: the team’s server cannot be reached.',
    );
    await expect(el).to.be.accessible();
  });

  it('offers to try a join again that could not reach the server', async () => {
    const el = await fixture<SettingsPage>(
      html`<settings-page
        .sync=${{ ...JOINED, joined: false }}
        .joinMessage=${'This device has not joined the team yet: the team’s server cannot be reached from here.'}
        canRetryJoin
      ></settings-page>`,
    );
    const retry = [...el.shadowRoot!.querySelectorAll('button')].find(
      (b) => b.textContent!.trim() === 'Try joining now',
    )!;
    setTimeout(() => retry.click());
    await oneEvent(el, 'join-retry');
    await expect(el).to.be.accessible();
  });

  it('says when the device found the team’s server restored from a backup, and what it did about it', async () => {
    const el = await fixture<SettingsPage>(html`<settings-page .sync=${JOINED}></settings-page>`);
    expect(el.shadowRoot!.textContent).not.to.contain('restored from a backup');
    const found = Date.UTC(2026, 10, 27, 9, 30);
    el.sync = { ...JOINED, restoreFound: found };
    await el.updateComplete;
    const text = el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
    expect(text).to.contain(`On ${formatTime(found)} this device found the team’s server restored from a backup.`);
    expect(text).to.contain('queued for the server everything on this device that the backup did not have');
    await expect(el).to.be.accessible();
  });

  it('says whether the team’s changes reach the device while the kit is closed, and to open it before going out of signal', async () => {
    const el = await fixture<SettingsPage>(html`<settings-page .sync=${JOINED}></settings-page>`);
    const said = () => el.shadowRoot!.querySelector('.while-closed')!.textContent!.replace(/\s+/g, ' ').trim();
    expect(said()).to.equal(
      'The team’s changes reach this device while the kit is open with a signal. Before going out of signal, open the kit to carry the team’s latest.',
    );
    el.sync = { ...JOINED, whileClosed: true };
    await el.updateComplete;
    expect(said()).to.match(/^While the kit is closed, this device also fetches the team’s changes now and then/);
    expect(said()).to.contain('Before going out of signal, open the kit');
    await expect(el).to.be.accessible();
  });

  it('says when the kit looks for its updates, in a team or not, and that a new one waits for Reload', async () => {
    const el = await fixture<SettingsPage>(html`<settings-page></settings-page>`);
    const updates = () => el.shadowRoot!.querySelector('.updates')!.textContent!.replace(/\s+/g, ' ').trim();
    expect(updates()).to.equal(
      'The kit looks for its updates (new guidance among them) while it is open with a signal. A new one waits, downloaded, until you press Reload on its notice.',
    );
    // Woken while closed (an installed kit in Chromium): a device in no team too.
    el.sync = { ...JOINED, joined: false, team: null, whileClosed: true };
    await el.updateComplete;
    expect(updates()).to.contain('while it is open with a signal, and now and then while it is closed.');
    await expect(el).to.be.accessible();
  });

  it('says to copy the join link by hand where the browser will not let the kit copy it', async () => {
    const el = await fixture<SettingsPage>(html`<settings-page .sync=${JOINED}></settings-page>`);
    const root = el.shadowRoot!;
    // As a browser refuses, for a page not in focus or with the permission withheld (the browser's
    // API, not the kit's, stands in for that here).
    const clipboard = navigator.clipboard;
    const refuse = (): Promise<void> => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
    Object.defineProperty(clipboard, 'writeText', { value: refuse, configurable: true });
    try {
      [...root.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Copy link')!.click();
      await waitUntil(() => root.querySelector('[role="status"] p'), 'Copy link says what came of it');
    } finally {
      delete (clipboard as unknown as Record<string, unknown>)['writeText'];
    }
    expect(root.querySelector('[role="status"] p')!.textContent).to.equal(
      'The link could not be copied here: select it above and copy it.',
    );
    expect(typeof navigator.clipboard.writeText, 'the browser’s own again').to.equal('function');
    await expect(el).to.be.accessible();
  });

  it('tells a device whose team’s drafts were erased what became of them, and how to join a team again', async () => {
    const erasedAt = Date.UTC(2026, 10, 28, 4, 20);
    const el = await fixture<SettingsPage>(
      html`<settings-page .sync=${{ ...JOINED, joined: false, team: null, joinLink: null, erasedAt }}></settings-page>`,
    );
    const text = el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
    expect(text).to.contain(
      `The team’s drafts were erased from this device on ${formatTime(erasedAt)}: it was reported lost.`,
    );
    expect(text).to.contain('To work with a team again, open its join link on this device');
    expect(text, 'not news to a device that was in a team').not.to.contain('not in a team yet');
    expect(el.shadowRoot!.querySelector('#join-link'), 'a link can be pasted').not.to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('tells a device outside any team how to join', async () => {
    const el = await fixture<SettingsPage>(html`<settings-page .sync=${{ ...JOINED, joined: false }}></settings-page>`);
    expect(el.shadowRoot!.textContent).to.contain('This device is not in a team yet');
    await expect(el).to.be.accessible();
  });

  it('asks a device taken out of its team to open its link again or paste it, and rejoins with it', async () => {
    const el = await fixture<SettingsPage>(
      html`<settings-page .sync=${{ ...JOINED, problem: 'rejoin', message: 'revoked' }}></settings-page>`,
    );
    const root = el.shadowRoot!;
    expect(root.textContent!.replace(/\s+/g, ' ')).to.contain(
      'To rejoin, open the team’s join link on this device again: everything on it stays',
    );
    const field = root.querySelector<HTMLInputElement>('#join-link')!;
    const rejoin = [...root.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Rejoin the team')!;
    await expect(el).to.be.accessible();
    field.value = JOINED.joinLink!.replace('http://127.0.0.1:8080', location.origin);
    field.focus();
    setTimeout(() => rejoin.click());
    const { detail } = await oneEvent(el, 'join-code');
    expect(detail).to.deep.equal({ code: JOINED.joinLink!.split('#')[1] });
    el.sync = JOINED;
    await el.updateComplete;
    expect(root.querySelector('#join-link')).to.equal(null);
    expect(root.activeElement).to.equal(root.querySelector('#team'));
  });

  it('joins with a link pasted where the device cannot open it, and says by the field why one will not do', async () => {
    const el = await fixture<SettingsPage>(html`<settings-page .sync=${{ ...JOINED, joined: false }}></settings-page>`);
    const root = el.shadowRoot!;
    const field = root.querySelector<HTMLInputElement>('#join-link')!;
    const join = [...root.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Join the team')!;
    expect(field.labels![0]!.textContent).to.equal('Or paste the join link here');
    await expect(el).to.be.accessible();

    field.value = 'https://kit.other.example/join#abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    let asked = 0;
    el.addEventListener('join-code', () => (asked += 1));
    join.click();
    await el.updateComplete;
    const problem = root.querySelector('#join-link-problem')!;
    expect(problem.getAttribute('role')).to.equal('alert');
    expect(problem.textContent).to.contain('That join link is for the kit at kit.other.example');
    expect(field.getAttribute('aria-invalid')).to.equal('true');
    expect(field.getAttribute('aria-describedby')).to.equal('join-link-hint join-link-problem');
    expect(field.value, 'what was pasted stays, to be mended').to.contain('kit.other.example');
    expect(asked).to.equal(0);
    await expect(el).to.be.accessible();

    const code = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    field.value = ` ${location.origin}/join#${code}\n`;
    field.focus();
    setTimeout(() => field.form!.requestSubmit());
    const { detail } = await oneEvent(el, 'join-code');
    expect(detail).to.deep.equal({ code });
    await el.updateComplete;
    expect(root.querySelector('#join-link-problem')).to.equal(null);
    expect(field.getAttribute('aria-invalid')).to.equal('false');

    // Joined: the form goes, and focus with it to the section that says so, not to the page's start.
    el.sync = JOINED;
    await el.updateComplete;
    expect(root.querySelector('#join-link')).to.equal(null);
    expect(root.activeElement).to.equal(root.querySelector('#team'));
    await expect(el).to.be.accessible();
  });
});
