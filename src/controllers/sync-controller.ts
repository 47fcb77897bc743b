import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { DraftStore } from '../data/draft-store.js';
import { storageFailureOf } from '../data/storage-error.js';
import type { ConnectionMonitor } from '../net/connection-monitor.js';
import { wakeWhileClosed } from '../net/periodic-sync.js';
import { draftTitle, type OutboxEntry } from '../data/draft.js';
import { eraseLostDevice, isEraseOrder } from '../sync/erase-lost-device.js';
import { leaveTeamWith, revokeLeft } from '../sync/leave-team.js';
import { SYNC_TAG, runSync, withSyncHeld } from '../sync/run-sync.js';
import { SYNC_META } from '../sync/sync-meta.js';
import { heldBackOf, type HeldBackDraft } from '../sync/held-back.js';
import {
  CHANGES_WAIT_MIN_MS,
  CHANGES_WAIT_MS,
  STORAGE_FULL,
  type JoinResponse,
  type TeamDevice,
} from '../sync/protocol.js';
import {
  BLOCKED,
  isRefusal,
  SyncAnsweredInsteadError,
  SyncHttpError,
  SyncNetworkError,
  SyncUnauthorizedError,
} from '../sync/sync-errors.js';
import { joinTeam, transport } from '../sync/load-transport.js';

/** A refused change, with the title of its draft, so the user knows which draft to fix. */
export interface RefusedChange extends OutboxEntry {
  readonly draftTitle: string;
}

/** A team as the device knows it. */
export interface TeamRef {
  readonly id: string;
  readonly name: string;
}

/**
 * Leaving the device's team, asked of the user: a join link of another team opened on a device that
 * holds its own team's drafts (a device works for one team at a time), or "Leave the team" in
 * Settings. The user says whether the device leaves its team, and its drafts.
 */
export interface TeamSwitch {
  readonly from: TeamRef;
  /** The team whose link was opened; null when the device is only leaving. */
  readonly to: TeamRef | null;
  /** Drafts on this device, which would leave it. */
  readonly drafts: number;
  /** Changes not yet on the old team's server, which would be lost. */
  readonly waiting: number;
}

/** The team's devices as the server listed them, kept on the device (SYNC_META.devices). */
interface TeamDevicesSeen {
  readonly at: number;
  readonly devices: readonly TeamDevice[];
}

/** The team's devices as the status gives them, this one (`deviceId`) marked. */
function teammates(
  { at, devices }: TeamDevicesSeen,
  deviceId: string | undefined,
): Pick<SyncStatus, 'devices' | 'devicesAt'> {
  return { devices: devices.map((d) => ({ ...d, you: d.id === deviceId })), devicesAt: at };
}

/** What the device keeps of its team's devices, for the status; nothing when it keeps none (or cannot read it). */
function devicesSeen(
  kept: string | undefined,
  deviceId: string | undefined,
): Pick<SyncStatus, 'devices' | 'devicesAt'> {
  try {
    return teammates(JSON.parse(kept ?? 'null') as TeamDevicesSeen, deviceId);
  } catch {
    return { devices: null, devicesAt: null };
  }
}

/** A device of the team, and whether it is this one. */
export interface TeammateDevice extends TeamDevice {
  readonly you: boolean;
}

