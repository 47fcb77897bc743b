/**
 * The sync protocol between a device and the team's server: request and response types, and
 * the JSON schemas the server validates them with. Client and server both import this module.
 * No DOM and no Node: it runs in pages, the service worker and the server alike.
 */
import { TEXT_MAX, type FieldValue } from '../content/worksheet.js';
import { utf8Length } from '../text/utf8-length.js';

/** One edited field in a mutation, with the server revision the edit was based on. */
export interface FieldEdit {
  readonly value: FieldValue;
  /** The server revision of the value the device changed (0 when it never had one). */
  readonly baseRev: number;
  /** When the device changed it (ms since the epoch, device clock). */
  readonly changedAt: number;
  /**
   * In a mutation that carries several changes (`covers`), the latest of them that changed this
   * field: a repeat of the mutation applies only the fields whose change is not yet applied.
   */
  readonly seq?: number;
}

/** A change made on a device, identified by the device and its own increasing sequence number. */
export interface Mutation {
  readonly seq: number;
  readonly draftId: string;
  readonly kind: 'upsert' | 'delete' | 'restore';
  readonly worksheetId: string;
  readonly worksheetVersion: number;
  readonly createdAt: number;
  /** The draft's server revision the device had seen; a delete based on an older one loses to the newer edits. */
  readonly baseRev: number;
  readonly fields: Readonly<Record<string, FieldEdit>>;
  /**
   * Earlier changes to the same draft that this mutation carries too (its fields hold their
   * latest values): the server records each as applied with it.
   */
  readonly covers?: readonly number[];
}

/** A time as the protocol carries it ({@link time}): whole milliseconds, from 1970 to JavaScript's last date. */
export function isTime(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= TIME_MAX;
}

/** A worksheet version as the protocol carries it: a whole number from 1 to WORKSHEET_VERSION_MAX. */
export function isWorksheetVersion(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= WORKSHEET_VERSION_MAX;
}

/** The changes a mutation carries, by their seqs: its own and those it covers, each once. */
export function changesOf(m: Mutation): number[] {
  return m.covers?.length ? [...new Set([...m.covers, m.seq])] : [m.seq];
}

/**
 * Why the server could never take `m`, in words for the person who made it, or undefined: a value
 * past the protocol's bounds, or a mutation past MUTATION_BYTES_MAX. Sent anyway, it would be
 * refused with its whole push, again and again, and hold up every change queued after it.
 */
export function untakeable(m: Mutation): string | undefined {
  // Never so from this kit's own edits; a draft imported before its file was checked for them could be.
  if (!isWorksheetVersion(m.worksheetVersion))
    return 'This draft names a worksheet version the team’s server does not know (its file was damaged). Keep the answers as a new draft.';
  if (!isTime(m.createdAt))
    return 'This draft’s date of creation is damaged, and the team’s server would not take it. Keep the answers as a new draft.';
  let chars = 0;
  for (const field of Object.values(m.fields)) {
    const { value } = field;
    if (!isTime(field.changedAt))
      return 'An answer’s time of change is damaged, and the team’s server would not take it. Edit the answer: edits from then on sync.';
    const texts =
      typeof value === 'string' ? [value] : value.flatMap((v) => (typeof v === 'string' ? [v] : [v.name, v.note]));
    for (const t of texts) chars += t.length;
    // A list item's id and punctuation, as written out.
    if (Array.isArray(value)) chars += value.length * 80;
    if (texts.some((t) => t.length > TEXT_MAX))
      return `An answer is longer than the team’s server takes (${TEXT_MAX.toLocaleString('en-AU')} characters). Shorten it: edits from then on sync.`;
    if (Array.isArray(value) && value.length > LIST_MAX)
      return `A list holds more than the team’s server takes (${LIST_MAX} items). Shorten it: edits from then on sync.`;
    if (Array.isArray(value) && value.some((v) => typeof v === 'string' && v.length > OPTION_MAX))
      return `A chosen option is longer than the team’s server takes (${OPTION_MAX} characters).`;
  }
  // Written out only when it could be that large (JSON writes a character as at most six bytes,
  // and keys, numbers and ids are short): a sync checks every change, and most are a few fields.
  const most = 6 * chars + 256 * (Object.keys(m.fields).length + (m.covers?.length ?? 0) + 4);
  if (most > MUTATION_BYTES_MAX && utf8Length(JSON.stringify(m)) > MUTATION_BYTES_MAX)
    return 'This change is too large for the team’s server to take at once (over 900 KB). Shorten some answers: edits from then on sync.';
  return undefined;
}

