import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { SyncStatus } from '../controllers/sync-controller.js';
import { sharedStyles } from '../styles/shared-styles.js';
import { formatTime } from '../text/format-time.js';
import { formatCount } from '../text/format-count.js';
import { clockApart } from '../text/clock-apart.js';
import { appPath } from '../routing/app-base.js';

/** What the kit says once it has erased the team's drafts from a device reported lost. */
export function erasedSummary(at: number): string {
  return `The team’s drafts were erased from this device on ${formatTime(at)}: it was reported lost. The team’s server still has every draft that reached it.`;
}

/** The sync line in words: waiting and sent never look the same. */
export function syncSummary(s: SyncStatus): string {
  if (!s.joined)
    return s.erasedAt !== null
      ? erasedSummary(s.erasedAt)
      : 'Drafts are saved on this device only. Join a team in Settings to share them.';
  if (s.problem === 'rejoin') return 'Sync is paused: this device needs to rejoin the team. Nothing on it is lost.';
  if (s.syncing) return 'Syncing…';
  const waiting = formatCount(s.waiting, 'change');
  if (s.waiting > 0 && s.problem === 'offline') return `${waiting} waiting for a connection.`;
  if (s.waiting > 0 && s.problem === 'storage')
    return `${waiting} waiting: this device’s storage is full or not answering, so sync is held. Nothing is lost; free up some space and the kit will try again.`;
  if (s.waiting > 0 && s.problem === 'server-full')
    return `${waiting} waiting: the team’s server has run out of space. They are kept on this device and go when the server has room; if this lasts, tell whoever runs it.`;
  if (s.waiting > 0 && s.problem === 'server')
    return `${waiting} waiting: the team’s server had a problem. The kit will try again.`;
  if (s.waiting > 0 && s.problem === 'server-too-large')
    return `${waiting} waiting: too large for the team’s server, or a proxy in front of it, to take. They are kept on this device while your other changes go; tell whoever runs the server to allow larger requests.`;
  if (s.waiting > 0 && s.problem === 'server-blocked')
    return `${waiting} waiting: refused on the way to the team’s server by a firewall in front of it, for some of their words (code pasted into an answer, such as a web page’s, can look like an attack to one). They are kept on this device while your other changes go; take such words out of the drafts marked “Refused on the way”, or tell whoever runs the server.`;
  if (s.waiting > 0 && s.problem === 'server-refused')
    return `${waiting} waiting: the team’s server refused them. They are kept on this device, and go again when you next edit, come back to the kit or tap Sync now; if this goes on, tell whoever runs the server.`;
  if (s.waiting > 0) return `${waiting} waiting to sync.`;
  return 'All changes synced.';
}

/**
 * What the kit says of a device clock a sync found wrong (see SyncStatus.clockOffset), or null
 * while it agrees with the team server's. The times on drafts, and which of two edits of an answer
 * came later, depend on it; a clock set to update itself stays right.
 */
export function clockSummary(offset: number, full = true): string | null {
  if (offset === 0) return null;
  const told = `This device’s clock is ${clockApart(offset)} the team’s server`;
  // Above every page's work, a line; in Settings, what the kit does about it meanwhile.
  if (!full) return `${told}: set its date and time to update automatically.`;
  return `${told}. In the device’s settings, set its date and time to update automatically (if they already do, the server’s clock may be wrong: tell whoever runs it). Meanwhile the kit times your changes by the server’s clock, so the team sees them in order.`;
}

/**
 * What a screen reader is told of sync: a problem as it begins, and its end. Not the line's every
 * turn ("1 change waiting", "Syncing…", "All changes synced" after each pause in typing, or a
 * count going up with each edit offline), which the worksheet's own save status keeps quiet too;
 * the line itself can be read at any time. Words of their own, apart from the line's.
 */
export function syncAnnouncement(problem: SyncStatus['problem'], before: SyncStatus['problem']): string | null {
  switch (problem) {
    case 'offline':
      return 'Sync cannot reach the team’s server. Your changes are kept on this device.';
    case 'rejoin':
      return 'Sync is paused until this device rejoins the team.';
    case 'storage':
      return 'Sync is held: this device’s storage is full.';
    case 'server-full':
      return 'Sync is held: the team’s server is out of space.';
    case 'server':
      return 'Sync met a problem on the team’s server.';
    case 'server-refused':
      return 'The team’s server refused this device’s changes. They are kept on this device.';
    case 'server-too-large':
      return 'Some of this device’s changes are too large for the team’s server to take. They are kept on this device.';
    case 'server-blocked':
      return 'A firewall refused some of this device’s changes on the way to the team’s server. They are kept on this device.';
    case null:
      return before === null ? null : 'Sync is working again.';
  }
}

/**
 * The team sync status, with "Sync now".
 *
 * @fires sync-now - the user asked to sync now
 */
@customElement('sync-status')
export class SyncStatusView extends LitElement {
  static override styles = [
    sharedStyles,
    css`
      .line {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--space-2) var(--space-3);
      }
      p {
        margin: 0;
      }
      .waiting {
        border-left: 6px solid var(--color-warning);
        padding-left: var(--space-2);
      }
      .clock {
        margin-top: var(--space-2);
      }
      .synced {
        border-left: 6px solid var(--color-accent);
        padding-left: var(--space-2);
      }
    `,
  ];

  @property({ attribute: false }) status: SyncStatus | undefined;

  /** What the live region says: the last change of problem, or nothing yet. */
  private _announced = '';

  override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('status')) return;
    const old = changed.get('status') as SyncStatus | undefined;
    const before = old?.problem ?? null;
    const now = this.status?.problem ?? null;
    if (now !== before) this._announced = syncAnnouncement(now, before) ?? this._announced;
    // Heard once as a sync finds it (or the kit opens knowing it), not at each sync after.
    if (!old?.clockOffset && this.status?.joined && this.status.clockOffset)
      this._announced =
        'This device’s clock is wrong. The kit times your changes by the team’s server until it is set right.';
    // Heard as it happens (the drafts leave the screen with it), not each time the line is drawn.
    if (old && old.erasedAt === null && this.status?.erasedAt != null)
      this._announced = 'The team’s drafts were erased from this device: it was reported lost.';
  }

  /** Shown outside Settings: a device that must rejoin is pointed to where it can. */
  @property({ type: Boolean }) settingsLink = false;

  override render() {
    const s = this.status;
    if (!s) return nothing;
    const waiting = s.waiting > 0 || s.problem !== null;
    const clock = s.joined ? clockSummary(s.clockOffset, !this.settingsLink) : null;
    return html`<div class="line">
        <p class="visually-hidden" role="status">${this._announced}</p>
        <p class=${s.joined ? (waiting ? 'waiting' : 'synced') : s.erasedAt !== null ? 'waiting' : ''}>
          <span>${syncSummary(s)}</span>
          ${
            s.joined && s.lastSynced !== null && s.problem !== 'rejoin'
              ? html`<span class="last-synced">Last synced ${formatTime(s.lastSynced)}.</span>`
              : nothing
          }
        </p>
        ${s.joined && s.problem === 'rejoin' && this.settingsLink ? html`<a href=${appPath('/settings#team')}>Rejoin in Settings</a>` : nothing}
        ${
          s.joined && s.problem !== 'rejoin'
            ? html`<button
                class="button secondary"
                ?disabled=${s.syncing}
                @click=${() => this.dispatchEvent(new Event('sync-now', { bubbles: true, composed: true }))}
              >
                Sync now
              </button>`
            : nothing
        }
      </div>
      ${clock ? html`<p class="waiting clock">${clock}</p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sync-status': SyncStatusView;
  }
}
