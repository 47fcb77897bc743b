import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import type { InstallOption } from '../controllers/install-controller.js';
import type { OfflineReadiness } from '../controllers/offline-ready-controller.js';
import type { SyncStatus, TeammateDevice } from '../controllers/sync-controller.js';
import { formStyles } from '../styles/form-styles.js';
import { formatTime } from '../text/format-time.js';
import type { StorageStatus } from '../data/storage-status.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { formatBytes } from '../text/format-bytes.js';
import { formatCount } from '../text/format-count.js';
import { clockApart } from '../text/clock-apart.js';
import { cleanName, QUIET_DEVICE_DAYS } from '../sync/protocol.js';
import { DELETED_KEEP_DAYS } from '../data/draft.js';
import { joinCodeOf } from '../sync/join-code.js';
import './install-button.js';
import './offline-readiness.js';
import './qr-code.js';
import { erasedSummary } from './sync-status.js';
import { PageView } from './page-view.js';
import { appPath } from '../routing/app-base.js';

/** What came of renaming the device, in words (a name the user gave set apart in `<bdi>`). */
export interface RenameResult {
  readonly saved: boolean;
  readonly message: string | TemplateResult;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When a device of the team last reached its server, in words; `quiet` when it has not for
 * QUIET_DEVICE_DAYS (or never that the server noted): lost, left in a drawer, or holding changes.
 */
export function lastContact(
  device: TeammateDevice,
  now = Date.now(),
): { readonly text: string; readonly quiet: boolean } {
  const at = device.lastSeenAt;
  if (at === null) return { text: 'not known to have reached the team’s server', quiet: true };
  if (now - at >= QUIET_DEVICE_DAYS * DAY_MS)
    return {
      text: `silent since ${formatTime(at)}: if it is lost or no longer used, ask whoever runs the team’s server to revoke it`,
      quiet: true,
    };
  // A teammate's answers that look out of order, or timed days off, are explained here; this
  // device's own clock is told by its sync line.
  const offset = device.you ? null : device.clockOffset;
  const clock = offset ? `; its clock is ${clockApart(offset)} the server’s` : '';
  return { text: `last reached the team’s server ${formatTime(at)}${clock}`, quiet: false };
}

/** Settings and facts about this copy of the kit. */
@customElement('settings-page')
export class SettingsPage extends PageView {
  static override styles = [
    sharedStyles,
    formStyles,
    css`
      .join-link {
        overflow-wrap: anywhere;
      }
      .quiet {
        border-left: 6px solid var(--color-warning);
        padding-left: var(--space-2);
      }
      .team-switch .warning {
        border-left: 6px solid var(--color-warning);
        padding-left: var(--space-2);
      }
      .kept li + li {
        margin-top: var(--space-2);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: var(--space-2) var(--space-3);
      }
    `,
  ];

  @property() installOption: InstallOption = 'none';

  /** The team and sync state; `null` while drafts are not open yet. */
  @property({ attribute: false }) sync: SyncStatus | null = null;

  /** What happened to the last join link opened here, in words. */
  @property({ attribute: false }) joinMessage: string | TemplateResult = '';

  /** A join that could not reach the server can be tried again (the shell keeps its code). */
  @property({ type: Boolean }) canRetryJoin = false;

  /** Why the last Discard of a refused change was not done, to try again; null when it was. */
  @property({ attribute: false }) discardError: string | null = null;

  /** What came of the last "Save name": saved, or why not (the name is kept in the field to try again). */
  @property({ attribute: false }) renameResult: RenameResult | null = null;

  /** Whether the kit is saved on this device for use without a signal. */
  @property() offline: OfflineReadiness = 'ready';

  /** How the device stores the kit's data; `null` while unknown or unsupported. */
  @property({ attribute: false }) storage: StorageStatus | null = null;

  /** The build this page runs (see VERSION_META), or null when the page does not name one. */
  @property({ attribute: false }) version: string | null = null;

  private _storage() {
    const s = this.storage;
    if (!s) return html`<p>This browser does not say how it stores the kit’s data.</p>`;
    return html`
      <p>
        ${
          s.persisted
            ? 'Your drafts are kept safe on this device: the browser will not clear them to free up space.'
            : 'The browser may clear the kit’s data if this device runs very low on space. Installing the kit, or saving a draft, asks the browser to keep it.'
        }
      </p>
      ${
        s.usage !== null && s.quota !== null
          ? html`<p>The kit uses ${formatBytes(s.usage)} of the ${formatBytes(s.quota)} this browser allows it.</p>`
          : nothing
      }
    `;
  }