/** What the user sees of sync, in one place. */
export interface SyncStatus {
  readonly joined: boolean;
  readonly team: TeamRef | null;
  readonly deviceName: string | null;
  readonly joinLink: string | null;
  /** The team's devices as the server last said (this one marked `you`); null until it has. */
  readonly devices: readonly TeammateDevice[] | null;
  /** When the server said so: kept on the device, so Settings lists them with no signal too. */
  readonly devicesAt: number | null;
  /** Changes on this device not yet acknowledged by the server. */
  readonly waiting: number;
  /** Changes the server refused, with why. */
  readonly rejected: readonly RefusedChange[];
  /**
   * Drafts whose changes the last push held back, each too large to send even alone (see
   * 'server-too-large') or refused on the way (see 'server-blocked'), as the device keeps them
   * (SYNC_META.heldBack).
   */
  readonly heldBack: readonly HeldBackDraft[];
  readonly syncing: boolean;
  readonly lastSynced: number | null;
  /** When this device found the team's server restored from a backup, and took the team in again. */
  readonly restoreFound: number | null;
  /**
   * The team server's clock less this device's (negative: this one is ahead), when a sync found
   * them CLOCK_TOLERANCE_MS or more apart; 0 while they agree.
   */
  readonly clockOffset: number;
  /** When the team's drafts were erased from this device, reported lost; null once it joins again. */
  readonly erasedAt: number | null;
  /**
   * Whether the browser wakes the kit now and then while it is closed, to fetch the team's changes
   * (Periodic Background Sync: Chromium, an installed kit); otherwise they arrive only while it is open.
   */
  readonly whileClosed: boolean;
  /**
   * Why the last attempt failed, for the user: offline, removed from the team, a server fault, the
   * server refusing what was sent (too large for it or a proxy in front of it, or otherwise), a
   * firewall in front of it refusing what was sent for its words, the server out of disk space, or
   * this device's own storage (full, or not answering) while readying or recording a sync.
   */
  readonly problem:
    | 'offline'
    | 'rejoin'
    | 'server'
    | 'server-refused'
    | 'server-too-large'
    | 'server-blocked'
    | 'server-full'
    | 'storage'
    | null;
  readonly message: string | null;
  /** Leaving the team, put to the user and waiting on their word (see {@link SyncController.switchTeam}). */
  readonly teamSwitch: TeamSwitch | null;
}

/** A join to another team, made on the server, that this device has not taken up yet. */
interface PendingJoin {
  readonly joined: JoinResponse;
  readonly deviceName: string;
}

const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;
/** The longest a server's Retry-After holds back automatic syncs: a garbled one cannot stall sync for a day. */
const RETRY_AFTER_MAX_MS = 10 * 60_000;

/**
 * Runs a revocation of a team left without waiting on it. It is best effort: one that cannot
 * even note its token to try again (the store closed meanwhile, its page going) leaves the device
 * on the team's list for `team list` and `revoke`, rather than throw an error nobody hears.
 */
function quietly(revocation: Promise<void>): void {
  revocation.catch(() => undefined);
}

/** The server answers, and refuses what this device sends: sent again as it is, it would be refused again. */
function refusesWhatIsSent(problem: SyncStatus['problem']): boolean {
  return problem === 'server-refused' || problem === 'server-too-large' || problem === 'server-blocked';
}

/**
 * Whether the kit on screen looks for its team's changes with sync in this state: in good health,
 * or with the server refusing what this device sends (it still answers, and takes nothing of it).
 */
function watched(problem: SyncStatus['problem']): boolean {
  return problem === null || refusesWhatIsSent(problem);
}

/**
 * A wait for the team's changes ended by something on the way rather than answered: a gateway's
 * 502 or 504, or the connection closed (see SyncController._watchTeam).
 */
function cutOff(error: unknown): boolean {
  if (error instanceof SyncNetworkError) return !(error instanceof SyncAnsweredInsteadError);
  return error instanceof SyncHttpError && (error.status === 502 || error.status === 504);
}

/**
 * How long a wait length learnt from a cut is kept to on the device: a gateway given a longer
 * timeout meanwhile is found within a week, at the cost of one cut wait.
 */
const WAIT_KEEP_MS = 7 * 24 * 60 * 60 * 1000;

/** A wait length learnt from a cut, as kept (SYNC_META.changesWait), if it is still to be kept to. */
function keptWait(kept: string | undefined, now: number): number | undefined {
  try {
    const { ms, at } = JSON.parse(kept ?? 'null') as { ms: number; at: number };
    return now - at < WAIT_KEEP_MS && ms >= CHANGES_WAIT_MIN_MS ? ms : undefined;
  } catch {
    return undefined;
  }
}

/** While the kit is on screen, how often it looks for teammates' changes when nothing else has. */
export const PULL_EVERY_MS = 30_000;

