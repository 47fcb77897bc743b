import { DatabaseUnavailableError } from './db.js';

/** Why a write to the device's storage failed, in terms the user can act on. */
export type StorageFailureKind = 'quota' | 'unavailable' | 'unknown';

const MESSAGES: Record<StorageFailureKind, string> = {
  quota:
    'This device is out of storage space, so your latest changes are not saved yet. Free up some space; the kit keeps trying.',
  unavailable: 'The device’s storage is not answering, so your latest changes are not saved yet. The kit keeps trying.',
  unknown: 'Your latest changes could not be saved yet. The kit keeps trying.',
};

/** Why, for {@link StorageWriteError.notDone}'s sentence, and what the user can do about it. */
const NOT_DONE: Record<StorageFailureKind, { readonly why: string; readonly remedy: string }> = {
  quota: { why: 'this device is out of storage space', remedy: 'Free up some space, then try again.' },
  unavailable: {
    why: 'the device’s storage is not answering',
    remedy: 'Try again; if it goes on, close the kit and open it again.',
  },
  unknown: { why: 'the device’s storage gave an error', remedy: 'Try again.' },
};

/**
 * A failed write, with what the user should be told. Nothing of the failed write was stored. Its
 * message is the autosave's, which keeps the edit and retries by itself.
 */
export class StorageWriteError extends Error {
  override name = 'StorageWriteError';
  constructor(
    readonly kind: StorageFailureKind,
    readonly original: unknown,
  ) {
    super(MESSAGES[kind]);
  }

  /**
   * What to say of an action the kit does not retry by itself (a copy, an import, a delete): that
   * it was not done (`what`), why, and that it is the user's to try again.
   */
  notDone(what: string): string {
    return `${what}: ${this.whyNotDone()}`;
  }

  /** {@link notDone}'s why and what to do, to end a sentence that says what was not done. */
  whyNotDone(): string {
    return `${this.why}. Nothing was changed. ${this.remedy}`;
  }

  /** Why, in words that end a sentence: "…: this device is out of storage space". */
  get why(): string {
    return NOT_DONE[this.kind].why;
  }

  /** What the user can do about it, as a sentence of its own. */
  get remedy(): string {
    return NOT_DONE[this.kind].remedy;
  }
}

function isQuota(error: unknown): boolean {
  if (!(error instanceof Error || error instanceof DOMException)) return false;
  if (error.name === 'QuotaExceededError') return true;
  // Some engines abort the transaction and report the quota only in the AbortError's message,
  // or as its cause.
  if (error.name === 'AbortError') {
    const cause = (error as Error & { cause?: unknown }).cause;
    return /quota/i.test(error.message) || (cause !== undefined && isQuota(cause));
  }
  return false;
}

/**
 * The storage failure behind `error` when it came from the device's storage (an exception of
 * IndexedDB's, or a database that would not open); null for anything else, such as a network or
 * server error, so a caller can tell the user which of the two went wrong.
 */
export function storageFailureOf(error: unknown): StorageWriteError | null {
  const fromStorage =
    error instanceof StorageWriteError || error instanceof DatabaseUnavailableError || error instanceof DOMException;
  return fromStorage ? toStorageWriteError(error) : null;
}

/** Turns whatever a failed IndexedDB write threw into a {@link StorageWriteError}. */
export function toStorageWriteError(error: unknown): StorageWriteError {
  if (error instanceof StorageWriteError) return error;
  if (isQuota(error)) return new StorageWriteError('quota', error);
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (
    error instanceof DatabaseUnavailableError ||
    ['InvalidStateError', 'UnknownError', 'TransactionInactiveError'].includes(name)
  ) {
    return new StorageWriteError('unavailable', error);
  }
  return new StorageWriteError('unknown', error);
}