  // Plain fields, not reactive state: a discard needs no render of its own, and what it did is
  // worked out in willUpdate, as the `sync` without it renders.
  /** The refused change the user last discarded, until the list no longer has it. */
  private _discarding: { readonly seq: number; readonly title: string } | null = null;

  /** What the last discard did, for the status line. */
  private _discarded: TemplateResult | null = null;

  private _discard(seq: number, title: string): void {
    this._discarding = { seq, title };
    this.dispatchEvent(new CustomEvent('rejected-discard', { detail: { seq }, bubbles: true, composed: true }));
  }

  /** Set when a discard has left the list, until focus has been seen to. */
  private _refocus = false;

  override willUpdate(changed: PropertyValues<this>): void {
    // Not done: a later sync that takes the change off the list did not discard it.
    if (changed.has('discardError') && this.discardError) this._discarding = null;
    const discarding = this._discarding;
    if (!changed.has('sync') || !discarding || this.sync?.rejected.some((e) => e.seq === discarding.seq)) return;
    this._discarding = null;
    this._discarded = html`Discarded the change to “<bdi>${discarding.title}</bdi>”. The draft goes back to the team’s
    version at the next sync.`;
    this._refocus = true;
  }

  override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    if (this._askedToLeave && this.sync?.teamSwitch) {
      // The question appears above the button that asked it: focus goes to it, to be read first.
      this._askedToLeave = false;
      this.renderRoot.querySelector<HTMLElement>('#team-switch')?.focus();
    }
    if (this._answered && !this.sync?.teamSwitch) {
      // The question took its focused button with it: focus goes to the section the answer is told in.
      this._answered = false;
      this.refocus(this.renderRoot.querySelector<HTMLElement>('#team'));
    }
    if (this._joinAsked && this.sync?.joined && this.sync.problem !== 'rejoin') {
      // The form went with the join, its button with it: focus goes to the section that says so.
      this._joinAsked = false;
      this.refocus(this.renderRoot.querySelector<HTMLElement>('#team'));
    }
    if (!this._refocus) return;
    this._refocus = false;
    // The discarded row took its focused button with it. Focus goes to the list's heading (or the
    // section's, once the list is empty) rather than to the page's start, and never to the next
    // row's Discard, where a second Enter would throw away another change.
    const root = this.renderRoot;
    this.refocus(root.querySelector<HTMLElement>('#refused') ?? root.querySelector<HTMLElement>('#team'));
  }

  /** Set when the user has answered a team switch, until focus has been seen to. */
  private _answered = false;

  private _answerTeamSwitch(leave: boolean): void {
    this._answered = true;
    this.dispatchEvent(new CustomEvent('team-switch', { detail: { leave }, bubbles: true, composed: true }));
  }

  /** Set when the user has asked to leave the team, until the question has taken focus. */
  private _askedToLeave = false;

  private _askToLeave(): void {
    this._askedToLeave = true;
    this.dispatchEvent(new Event('team-leave', { bubbles: true, composed: true }));
  }

  /** Leaving the team, put to the user: for another team's join link opened here, or alone. */
  private _teamSwitch() {
    const ask = this.sync?.teamSwitch;
    if (!ask) return nothing;
    const { from, to } = ask;
    const drafts = ask.drafts === 0 ? '' : ask.drafts === 1 ? ' and its draft' : ` and its ${ask.drafts} drafts`;
    const waiting = formatCount(ask.waiting, 'change');
    const losing = ask.waiting > 0 ? `, losing ${waiting}` : '';
    // Team names set apart in the sentences: one in Arabic neither reorders them nor is reordered.
    // In a button, the words go in one span: a button lays its content out as flex items, and a
    // name on its own item would lose the spaces around it.
    const fromName = html`<bdi>${from.name}</bdi>`;
    const toName = to ? html`<bdi>${to.name}</bdi>` : nothing;
    return html`<section class="team-switch" aria-labelledby="team-switch">
      <h3 id="team-switch" tabindex="-1">
        ${to ? html`Leave ${fromName} to join ${toName}?` : html`Leave ${fromName}?`}
      </h3>
      <p>
        ${
          to
            ? html`A device works for one team at a time. Joining ${toName} takes ${fromName}${drafts} off this device;`
            : html`Leaving takes ${fromName}${drafts} off this device, and it stops syncing;`
        }
        ${fromName}’s server keeps what reached it.
      </p>
      ${
        ask.waiting > 0
          ? html`<p class="warning">
              <strong
                >${waiting} ${ask.waiting === 1 ? 'has' : 'have'} not reached ${fromName}’s server yet, and would be
                lost.</strong
              >
              Sync first (Sync now, below), or keep a copy of a draft with its “Download as JSON”.
            </p>`
          : nothing
      }
      <p class="actions">
        <button class="button" @click=${() => this._answerTeamSwitch(true)}>
          <span>${to ? html`Join ${toName}` : html`Leave ${fromName}`}${losing}</span>
        </button>
        <button class="button secondary" @click=${() => this._answerTeamSwitch(false)}>
          <span>Stay in ${fromName}</span>
        </button>
      </p>
    </section>`;
  }