/**
 * Keeps drafts moving between this device and the team's server. Work is triggered when the
 * outbox grows (and handed to Background Sync, so it goes even if the app is closed), on start,
 * when the network returns or the server answers again, when the app comes back to the
 * foreground, every {@link PULL_EVERY_MS} while it is on screen (a teammate's changes arrive while
 * this device only reads), and on a retry timer with exponential backoff (1 s doubling to 60 s,
 * with jitter) while anything is waiting. When the server asks for time (Retry-After, as when its
 * disk is full), the timers wait at least that long; only the user's own "Sync now" and the
 * network or the app coming back go sooner.
 */
export class SyncController implements ReactiveController {
  status: SyncStatus = {
    joined: false,
    team: null,
    deviceName: null,
    joinLink: null,
    devices: null,
    devicesAt: null,
    waiting: 0,
    rejected: [],
    heldBack: [],
    syncing: false,
    lastSynced: null,
    restoreFound: null,
    clockOffset: 0,
    erasedAt: null,
    whileClosed: false,
    problem: null,
    message: null,
    teamSwitch: null,
  };

  private _store: DraftStore | null = null;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  private _failures = 0;
  /**
   * How long a wait for the team's changes asks the server to hold it: shortened, while the kit is
   * open, below what cuts waits off on the way (see _watchTeam).
   */
  private _waitMs = CHANGES_WAIT_MS;
  /** Until when the server asked not to be sent to (epoch ms), as automatic syncs go. */
  private _quietUntil = 0;
  private _running: Promise<void> | null = null;
  private _again = false;
  /** A teammate's change was heard of during a run: a quiet run follows it (see {@link _watchTeam}). */
  private _againQuietly = false;
  /**
   * Set while a request waits at the team's server for the team's next change, and calls it off
   * (see {@link _watchTeam}).
   */
  private _stopWatching: AbortController | null = null;
  /** The team's server cannot wait for changes (it is older than this kit): the poll alone, then. */
  private _noWatch = false;
  private _unsubscribe: (() => void) | undefined;

  /** Told what each request to the team's server saw: an answer, or no network. */
  private readonly onNetwork: (reached: boolean) => void;

