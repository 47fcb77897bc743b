/**
 * What a sync request can fail with, and how the kit tells one failure from another: in a module of
 * its own, for the pages that sort failures to load without the transport, which loads when a sync
 * first runs.
 */

/** The code of a request refused as too large by something between the device and the team's server. */
export const TOO_LARGE = 'too_large';

/**
 * The code of a push refused on its way to the team's server for what it carried: something in
 * front of the server answered it with a page of its own, while the server itself answers.
 */
export const BLOCKED = 'blocked_on_the_way';

/** The server could not be reached (or did not answer in time): try again later. */
export class SyncNetworkError extends Error {
  override name = 'SyncNetworkError';
}

/**
 * Something between this device and the team's server answered instead of it, in a page of its own
 * (a 4xx with no error of the server's, or a success not in JSON) (an agency's filtering proxy, a
 * portal, a firewall): as good as no connection, unless the server is found to answer past it
 * (see FetchTransport.push).
 */
export class SyncAnsweredInsteadError extends SyncNetworkError {
  override name = 'SyncAnsweredInsteadError';
  constructor(readonly status: number) {
    super(`Something between this device and the team’s server answered instead of it (HTTP ${status}).`);
  }
}

/** The kit itself called the request off (a wait for the team's changes, as the kit leaves the screen). */
export class SyncStoppedError extends Error {
  override name = 'SyncStoppedError';
}

/** The server answered with an error status; 5xx and 429 are worth retrying, others are not. */
export class SyncHttpError extends Error {
  override name = 'SyncHttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** How long the server asked to be left alone (its Retry-After), in milliseconds; null if it did not. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

/**
 * A Retry-After header in milliseconds from `now`: delay-seconds or an HTTP date (RFC 9110
 * §10.2.3). Null when absent or unreadable, so a garbled header cannot stall sync.
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | null {
  if (header === null) return null;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Every HTTP date form names its month; Date.parse alone would take "-5" as a year.
  const at = /[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * The server's own refusal of the request (a 4xx it means, not 429's "later"), or a firewall's in
 * front of it of what a push carried (whatever the status of its page): sent again unchanged, it
 * would be refused again.
 */
export function isRefusal(error: unknown): error is SyncHttpError {
  return (
    error instanceof SyncHttpError &&
    (error.code === BLOCKED || (error.status >= 400 && error.status < 500 && error.status !== 429))
  );
}

/**
 * A request refused as too large (413) by something between the device and the team's server, with
 * its body's size as sent: the server never saw it.
 */
export class SyncRefusedOnTheWayError extends SyncHttpError {
  override name = 'SyncRefusedOnTheWayError';
  constructor(readonly sentBytes: number) {
    super(
      413,
      TOO_LARGE,
      'Something between this device and the team’s server refused a request as too large (HTTP 413).',
    );
  }
}

/**
 * A push refused on its way to the team's server for what it carried (a web application firewall's
 * rule, say, matching some of its words), with the page's status: the server answers other requests
 * from this device meanwhile. Sent again as it is, it would be refused again.
 */
export class SyncBlockedOnTheWayError extends SyncHttpError {
  override name = 'SyncBlockedOnTheWayError';
  constructor(status: number) {
    super(
      status,
      BLOCKED,
      `Something between this device and the team’s server refused a push for what it carried (HTTP ${status}), while the server answers.`,
    );
  }
}

/**
 * A change of each of these drafts could not be sent even alone (too large, 413, for the server or
 * a proxy in front of it; or refused on the way for what it carried): held back on the device, with
 * the draft's later changes, while the rest went (see SyncEngine.push).
 */
export class SyncHeldBackError extends SyncHttpError {
  override name = 'SyncHeldBackError';
  constructor(
    readonly drafts: readonly string[],
    refusal: SyncHttpError,
  ) {
    super(refusal.status, refusal.code, refusal.message, refusal.retryAfterMs);
  }
}

/** This device's token is unknown or revoked: it must join again; nothing unsent is lost. */
export class SyncUnauthorizedError extends SyncHttpError {
  override name = 'SyncUnauthorizedError';
}