/** How many changes mutations carry: what a push's limit of PUSH_BATCH_MAX counts. */
export function changeCount(mutations: readonly Mutation[]): number {
  return mutations.reduce((n, m) => n + changesOf(m).length, 0);
}

export interface PushRequest {
  readonly mutations: readonly Mutation[];
  /**
   * The device's pull cursor. When the team changed nothing else since then and every mutation
   * was simply applied, the answer's `cursor` lets the device skip pulling its own changes back.
   * Sent in the address (`/api/push?since=`) so a body can be encoded before it is known; the
   * server takes it from the body too.
   */
  readonly since?: number;
  /**
   * Every change of this device with a lower seq has its answer recorded on the device (or was
   * refused): it will never be sent again, so the server may forget its record of them, after a
   * grace period for a request still on its way. Sent in the address too, like `since`.
   */
  readonly settled?: number;
  /**
   * The team's history as this device last heard it (see {@link PushResponse.history}): when the
   * server's differs, it applies nothing and answers 409 {@link HISTORY_CHANGED}. Sent in the
   * address too, like `since`.
   */
  readonly history?: string;
  /**
   * The device's own clock as it sent the push (ms since 1970), for the server to note a device
   * whose clock is CLOCK_TOLERANCE_MS or more from its own (`team -- list` says so). Sent in the
   * address too, like `since`.
   */
  readonly clock?: number;
  /**
   * The size in bytes, as sent, of a push of this device's that something between it and the
   * server refused as too large (a 413 of a proxy or firewall with a lower body limit than the
   * server's) since its last push went through: the server logs it, for whoever runs it to raise
   * that limit, which the device itself cannot see. Sent in the address only.
   */
  readonly refusedBytes?: number;
  /**
   * The status of a page (a 4xx, or a 200 as F5's firewall answers) that something between this
   * device and the server (a web application firewall, say) answered a push of this device's with,
   * refusing what it carried, while the
   * server answered the device, since its last push went through: the server logs it, for whoever
   * runs it to see to that rule. Sent in the address only.
   */
  readonly blocked?: number;
}

/**
 * applied: taken as sent. merged: taken, and other devices' edits to other fields kept beside it.
 * conflict: another device changed the same field (or edited a draft this deleted); the server
 * kept one value by the shared rule and the other as a visible conflict. rejected: not taken, with why.
 */
export type MutationStatus = 'applied' | 'merged' | 'conflict' | 'rejected';

export interface MutationResult {
  readonly seq: number;
  readonly status: MutationStatus;
  readonly reason?: string;
  /** The draft's server revision after this mutation (0 when rejected). */
  readonly rev: number;
  /**
   * Changes the mutation covers that an earlier push applied (its answer lost on the way), where
   * their answer then was not this one: each with its own. Their fields took that revision, not
   * this one, and a teammate may have changed them since; a device that took this answer's
   * revision for them would send its next edit as based on what it never saw.
   */
  readonly earlier?: readonly MutationResult[];
}

export interface PushResponse {
  readonly results: readonly MutationResult[];
  /** Where the device's pull cursor may move: the batch was the team's only change since `since`. */
  readonly cursor?: number;
  /**
   * Names the team's run of revisions. It changes when the server's database goes back in time
   * (restored from a backup): revisions a device holds from before are then not the server's, and
   * the changes it sent since the backup are not on the server any more.
   */
  readonly history?: string;
}

/** The losing value of a same-field conflict, kept for the team to see and resolve. */
export interface FieldConflict {
  readonly value: FieldValue;
  readonly changedAt: number;
  readonly changedBy: string;
}

export interface ServerField {
  readonly value: FieldValue;
  readonly rev: number;
  readonly changedAt: number;
  /** The name of the device that made the change. */
  readonly changedBy: string;
  readonly conflict: FieldConflict | null;
}

export interface ServerDraft {
  readonly id: string;
  readonly worksheetId: string;
  readonly worksheetVersion: number;
  readonly createdAt: number;
  readonly rev: number;
  readonly deletedAt: number | null;
  /** Why the server changed the draft on its own, such as bringing it back after a delete. */
  readonly note: string | null;
  readonly fields: Readonly<Record<string, ServerField>>;
}