  /**
   * @param monitor the kit's view of whether its server answers: told what sync's requests see,
   *   and followed, so that a sync held by a lost connection goes the moment the server answers
   *   the monitor's looks again
   */
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly monitor?: ConnectionMonitor,
  ) {
    this.onNetwork = monitor
      ? (reached) => (reached ? monitor.reportSuccess() : monitor.reportFailure())
      : () => undefined;
    host.addController(this);
  }

  private _pullEveryMs = PULL_EVERY_MS;
  private _poll: ReturnType<typeof setInterval> | undefined;

  hostConnected(): void {
    window.addEventListener('online', this._soon);
    window.addEventListener('appinstalled', this._askWhileClosed);
    document.addEventListener('visibilitychange', this._onVisible);
    this.monitor?.addEventListener('change', this._onReachable);
    this._poll = setInterval(this._onPoll, this._pullEveryMs);
  }

  hostDisconnected(): void {
    window.removeEventListener('online', this._soon);
    window.removeEventListener('appinstalled', this._askWhileClosed);
    document.removeEventListener('visibilitychange', this._onVisible);
    this.monitor?.removeEventListener('change', this._onReachable);
    this._stopWatching?.abort();
    this._unsubscribe?.();
    clearTimeout(this._timer);
    clearInterval(this._poll);
  }

  /** How often the kit on screen looks for teammates' changes (tests shorten it). */
  set pullEveryMs(ms: number) {
    this._pullEveryMs = ms;
    if (this._poll === undefined) return;
    clearInterval(this._poll);
    this._poll = setInterval(this._onPoll, ms);
  }

  /** Starts syncing the drafts in `store`. */
  async attach(store: DraftStore): Promise<void> {
    if (this._store === store) return;
    this._store = store;
    this._unsubscribe?.();
    const offLocal = store.onLocalChange(({ step }) => {
      // Offline, an edit begun asks for Background Sync at once: the page may be closed before its
      // save can ask. Online, the save is followed by a sync within a second anyway, and a
      // registration would fire at once with nothing stored yet.
      if (step === 'editing') {
        if (!navigator.onLine) this._askBackgroundSync();
      } else if (step !== 'folded') {
        // A fold adds nothing to send: the edits it queues were told as they were made.
        this._onOutboxGrew();
      }
    });
    const offOther = store.onChange(() => void this.refresh());
    this._unsubscribe = () => {
      offLocal();
      offOther();
    };
    await this.refresh();
    quietly(revokeLeft(store));
    this.syncNow();
    this._askWhileClosed();
  }

  /**
   * Joins the team whose code came in a join link; the device gets its own token. Its own team's
   * link again (a rejoin) keeps everything. Another team's, on a device holding drafts or changes
   * of its team, joins nothing yet: it is 'asked', and {@link switchTeam} or {@link stayInTeam}
   * follows the user's answer.
   */
  async join(code: string, deviceName: string): Promise<'joined' | 'asked'> {
    const store = this._store;
    if (!store) throw new Error('Drafts are not open yet');
    const joined = await joinTeam({ code, deviceName }, undefined, this.onNetwork);
    const current = await store.meta(SYNC_META.team);
    const from = current ? (JSON.parse(current) as TeamRef) : null;
    if (from && from.id !== joined.team.id) {
      if (this._pendingJoin) await this.stayInTeam();
      this._pendingJoin = { joined, deviceName };
      if (await this._ask(store, from, joined.team)) return 'asked';
      await this._changeTeam(store, this._pendingJoin);
      return 'joined';
    }
    const oldToken = await store.meta(SYNC_META.token);
    await store.setMeta(SYNC_META.token, joined.token);
    await store.setMeta(SYNC_META.deviceId, joined.deviceId);
    await store.setMeta(SYNC_META.team, JSON.stringify(joined.team));
    // A device joining (or rejoining) takes the whole team's drafts from the start.
    await store.setMeta(SYNC_META.cursor, '0');
    // Back in a team after an erase (reported lost, then found): the kit stops saying so.
    await store.setMeta(SYNC_META.erased, null);
    // The link opened again (scanned twice, say): the join made a new device, so the one it
    // replaces leaves, or the team would list this device twice.
    if (oldToken && oldToken !== joined.token) quietly(leaveTeamWith(store, oldToken));
    this._joined(joined.team, deviceName);
    await this._loadTeam();
    this.syncNow();
    return 'joined';
  }

  /** Asks the user whether this device leaves its team (a device handed on, say); see {@link switchTeam}. */
  async askToLeave(): Promise<void> {
    const store = this._store;
    const from = this.status.team;
    if (!store || !from || this._changing) return;
    if (this._pendingJoin) await this.stayInTeam();
    await this._ask(store, from, null);
  }

  /** Another team's join the user has been asked about, with the token it got; memory only. */
  private _pendingJoin: PendingJoin | null = null;

  /** Puts the question to the user if leaving would take anything off the device; says whether it did. */
  private async _ask(store: DraftStore, from: TeamRef, to: TeamRef | null): Promise<boolean> {
    const [drafts, outbox] = await Promise.all([store.list(), store.outboxStatus()]);
    if (to && drafts.length === 0 && outbox.waiting === 0) return false;
    this.status = { ...this.status, teamSwitch: { from, to, drafts: drafts.length, waiting: outbox.waiting } };
    this.host.requestUpdate();
    return true;
  }

  /**
   * The user's yes: this device leaves its team, for the one whose link was opened if any. Its
   * drafts and queued changes leave the device (the old team's server keeps what reached it), and
   * the old team's token is revoked.
   */
  async switchTeam(): Promise<void> {
    const store = this._store;
    if (!store || !this.status.teamSwitch) return;
    // Once: a second press while the first runs would take the new team's token for the old one's,
    // and revoke the device the user has just joined with.
    this._changing ??= this._changeTeam(store, this._pendingJoin).finally(() => (this._changing = null));
    await this._changing;
  }

  /** The change of team under way, if one is. */
  private _changing: Promise<void> | null = null;

  private async _changeTeam(store: DraftStore, pending: PendingJoin | null): Promise<void> {
    // Held from every sync on the device (this page's, another tab's, the service worker's): one
    // of the old team running on would write its answers, or the old team's drafts, after it.
    const oldToken = await withSyncHeld(async () => {
      const token = await store.meta(SYNC_META.token);
      await store.changeTeam(
        pending
          ? {
              [SYNC_META.token]: pending.joined.token,
              [SYNC_META.deviceId]: pending.joined.deviceId,
              [SYNC_META.team]: JSON.stringify(pending.joined.team),
              [SYNC_META.cursor]: '0',
            }
          : {},
      );
      return token;
    });
    this._pendingJoin = null;
    clearTimeout(this._timer);
    this._failures = 0;
    this._quietUntil = 0;
    this.status = { ...this.status, teamSwitch: null };
    if (oldToken) quietly(leaveTeamWith(store, oldToken));
    // Reading the new team's facts, refresh forgets the old team's and asks for the new one's.
    await this.refresh();
    if (!pending) return;
    this.status = { ...this.status, deviceName: pending.deviceName };
    this.host.requestUpdate();
    this.syncNow();
  }

  /** Keeps this device in its team: a device the other team's join made is taken out again. */
  async stayInTeam(): Promise<void> {
    if (this._changing) return; // answered already: the change goes on
    const pending = this._pendingJoin;
    this._pendingJoin = null;
    this.status = { ...this.status, teamSwitch: null };
    this.host.requestUpdate();
    if (pending && this._store) await leaveTeamWith(this._store, pending.joined.token);
  }

  private _joined(team: TeamRef, deviceName: string): void {
    this.status = {
      ...this.status,
      joined: true,
      team,
      deviceName,
      problem: null,
      message: null,
      teamSwitch: null,
    };
    this.host.requestUpdate();
  }

  /**
   * Asks the server again for the team and its devices (Settings as it opens): a kit left open for
   * days would show each device's last contact as of when it opened. Nothing when not in a team.
   */
  lookAtTeam(): void {
    if (this.status.joined) void this._loadTeam();
  }

  async renameDevice(name: string): Promise<void> {
    const token = await this._store?.meta(SYNC_META.token);
    // Said, not skipped: Settings tells the user whether the name was saved.
    if (!token) throw new Error('this device is not in a team.');
    await (await transport(token)).renameDevice(name);
    const devices = this.status.devices?.map((d) => (d.you ? { ...d, name } : d)) ?? null;
    this.status = { ...this.status, deviceName: name, devices };
    this.host.requestUpdate();
  }

  async discardRejected(seq: number): Promise<void> {
    await this._store?.discardRejected(seq);
    await this.refresh();
    // The draft goes back to the team's version, which only the server has.
    this.syncNow();
  }

  /** Syncs now (the "Sync now" button, and every trigger); a run already going runs once more after. */
  syncNow(): void {
    clearTimeout(this._timer);
    if (this._running) {
      this._again = true;
      return;
    }
    this._start(false);
  }

  /**
   * @param quiet a look for teammates' changes the user did not ask for: the sync line does not
   *   say "Syncing…" for it, which a screen reader would hear twice a minute
   * @param pullOnly takes the team's changes in and sends nothing
   */
  private _start(quiet: boolean, pullOnly = false): void {
    this._running = this._run(quiet, pullOnly).finally(() => {
      this._running = null;
      if (this._again) {
        this._again = false;
        this._againQuietly = false;
        this.syncNow();
      } else if (this._againQuietly) {
        this._againQuietly = false;
        this._look();
      }
    });
  }

  /**
   * A look for teammates' changes (the poll's, or the watch's once one came). While the server
   * refuses what this device sends, it only pulls: a full sync would send the refused request
   * again, every time, and the device would otherwise hear nothing from its team until the user
   * next edited, came back or tapped Sync now.
   */
  private _look(): void {
    this._start(true, refusesWhatIsSent(this.status.problem));
  }

  /** Re-reads what is waiting, for the status line. */
  async refresh(): Promise<void> {
    const store = this._store;
    if (!store) return;
    const [outbox, token, team, last, restore, erased, held, clockOffset, draftCount] = await Promise.all([
      store.outboxStatus(),
      store.meta(SYNC_META.token),
      store.meta(SYNC_META.team),
      store.meta(SYNC_META.lastSynced),
      store.meta(SYNC_META.restoreFound),
      store.meta(SYNC_META.erased),
      store.meta(SYNC_META.heldBack),
      store.clockOffset(),
      // Only while the user is asked whether to leave: the question says how many drafts would go.
      this.status.teamSwitch ? store.list().then((list) => list.length) : undefined,
    ]);
    // Few, and rarely any: each draft is read for its title.
    const drafts = await Promise.all(outbox.rejected.map((e) => store.get(e.draftId)));
    const rejected = outbox.rejected.map((e, i) => {
      const draft = drafts[i];
      return { ...e, draftTitle: draft ? draftTitle(draft) : 'A draft no longer on this device' };
    });
    const now = team ? (JSON.parse(team) as TeamRef) : null;
    // The device's team is new to this controller (opened, or changed here or in another tab):
    // what it knew of the old team must go (its join link above all, or Settings would invite
    // people to the team the device left), and the new team's is asked of the server.
    const switched = now?.id !== this.status.team?.id;
    // Read only while the list is not known (opened, or another team): a refresh follows every edit.
    const kept =
      switched || this.status.devices === null
        ? devicesSeen(...(await Promise.all([store.meta(SYNC_META.devices), store.meta(SYNC_META.deviceId)])))
        : {};
    this.status = {
      ...this.status,
      ...(switched ? { joinLink: null, deviceName: null, problem: null, message: null } : {}),
      ...kept,
      joined: Boolean(token),
      team: now,
      waiting: outbox.waiting,
      rejected,
      lastSynced: last ? Number(last) : null,
      restoreFound: restore ? Number(restore) : null,
      clockOffset,
      erasedAt: erased ? Number(erased) : null,
      heldBack: heldBackOf(held),
      // What a switch would lose shrinks as a sync sends the old team's changes, and the drafts
      // it would take off the device are those there now (one made or deleted since, in any tab).
      teamSwitch: this.status.teamSwitch && {
        ...this.status.teamSwitch,
        waiting: outbox.waiting,
        ...(draftCount === undefined ? {} : { drafts: draftCount }),
      },
    };
    this.host.requestUpdate();
    if (switched && token) void this._loadTeam();
  }

  private async _loadTeam(): Promise<void> {
    const store = this._store;
    const token = await store?.meta(SYNC_META.token);
    if (!store || !token) return;
    try {
      const me = await (await transport(token, undefined, this.onNetwork)).me();
      // Answered for the token asked with: a device that left or changed team meanwhile keeps its own.
      if ((await store.meta(SYNC_META.token)) !== token) return;
      const seen: TeamDevicesSeen = { at: store.now(), devices: me.devices };
      this.status = {
        ...this.status,
        team: me.team,
        deviceName: me.deviceName,
        joinLink: me.joinLink,
        ...teammates(seen, me.deviceId),
      };
      // Kept for Settings with no signal; a device too full to keep it loses only that.
      await store.setMeta(SYNC_META.devices, JSON.stringify(seen)).catch(() => undefined);
      this.host.requestUpdate();
    } catch (error) {
      if (isEraseOrder(error)) {
        // As a sync would: under its lock, and only if the device is still in the team told of.
        await withSyncHeld(async () => {
          if ((await store.meta(SYNC_META.token)) === token) await eraseLostDevice(store);
        });
        await this.refresh();
      } else if (error instanceof SyncUnauthorizedError) this._problem('rejoin', error.message);
    }
  }

  private async _run(quiet = false, pullOnly = false): Promise<void> {
    const store = this._store;
    if (!store) return;
    if (!quiet) {
      this.status = { ...this.status, syncing: true };
      this.host.requestUpdate();
    }
    try {
      const result = await runSync(store, { onNetwork: this.onNetwork, pullOnly });
      // A pull alone says nothing of what the server refused: that stays said until a sync sends it.
      if (result !== 'busy' && !pullOnly) {
        this._failures = 0;
        this._quietUntil = 0;
        this.status = { ...this.status, problem: null, message: null };
      }
      if (result !== 'busy' && result !== 'not-joined') void this._watchTeam();
    } catch (error) {
      const storage = storageFailureOf(error);
      if (isEraseOrder(error)) {
        // Done by the run itself (see runSync): the device is in no team now, with nothing to retry.
        this._failures = 0;
        this.status = { ...this.status, problem: null, message: null };
      } else if (error instanceof SyncUnauthorizedError) {
        // Nothing unsent is lost: the outbox stays until the device rejoins.
        this._problem('rejoin', error.message);
      } else if (storage) {
        // Not the server's fault: the user can free space, and blaming the server would mislead.
        this._problem('storage', storage.message);
        this._retryLater();
      } else {
        if (error instanceof SyncHttpError && error.retryAfterMs !== null)
          this._quietUntil = Date.now() + Math.min(error.retryAfterMs, RETRY_AFTER_MAX_MS);
        // The server's own refusal of the whole request (a 4xx it means) is not retried on a timer:
        // sent again unchanged, it would be refused again. The user's next edit, return or Sync now tries.
        const retried = !isRefusal(error);
        this._problem(
          error instanceof SyncNetworkError
            ? 'offline'
            : error instanceof SyncHttpError && error.code === STORAGE_FULL
              ? 'server-full'
              : retried
                ? 'server'
                : error instanceof SyncHttpError && error.code === BLOCKED
                  ? 'server-blocked'
                  : error instanceof SyncHttpError && error.status === 413
                    ? 'server-too-large'
                    : 'server-refused',
          error instanceof Error ? error.message : String(error),
        );
        if (retried) this._retryLater();
        else {
          // Nor by a sync asked for before the answer (an edit saved as the push travelled): it
          // would send the refused request again, with that edit in it. The team is still watched,
          // its changes pulled (see _look).
          clearTimeout(this._timer);
          void this._watchTeam();
        }
      }
    } finally {
      this.status = { ...this.status, syncing: false };
      await this.refresh();
    }
    if (this.status.waiting > 0 && this.status.problem === null) this._retryLater();
  }

  private _problem(problem: SyncStatus['problem'], message: string): void {
    this.status = { ...this.status, problem, message };
    this.host.requestUpdate();
  }

  private _retryLater(): void {
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this._failures);
    this._failures += 1;
    const jitter = base * (0.8 + Math.random() * 0.4);
    this._syncIn(jitter);
  }

  private _onOutboxGrew(): void {
    void this.refresh();
    this._askBackgroundSync();
    if (this._leaving()) this.syncNow();
    else this._syncIn(1_000);
  }

  /**
   * The kit is off screen (a phone locked, another app opened) and may be frozen or closed before
   * a timer fires: what waits goes now, as the page saves its last edits. Where there is no
   * Background Sync (Safari, Firefox) it would otherwise wait for the kit's next opening. The
   * server's asked-for quiet is kept.
   */
  private _leaving(): boolean {
    return document.visibilityState === 'hidden' && Date.now() >= this._quietUntil;
  }

  /** Syncs after `ms`, or once the server's asked-for quiet is over if that is later. */
  private _syncIn(ms: number): void {
    clearTimeout(this._timer);
    this._timer = setTimeout(() => this.syncNow(), Math.max(ms, this._quietUntil - Date.now()));
  }

  /** Hands the work to Background Sync too: it runs when the network returns, app open or not. */
  private _askBackgroundSync(): void {
    void navigator.serviceWorker?.ready
      .then((registration) =>
        (
          registration as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }
        ).sync?.register(SYNC_TAG),
      )
      .catch(() => undefined);
  }

  private readonly _soon = (): void => {
    this.syncNow();
    if (this._store) quietly(revokeLeft(this._store));
  };

  /**
   * The server answers again, found by the monitor's own look, after a sync failed for want of a
   * network: on a dead or captive network, or with the server down, no `online` event comes to say
   * so, and the retry timer may be a minute away by then. Not while a run is under way: its own
   * requests tell the monitor too, and it follows anything new with a run of its own.
   */
  private readonly _onReachable = (): void => {
    if (this.monitor?.online && this.status.problem === 'offline' && !this._running) this._soon();
  };

  /**
   * Only on screen, in a team, with sync in good health (or the server refusing only what this
   * device sends) and nothing under way: a device with another problem has its own retry timer,
   * and the server's asked-for quiet is kept.
   */
  private readonly _onPoll = (): void => {
    const s = this.status;
    if (document.visibilityState !== 'visible' || !s.joined || !watched(s.problem) || this._running) return;
    if (Date.now() < this._quietUntil) return;
    this._look();
  };

  /**
   * Asked as the kit opens, in a team or not (a new version is fetched too), and once it is
   * installed: the browser grants it with the install, and may take it back with disuse.
   */
  private readonly _askWhileClosed = (): void => {
    void wakeWhileClosed().then((whileClosed) => {
      if (whileClosed === this.status.whileClosed) return;
      this.status = { ...this.status, whileClosed };
      this.host.requestUpdate();
    });
  };

  /**
   * While the kit is on screen, in a team and syncing well (or refused only what it sends: see
   * {@link _look}), a request waits at the team's server
   * for the team's next change (`GET /api/changes`), and the device pulls the moment it comes: a
   * teammate's edit shows within a moment, where the poll ({@link PULL_EVERY_MS}) took up to half
   * a minute. It ends when the kit leaves the screen (the request waiting is called off at once:
   * a phone put away keeps no connection open, nor its server a wait), the device its team, or a
   * request fails (the poll and the retry timers carry on), and starts again with the next good
   * sync, or one the server refused.
   */
  private async _watchTeam(): Promise<void> {
    const store = this._store;
    if (!store || this._stopWatching || this._noWatch) return;
    const stop = new AbortController();
    this._stopWatching = stop;
    try {
      const [cursor, learnt] = await Promise.all([store.meta(SYNC_META.cursor), store.meta(SYNC_META.changesWait)]);
      let since = Number(cursor ?? 0);
      // Learnt at an earlier opening of the kit: no wait cut off again to learn it anew.
      this._waitMs = Math.min(this._waitMs, keptWait(learnt, store.now()) ?? CHANGES_WAIT_MS);
      for (;;) {
        const s = this.status;
        if (document.visibilityState !== 'visible' || !s.joined || !watched(s.problem)) return;
        const token = await store.meta(SYNC_META.token);
        if (!token) return;
        const waited = await transport(token, undefined, this.onNetwork, CHANGES_WAIT_MS + 15_000);
        const askedAt = performance.now();
        let rev: number;
        try {
          ({ rev } = await waited.changes(since, stop.signal, this._waitMs));
        } catch (error) {
          const lasted = performance.now() - askedAt;
          // Cut off on its way while it waited (a gateway's or proxy's timeout shorter than the
          // wait: its 502 or 504, or the connection closed): later waits end before the cut, and
          // the watch goes on, where it ended at each cut and the team's changes came by the poll.
          if (stop.signal.aborted || !cutOff(error) || lasted < CHANGES_WAIT_MIN_MS || lasted >= this._waitMs)
            throw error;
          const shorter = Math.floor((lasted * 0.8) / 1000) * 1000;
          if (shorter < CHANGES_WAIT_MIN_MS) throw error;
          this._waitMs = shorter;
          // Kept for the kit's later openings; a device too full to keep it learns it again.
          await store
            .setMeta(SYNC_META.changesWait, JSON.stringify({ ms: shorter, at: store.now() }))
            .catch(() => undefined);
          continue;
        }
        // Another team's now (changed meanwhile): its own watch starts with its first sync.
        if ((await store.meta(SYNC_META.token)) !== token) return;
        if (rev === since) {
          // Nothing, and at once (not at the wait's end): something on the way (a server stopping,
          // a proxy) ends the waits early. Asking again at once would ask without end.
          if (performance.now() - askedAt < this._waitMs / 5) return;
          continue;
        }
        since = rev;
        if (this._running) this._againQuietly = true;
        else this._look();
      }
    } catch (error) {
      if (error instanceof SyncHttpError && error.status === 404) this._noWatch = true;
    } finally {
      this._stopWatching = null;
    }
  }

  private readonly _onVisible = (): void => {
    if (document.visibilityState === 'visible') {
      this.syncNow();
      return;
    }
    this._stopWatching?.abort();
    if (this.status.waiting > 0 && this._leaving()) this.syncNow();
  };
}