  private _rename(event: SubmitEvent): void {
    event.preventDefault();
    const typed = new FormData(event.target as HTMLFormElement).get('device-name');
    // A tab or line break pasted in would have the server refuse the name: it goes as a space.
    const name = typeof typed === 'string' ? cleanName(typed) : '';
    if (name) this.dispatchEvent(new CustomEvent('device-rename', { detail: { name }, bubbles: true, composed: true }));
  }

  /** Why the last join link pasted here holds no code, in words; empty when it held one. */
  @state() private _joinProblem = '';

  private _joinPasted(event: SubmitEvent): void {
    event.preventDefault();
    const typed = new FormData(event.target as HTMLFormElement).get('join-link');
    const reading = joinCodeOf(typeof typed === 'string' ? typed : '', location.origin);
    if ('problem' in reading) {
      this._joinProblem = reading.problem;
      return;
    }
    this._joinProblem = '';
    this._joinAsked = true;
    this.dispatchEvent(new CustomEvent('join-code', { detail: { code: reading.code }, bubbles: true, composed: true }));
  }

  /** Set when a pasted link was sent to join, until its form has gone with the join and focus is seen to. */
  private _joinAsked = false;

  /** What came of the last Copy link, in words; empty before one. */
  @state() private _linkCopied = '';