export interface PullResponse {
  readonly drafts: readonly ServerDraft[];
  /** Pass back as `since` for the next page. */
  readonly cursor: number;
  readonly more: boolean;
  /** The team's history (see {@link PushResponse.history}). */
  readonly history?: string;
  /**
   * The team's revision when its history was named: a revision up to it that a device holds from
   * the history before is the same in this one (a restored backup holds them); one after it is not.
   */
  readonly historyFrom?: number;
}

export interface JoinRequest {
  readonly code: string;
  readonly deviceName: string;
}

export interface JoinResponse {
  readonly token: string;
  readonly deviceId: string;
  readonly team: { readonly id: string; readonly name: string };
}

/** A device of the team, as its teammates see it. */
export interface TeamDevice {
  readonly id: string;
  readonly name: string;
  /** When it last reached the team's server (noted hourly at most); null if never noted. */
  readonly lastSeenAt: number | null;
  /**
   * The server's clock less the device's, as its last push showed them, while CLOCK_TOLERANCE_MS
   * or more apart; null while they agree (absent from a server from before it noted clocks).
   */
  readonly clockOffset?: number | null;
}

/**
 * How far a device's clock may be from its team server's before the kit says so and times the
 * device's changes by the server's clock: minutes matter little to which of two edits came
 * later, hours do (a phone set by hand to the wrong time zone), and a request's own travel, under
 * the 30 s a device waits for an answer, stays well inside it.
 */
export const CLOCK_TOLERANCE_MS = 2 * 60_000;

/** Days without reaching the server after which a device is called silent (`team list`, Settings). */
export const QUIET_DEVICE_DAYS = 30;

export interface MeResponse {
  readonly deviceId: string;
  readonly deviceName: string;
  readonly team: { readonly id: string; readonly name: string };
  readonly joinLink: string;
  /** The team's devices not revoked, this one among them, in the order they joined. */
  readonly devices: readonly TeamDevice[];
}

export interface ErrorResponse {
  readonly error: string;
  readonly message: string;
}

/** Drafts a pull page may hold: on a weak signal each page is a round trip (1,000 drafts ~56 KB gzip). */
export const PULL_PAGE_MAX = 1000;
/** The most items a list value may hold, and the longest a chosen option may be. */
export const LIST_MAX = 200;
export const OPTION_MAX = 200;
/**
 * The most JSON one mutation may take (under the server's 1 MiB body limit, with room for the
 * rest of the push): a larger one could never be taken, so the device refuses it itself.
 */
export const MUTATION_BYTES_MAX = 900 * 1024;
/** Mutations a push may carry: fewer, larger batches drain a long queue faster (one transaction each). */
export const PUSH_BATCH_MAX = 1000;

/** What a field's key is: lower-case words joined by hyphens, as a worksheet's question ids are. */
export const FIELD_KEY_PATTERN = '^[a-z0-9]+(-[a-z0-9]+)*$';
/** The longest field key, in characters. */
export const FIELD_KEY_MAX = 64;
/** The most fields one mutation carries: a draft's creation carries all of them. */
export const MUTATION_FIELDS_MAX = 64;
/** The latest time the protocol carries, in milliseconds since 1970: JavaScript's last date. */
export const TIME_MAX = 8_640_000_000_000_000;
/** The highest worksheet version a change may name. */
export const WORKSHEET_VERSION_MAX = 1_000_000;

// JSON schemas. Strict (no unknown properties) and bounded, so a malformed request is refused
// with a 400 before it reaches storage.
const id = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } as const;
const time = { type: 'integer', minimum: 0, maximum: TIME_MAX } as const;
const rev = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } as const;
const seq = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
/** A team's history, as the server names it (see PushResponse.history). */
const history = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' } as const;
const fieldKey = { type: 'string', pattern: FIELD_KEY_PATTERN, maxLength: FIELD_KEY_MAX } as const;
const text = { type: 'string', maxLength: TEXT_MAX } as const;
const fieldValue = {
  anyOf: [
    text,
    { type: 'array', maxItems: LIST_MAX, items: { type: 'string', maxLength: OPTION_MAX } },
    {
      type: 'array',
      maxItems: LIST_MAX,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name', 'note'],
        properties: { id: { type: 'string', maxLength: 64 }, name: text, note: text },
      },
    },
  ],
} as const;
const conflict = {
  type: ['object', 'null'],
  additionalProperties: false,
  required: ['value', 'changedAt', 'changedBy'],
  properties: { value: fieldValue, changedAt: time, changedBy: { type: 'string' } },
} as const;

