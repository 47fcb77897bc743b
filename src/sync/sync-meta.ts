/**
 * Keys of the sync facts kept on the device: in a module of their own, for the pages that read
 * them to load without the sync engine, which loads when a sync first runs.
 */
export const SYNC_META = {
  token: 'sync-token',
  deviceId: 'sync-device-id',
  team: 'sync-team',
  cursor: 'sync-cursor',
  /** The team's history, as the server last named it (see PushResponse.history). */
  history: 'sync-history',
  /** When this device last found the team's server restored from a backup (see SyncEngine.rebase). */
  restoreFound: 'sync-restore-found',
  lastSynced: 'sync-last-synced',
  /** When the team's drafts were erased from this device, reported lost (see eraseLostDevice); until it joins again. */
  erased: 'sync-erased',
  /** The team's devices as the server last listed them, and when (see TeamDevicesSeen); for Settings offline. */
  devices: 'sync-devices',
  /**
   * The most a push's changes may hold, in bytes, learnt from a request refused as too large by
   * something between the device and its team's server, and when (JSON `{ bytes, at }`; see
   * SyncEngine.push); unset, or a week old, the kit's own.
   */
  pushBytes: 'sync-push-bytes',
  /**
   * How long a wait for the team's changes may be, learnt from one cut off on the way (a gateway's
   * request timeout), and when (JSON `{ ms, at }`; see SyncController._watchTeam); unset, or a week
   * old, the server's whole wait.
   */
  changesWait: 'sync-changes-wait',
  /**
   * The drafts the last push held back, each too large to send even alone or refused on the way
   * (JSON, HeldBackDraft[]; see SyncEngine.push and heldBackOf).
   */
  heldBack: 'sync-held-back',
} as const;