  /** Puts the team's join link on the clipboard, to send in a message: a long address is fiddly to select on a phone. */
  private async _copyLink(link: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(link);
      this._linkCopied = 'Link copied. Paste it in a message to a teammate; anyone with it can join the team.';
    } catch {
      this._linkCopied = 'The link could not be copied here: select it above and copy it.';
    }
  }

  /** Offers the join link to the phone's share sheet (a message, an email). */
  private async _shareLink(link: string): Promise<void> {
    const team = this.sync?.team?.name;
    // Dismissing the sheet rejects; nothing to say about that.
    await navigator
      .share({
        title: team ? `Join ${team} in the Engagement Field Kit` : 'Join the team in the Engagement Field Kit',
        url: link,
      })
      .catch(() => undefined);
  }

  /** A join link pasted or typed, for a kit that cannot open links itself (see {@link joinCodeOf}). */
  private _joinForm(action: 'Join the team' | 'Rejoin the team') {
    return html`<form @submit=${this._joinPasted} novalidate>
      <label for="join-link">Or paste the join link here</label>
      <p class="hint" id="join-link-hint">
        Where the link opens in another browser, not in this kit (as an iPhone does for a kit added to its home screen),
        copy the whole link and paste it here.
      </p>
      <input
        id="join-link"
        name="join-link"
        type="text"
        inputmode="url"
        autocomplete="off"
        autocapitalize="off"
        spellcheck="false"
        aria-describedby=${this._joinProblem ? 'join-link-hint join-link-problem' : 'join-link-hint'}
        aria-invalid=${this._joinProblem ? 'true' : 'false'}
      />
      ${this._joinProblem ? html`<p id="join-link-problem" role="alert">${this._joinProblem}</p>` : nothing}
      <p><button class="button secondary" type="submit">${action}</button></p>
    </form>`;
  }

  private _team() {
    const s = this.sync;
    if (s && !s.joined && s.erasedAt !== null) {
      return html`<p>${erasedSummary(s.erasedAt)}</p>
        <p>To work with a team again, open its join link on this device: your team lead can give it to you.</p>
        ${this._joinForm('Join the team')}`;
    }
    if (!s?.joined) {
      return html`<p>
          This device is not in a team yet, so drafts stay on it. To join, open your team’s join link on this device:
          scan the QR code on a teammate’s Settings page, or open the link your team lead printed.
        </p>
        ${this._joinForm('Join the team')}`;
    }
    return html`
      <p>Team: <strong dir="auto">${s.team?.name ?? '…'}</strong></p>
      <sync-status .status=${s}></sync-status>
      <p class="while-closed">
        ${
          s.whileClosed
            ? 'While the kit is closed, this device also fetches the team’s changes now and then, as often as its browser allows (a few times a day at most).'
            : 'The team’s changes reach this device while the kit is open with a signal.'
        }
        Before going out of signal, open the kit to carry the team’s latest.
      </p>
      ${
        s.problem === 'rejoin'
          ? html`<p>
                To rejoin, open the team’s join link on this device again: everything on it stays, and syncs once it has
                rejoined.
              </p>
              ${this._joinForm('Rejoin the team')}`
          : nothing
      }
      ${
        s.restoreFound
          ? html`<p>
              On ${formatTime(s.restoreFound)} this device found the team’s server restored from a backup. It took the
              team’s drafts in again, and queued for the server everything on this device that the backup did not have.
            </p>`
          : nothing
      }
      <div role="status">${this._discarded ? html`<p>${this._discarded}</p>` : nothing}</div>
      ${
        s.rejected.length
          ? html`<h3 id="refused" tabindex="-1">Changes the team’s server refused</h3>
              <p>
                Discarding one takes its draft back to the team’s version of the answers the server would not take, at
                the next sync; any other answers in it still go to the team. A change to a draft the server has erased
                takes the draft back to deleted: to keep its answers, open the draft and keep them as a new draft first.
              </p>
              <ul class="refused">
                ${s.rejected.map((e) =>
                  // Each row is its change's own: when one leaves, the next is not drawn into its
                  // place (with the focus a Discard had), but anew.
                  keyed(
                    e.seq,
                    html`<li>
                      <a href=${appPath(`/worksheet/${e.draftId}`)} dir="auto">${e.draftTitle}</a>, ${formatTime(e.at)}:
                      ${e.rejected}
                      <button
                        class="button secondary"
                        @click=${() => e.seq !== undefined && this._discard(e.seq, e.draftTitle)}
                      >
                        Discard<span class="visually-hidden">
                          the change to “<bdi>${e.draftTitle}</bdi>” of ${formatTime(e.at)}</span
                        >
                      </button>
                    </li>`,
                  ),
                )}
              </ul>
              ${this.discardError ? html`<p id="discard-error" role="alert">${this.discardError}</p>` : nothing}`
          : nothing
      }
      <form @submit=${this._rename}>
        <label for="device-name">This device’s name</label>
        <p class="hint" id="device-name-hint">Teammates see it beside your changes.</p>
        <input
          id="device-name"
          name="device-name"
          type="text"
          dir="auto"
          maxlength="80"
          aria-describedby="device-name-hint"
          .value=${s.deviceName ?? ''}
        />
        <p><button class="button secondary" type="submit">Save name</button></p>
        <div role="status">${this.renameResult?.saved ? html`<p>${this.renameResult.message}</p>` : nothing}</div>
        ${this.renameResult && !this.renameResult.saved ? html`<p role="alert">${this.renameResult.message}</p>` : nothing}
      </form>
      ${
        s.devices
          ? html`<h3>The team’s devices</h3>
              <p class="hint">
                When each last reached the team’s server, to the
                hour${s.devicesAt === null ? nothing : html`, as the server said on ${formatTime(s.devicesAt)}`}. A
                teammate’s change the team does not have yet is on a device that has not reached it since.
              </p>
              <ul class="devices">
                ${s.devices.map((d) => {
                  const contact = lastContact(d);
                  return html`<li class=${contact.quiet ? 'quiet' : nothing}>
                    <bdi>${d.name}</bdi>${d.you ? ' (this device)' : nothing}: ${contact.text}
                  </li>`;
                })}
              </ul>`
          : nothing
      }
      ${
        s.joinLink
          ? html`<h3>Invite a teammate</h3>
              <p>Open this link on their device, or let them scan the code. Anyone with it can join the team.</p>
              <p><code class="join-link">${s.joinLink}</code></p>
              <p class="actions">
                <button class="button secondary" @click=${() => void this._copyLink(s.joinLink!)}>Copy link</button>
                ${
                  'share' in navigator
                    ? html`<button class="button secondary" @click=${() => void this._shareLink(s.joinLink!)}>
                        Share link
                      </button>`
                    : nothing
                }
              </p>
              <div role="status">${this._linkCopied ? html`<p>${this._linkCopied}</p>` : nothing}</div>
              <qr-code .value=${s.joinLink} label="QR code of the team’s join link"></qr-code>`
          : nothing
      }
      ${
        s.teamSwitch
          ? nothing
          : html`<h3>Leave the team</h3>
              <p>
                For a device handed on, or no longer used for ${s.team ? html`<bdi>${s.team.name}</bdi>` : 'the team'}:
                its drafts leave the device, and it stops syncing.
              </p>
              <p>
                <button class="button secondary" @click=${this._askToLeave}>
                  <span>Leave ${s.team ? html`<bdi>${s.team.name}</bdi>` : 'the team'}…</span>
                </button>
              </p>`
      }
    `;
  }

  /**
   * What the kit keeps, where, and who sees it: for the person holding the device, and for the
   * people in the room who ask what becomes of what they say. Facts of the kit itself, true on any
   * team's server; the agency's own privacy notice is the agency's to give.
   */
  private _kept() {
    const s = this.sync;
    const team = s?.joined && s.team ? html`<bdi>${s.team.name}</bdi>` : 'a team';
    return html`<h2 id="kept" tabindex="-1">What the kit keeps, and who sees it</h2>
      <ul class="kept">
        <li>
          <strong>On this device:</strong> your drafts, the changes waiting to sync, and this device’s name and key to
          its team, in this browser’s storage for the kit.
        </li>
        <li>
          <strong>In ${team}:</strong> each draft’s answers, with which device changed each and when, go to the team’s
          server and on to every device in the team. The server also notes when each device last reached it, and its
          logs may hold each device’s network address.
        </li>
        <li>
          <strong>Nothing else:</strong> no analytics, no advertising and no cookies. The kit fetches nothing from any
          other site.
        </li>
        <li>
          <strong>Deleted drafts</strong> can be restored for ${DELETED_KEEP_DAYS} days, then leave this device. The
          team’s server erases their answers after the days set by whoever runs it (${DELETED_KEEP_DAYS} unless they
          changed it); its backups hold them until those are replaced.
        </li>
      </ul>
      <p>
        Write down only what the strategy needs about the people in the room: what is in a draft reaches your whole
        team.
      </p>`;
  }

  override render() {
    return html`
      <h1 tabindex="-1">Settings</h1>
      <h2>Storage on this device</h2>
      <offline-readiness always .readiness=${this.offline}></offline-readiness>
      ${this._storage()}
      <h2 id="team" tabindex="-1">Team and sync</h2>
      ${this.joinMessage ? html`<p role="alert">${this.joinMessage}</p>` : nothing} ${this._teamSwitch()}
      ${
        this.canRetryJoin
          ? html`<p>
              <button
                class="button secondary"
                @click=${() => this.dispatchEvent(new Event('join-retry', { bubbles: true, composed: true }))}
              >
                Try joining now
              </button>
            </p>`
          : nothing
      }
      ${this._team()} ${this._kept()}
      <h2>Display</h2>
      <p>
        The kit follows your device’s light or dark appearance and its reduced-motion setting. Text grows with your
        browser’s text size and zoom.
      </p>
      <h2>About this kit</h2>
      <p>
        Version <span class="version">${this.version ?? 'not known (a build for development)'}</span>. Say it when you
        report a problem; your IT team can tell from it whether this device has the kit’s latest update.
      </p>
      <p class="updates">
        ${
          this.sync?.whileClosed
            ? 'The kit looks for its updates (new guidance among them) while it is open with a signal, and now and then while it is closed.'
            : 'The kit looks for its updates (new guidance among them) while it is open with a signal.'
        }
        A new one waits, downloaded, until you press Reload on its notice.
      </p>
      <h2>Install</h2>
      ${
        // Last: the browser offers installing after the page is shown, which changes this section's
        // height, and nothing below it should move.
        this.installOption === 'none'
          ? html`<p>
              Open the kit from your browser’s menu to add it to your home screen, where the browser offers it. Once
              opened with a connection, the kit works offline either way.
            </p>`
          : html`<install-button .option=${this.installOption}></install-button>`
      }
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'settings-page': SettingsPage;
  }
}