export const ERROR_SCHEMA = {
  $id: 'Error',
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string' }, message: { type: 'string' } },
} as const;

export const PUSH_REQUEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['mutations'],
  properties: {
    since: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    settled: seq,
    history,
    clock: time,
    mutations: {
      type: 'array',
      minItems: 1,
      maxItems: PUSH_BATCH_MAX,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['seq', 'draftId', 'kind', 'worksheetId', 'worksheetVersion', 'createdAt', 'baseRev', 'fields'],
        properties: {
          seq,
          covers: { type: 'array', maxItems: PUSH_BATCH_MAX, items: seq },
          draftId: id,
          kind: { enum: ['upsert', 'delete', 'restore'] },
          worksheetId: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.-]+$' },
          worksheetVersion: { type: 'integer', minimum: 1, maximum: WORKSHEET_VERSION_MAX },
          createdAt: time,
          baseRev: rev,
          fields: {
            type: 'object',
            maxProperties: MUTATION_FIELDS_MAX,
            propertyNames: fieldKey,
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['value', 'baseRev', 'changedAt'],
              properties: { value: fieldValue, baseRev: rev, changedAt: time, seq },
            },
          },
        },
      },
    },
  },
} as const;

const RESULT_PROPERTIES = {
  seq: { type: 'integer' },
  status: { enum: ['applied', 'merged', 'conflict', 'rejected'] },
  reason: { type: 'string' },
  rev: { type: 'integer' },
} as const;

export const PUSH_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['results'],
  properties: {
    cursor: { type: 'integer' },
    history: { type: 'string' },
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['seq', 'status', 'rev'],
        properties: {
          ...RESULT_PROPERTIES,
          earlier: {
            type: 'array',
            items: { type: 'object', required: ['seq', 'status', 'rev'], properties: RESULT_PROPERTIES },
          },
        },
      },
    },
  },
} as const;

export const PUSH_QUERY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
    settled: seq,
    history,
    clock: time,
    refusedBytes: { type: 'integer', minimum: 1, maximum: 1_000_000_000 },
    blocked: { type: 'integer', minimum: 200, maximum: 499 },
  },
} as const;

/**
 * How long `GET /api/changes` holds a request for the team's next change before answering that
 * there is none: under the server's 30 s request timeout and a device's, and under the minute in
 * which proxies commonly drop a quiet connection.
 */
export const CHANGES_WAIT_MS = 25_000;

/**
 * The shortest wait a device asks for (`wait`, in seconds), behind something that cuts its waits
 * off sooner than CHANGES_WAIT_MS (a gateway's request timeout: Azure Application Gateway's is
 * 20 s by default): shorter, and it would be polling.
 */
export const CHANGES_WAIT_MIN_MS = 2_000;

/**
 * How many requests one device may have waiting for its team's changes at once: one a tab of the
 * kit, a few tabs at most. Past that (a fault, or a stolen token holding the server's connections)
 * a 429 with TOO_MANY_WAITS, and the kit's tab keeps to its 30 s look.
 */
export const CHANGES_WAITS_PER_DEVICE = 4;

/** The error code of a 429 to a device with CHANGES_WAITS_PER_DEVICE requests waiting already. */
export const TOO_MANY_WAITS = 'too_many_waits';

/**
 * `GET /api/changes?since=[&wait=]`: the team's revision, once it is not `since` (or the wait is
 * over: `wait` seconds, at most CHANGES_WAIT_MS, which is also the default).
 */
export interface ChangesResponse {
  readonly rev: number;
}

export const CHANGES_QUERY_SCHEMA = {
  type: 'object',
  required: ['since'],
  additionalProperties: false,
  properties: {
    since: rev,
    wait: { type: 'integer', minimum: CHANGES_WAIT_MIN_MS / 1000, maximum: CHANGES_WAIT_MS / 1000 },
  },
} as const;

export const CHANGES_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['rev'],
  additionalProperties: false,
  properties: { rev },
} as const;

export const PULL_QUERY_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    since: { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 },
    limit: { type: 'integer', minimum: 1, maximum: PULL_PAGE_MAX, default: 100 },
  },
} as const;

/** A draft as the team's server holds it: a pull page's drafts, and the answer to one draft's address. */
export const SERVER_DRAFT_SCHEMA = {
  type: 'object',
  required: ['id', 'worksheetId', 'worksheetVersion', 'createdAt', 'rev', 'deletedAt', 'note', 'fields'],
  properties: {
    id: { type: 'string' },
    worksheetId: { type: 'string' },
    worksheetVersion: { type: 'integer' },
    createdAt: { type: 'integer' },
    rev: { type: 'integer' },
    deletedAt: { type: ['integer', 'null'] },
    note: { type: ['string', 'null'] },
    fields: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['value', 'rev', 'changedAt', 'changedBy', 'conflict'],
        properties: {
          value: fieldValue,
          rev: { type: 'integer' },
          changedAt: { type: 'integer' },
          changedBy: { type: 'string' },
          conflict,
        },
      },
    },
  },
} as const;

export const PULL_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['drafts', 'cursor', 'more'],
  properties: {
    cursor: { type: 'integer' },
    more: { type: 'boolean' },
    history: { type: 'string' },
    historyFrom: { type: 'integer' },
    drafts: { type: 'array', items: SERVER_DRAFT_SCHEMA },
  },
} as const;

/** `GET /api/drafts/:id`: the team's draft, so a device can go back to it (see DraftStore.discardRejected). */
export const DRAFT_PARAMS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id },
} as const;

/** The error code of `GET /api/drafts/:id` for a draft the team does not have (any other 404 is not that). */
export const NO_SUCH_DRAFT = 'no_such_draft';

/**
 * The error code of a 409 from a push that named a history of the team other than the server's:
 * the server's database went back in time (restored from a backup). Nothing was applied; the
 * device takes the team in again from the start and sends what the server no longer has.
 */
export const HISTORY_CHANGED = 'history_changed';

/** The error code of a 503 from a server whose database has no room left; a device keeps its changes queued. */
export const STORAGE_FULL = 'storage_full';

/**
 * The error code of a 401 to a device reported lost (`npm run team -- erase`): it takes its team's
 * drafts, unsent changes and token off itself. The team's server keeps every draft that reached it.
 */
export const DEVICE_ERASED = 'device_erased';

/**
 * Characters no name may hold, as a regular expression's character class (without its brackets):
 * control characters (an escape sequence, a NUL, a line break) and bidirectional overrides.
 */
export const NOT_IN_NAMES = '\\p{Cc}\\u202A-\\u202E';

/**
 * A device's name, as teammates see it beside its changes and an administrator in `team list` on a
 * terminal: none of {@link NOT_IN_NAMES} (an escape sequence would act on the terminal, an
 * override makes a name read backwards), and something to see in it.
 */
const deviceName = {
  type: 'string',
  minLength: 1,
  maxLength: 80,
  pattern: `^[^${NOT_IN_NAMES}]*[^${NOT_IN_NAMES}\\s][^${NOT_IN_NAMES}]*$`,
} as const;

/** A name as typed, made one the server takes: what it must not hold becomes a space, and the ends are trimmed. */
export function cleanName(name: string): string {
  return name.replace(new RegExp(`[${NOT_IN_NAMES}]`, 'gu'), ' ').trim();
}

/** A team's join code: what follows `/join#` in its join link. */
export const JOIN_CODE_PATTERN = '^[A-Za-z0-9_-]{20,200}$';

export const JOIN_REQUEST_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'deviceName'],
  properties: {
    code: { type: 'string', minLength: 20, maxLength: 200, pattern: JOIN_CODE_PATTERN },
    deviceName,
  },
} as const;

export const JOIN_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['token', 'deviceId', 'team'],
  properties: {
    token: { type: 'string' },
    deviceId: { type: 'string' },
    team: {
      type: 'object',
      required: ['id', 'name'],
      properties: { id: { type: 'string' }, name: { type: 'string' } },
    },
  },
} as const;

export const ME_RESPONSE_SCHEMA = {
  type: 'object',
  required: ['deviceId', 'deviceName', 'team', 'joinLink', 'devices'],
  properties: {
    deviceId: { type: 'string' },
    deviceName: { type: 'string' },
    joinLink: { type: 'string' },
    devices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'lastSeenAt'],
        properties: {
          id: { type: 'string' },
          name: { type: 'string' },
          lastSeenAt: { type: ['integer', 'null'] },
          clockOffset: { type: ['integer', 'null'] },
        },
      },
    },
    team: {
      type: 'object',
      required: ['id', 'name'],
      properties: { id: { type: 'string' }, name: { type: 'string' } },
    },
  },
} as const;

export const RENAME_DEVICE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: deviceName },
} as const;
