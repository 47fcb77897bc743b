import {
  CHANGES_WAIT_MS,
  NO_SUCH_DRAFT,
  type ChangesResponse,
  type JoinRequest,
  type JoinResponse,
  type MeResponse,
  type PullResponse,
  type PushRequest,
  type PushResponse,
  type ServerDraft,
} from './protocol.js';
import { utf8Length } from '../text/utf8-length.js';
import { appBase } from '../routing/app-base.js';
import {
  SyncAnsweredInsteadError,
  SyncBlockedOnTheWayError,
  SyncHttpError,
  SyncNetworkError,
  SyncRefusedOnTheWayError,
  SyncStoppedError,
  SyncUnauthorizedError,
  retryAfterMs,
} from './sync-errors.js';

export interface SyncTransport {
  push(request: PushRequest): Promise<PushResponse>;
  pull(since: number, limit: number): Promise<PullResponse>;
  /** One draft as the team holds it; null when the team has no such draft. */
  draft(id: string): Promise<ServerDraft | null>;
  /**
   * Starts encoding a push of `mutations` ahead of sending it (optional): the sync engine calls it
   * for the next batch while the one before travels, then pushes the same array.
   */
  prepare?(mutations: PushRequest['mutations']): void;
  /**
   * The team server's time now, by its last answer (optional): the sync engine notes it, so a
   * device whose clock is wrong can say so and time its changes by the server's. Null until the
   * server has answered.
   */
  serverNow?(): number | null;
}

const TIMEOUT_MS = 30_000;
/** Request bodies this long or longer go gzip-compressed: on a weak signal, bytes are time. */
const COMPRESS_FROM_BYTES = 1024;

/** Talks to the team's server over fetch. Works in pages and in the service worker. */
export class FetchTransport implements SyncTransport {
  constructor(
    private readonly token: string,
    /** The team's server: its origin (tests, Node), or by default the kit's own path on this one. */
    private readonly base = appBase().slice(0, -1),
    private readonly onNetwork: (reached: boolean) => void = () => undefined,
    /** How long to wait for an answer before counting the request as lost. */
    private readonly timeoutMs = TIMEOUT_MS,
  ) {}

  /** Set once the server has refused a compressed body (415): later bodies go as they are. */
  private _plainBodies = false;
  /** Push bodies encoded ahead of their push, by the batch's mutations. */
  private readonly _prepared = new WeakMap<PushRequest['mutations'], Promise<Body>>();
  /** The server's time in its last answer, and when that came (performance.now(), which no clock change moves). */
  private _answered: { readonly serverTime: number; readonly at: number } | null = null;

  serverNow(): number | null {
    const answered = this._answered;
    return answered && answered.serverTime + (performance.now() - answered.at);
  }

  prepare(mutations: PushRequest['mutations']): void {
    if (this._prepared.has(mutations)) return;
    this._prepared.set(mutations, encode(JSON.stringify({ mutations }), !this._plainBodies));
  }

  /**
   * The cursor (and the settled mark, history and clock) go in the address, not the body, so that a batch's body can
   * be encoded while the batch before it travels, before the cursor its answer moves is known.
   */
  push({ mutations, since, settled, history, clock, refusedBytes, blocked }: PushRequest): Promise<PushResponse> {
    const prepared = this._prepared.get(mutations);
    this._prepared.delete(mutations);
    const query = new URLSearchParams();
    if (since !== undefined) query.set('since', String(since));
    if (settled !== undefined) query.set('settled', String(settled));
    if (history !== undefined) query.set('history', history);
    if (clock !== undefined) query.set('clock', String(clock));
    if (refusedBytes !== undefined) query.set('refusedBytes', String(refusedBytes));
    if (blocked !== undefined) query.set('blocked', String(blocked));
    const path = query.toString() ? `/api/push?${query}` : '/api/push';
    // A page instead of the answer may be a firewall refusing what the push carries, or no way
    // through at all (a portal): a look at the team past it tells which.
    const probe = (): Promise<unknown> => this.pull(since ?? 0, 1);
    return this._call<PushResponse>('POST', path, { body: { mutations }, prepared, probe });
  }

  pull(since: number, limit: number): Promise<PullResponse> {
    return this._call<PullResponse>('GET', `/api/pull?since=${since}&limit=${limit}`);
  }

  async draft(id: string): Promise<ServerDraft | null> {
    try {
      return await this._call<ServerDraft>('GET', `/api/drafts/${encodeURIComponent(id)}`);
    } catch (error) {
      // Only the route's own "no such draft" says the team has none: a server from before the
      // route answers any 404, and the device must not take that as the team holding nothing.
      if (error instanceof SyncHttpError && error.status === 404 && error.code === NO_SUCH_DRAFT) return null;
      throw error;
    }
  }

  /**
   * Waits at the team's server, up to `waitMs` (CHANGES_WAIT_MS by default), for the team's
   * revision to be other than `since` (a teammate's change), and says what it is then. Give this
   * transport a timeout longer than the wait.
   */
  changes(since: number, stop?: AbortSignal, waitMs = CHANGES_WAIT_MS): Promise<ChangesResponse> {
    const wait = waitMs < CHANGES_WAIT_MS ? `&wait=${Math.round(waitMs / 1000)}` : '';
    return this._call<ChangesResponse>('GET', `/api/changes?since=${since}${wait}`, { stop });
  }

  me(): Promise<MeResponse> {
    return this._call<MeResponse>('GET', '/api/me');
  }

  async renameDevice(name: string): Promise<void> {
    await this._call<unknown>('PUT', '/api/me', { body: { name } });
  }

  /** Takes this device out of its team: the token stops working. */
  async leave(): Promise<void> {
    await this._call<unknown>('DELETE', '/api/me');
  }

  private async _call<T>(
    method: string,
    path: string,
    {
      body,
      prepared,
      stop,
      probe,
    }: {
      readonly body?: unknown;
      /** The body encoded ahead (see prepare). */
      readonly prepared?: Promise<Body> | undefined;
      /** Calls the request off (see RequestOptions). */
      readonly stop?: AbortSignal | undefined;
      /**
       * A request the server answers whatever this one carried: made when a page answers this one,
       * it tells a refusal of what was sent (the server answers it) from no way through.
       */
      readonly probe?: () => Promise<unknown>;
    } = {},
  ): Promise<T> {
    const send = (encoded: Body | undefined): Promise<T> =>
      request<T>(`${this.base}${path}`, method, encoded, {
        headers: { authorization: `Bearer ${this.token}` },
        timeoutMs: this.timeoutMs,
        onNetwork: this.onNetwork,
        onServerTime: (serverTime) => (this._answered = { serverTime, at: performance.now() }),
        stop,
      });
    const json = (): string => JSON.stringify(body);
    // A body encoded ahead, before this server was found to take only plain ones, goes plain too.
    const first =
      body === undefined
        ? undefined
        : await (prepared && !this._plainBodies ? prepared : encode(json(), !this._plainBodies));
    try {
      try {
        return await send(first);
      } catch (error) {
        // A server or proxy that does not take compressed bodies says so (415, RFC 7694); a
        // firewall that cannot read them answers with a page of its own (ModSecurity, its JSON
        // body processor failing on gzip, answers 400). Sent plain, and plain from then on.
        const answeredInstead = error instanceof SyncAnsweredInsteadError;
        if (!first?.gzip || !(answeredInstead || (error instanceof SyncHttpError && error.status === 415))) throw error;
        const answer = await send(await encode(json(), false));
        this._plainBodies = true;
        return answer;
      }
    } catch (error) {
      if (!(error instanceof SyncAnsweredInsteadError)) throw error;
      if (probe) {
        // A probe the server answers (told to onNetwork) leaves what this one carried as the cause.
        // One it does not answer tells no way through itself; one it refuses (a device revoked,
        // its server busy) is the answer to give.
        const reached = await probe().then(
          () => true,
          (probeError: unknown) => {
            if (probeError instanceof SyncNetworkError) return false;
            throw probeError;
          },
        );
        if (reached) throw new SyncBlockedOnTheWayError(error.status);
        throw error;
      }
      this.onNetwork(false);
      throw error;
    }
  }
}

/** Joins this device to a team with the code from a join link; `onNetwork` is told what the request saw. */
export async function joinTeam(
  body: JoinRequest,
  base = appBase().slice(0, -1),
  onNetwork: (reached: boolean) => void = () => undefined,
): Promise<JoinResponse> {
  try {
    return await request<JoinResponse>(`${base}/api/join`, 'POST', await encode(JSON.stringify(body), false), {
      onNetwork,
    });
  } catch (error) {
    if (error instanceof SyncAnsweredInsteadError) onNetwork(false);
    throw error;
  }
}

/** A request body as sent: JSON, gzip-compressed when that was asked for and worth it. */
interface Body {
  readonly data: string | ArrayBuffer;
  readonly gzip: boolean;
}

async function encode(json: string, compress: boolean): Promise<Body> {
  // Each UTF-16 unit is one to three bytes of UTF-8, so only a text shorter than the threshold
  // needs its bytes counted.
  const short = json.length < COMPRESS_FROM_BYTES && utf8Length(json) < COMPRESS_FROM_BYTES;
  if (!compress || short || typeof CompressionStream !== 'function') return { data: json, gzip: false };
  // Compressing is an optimisation: if the browser's compressor fails, the body goes as it is.
  return gzipped(json).then(
    (data) => ({ data, gzip: true }),
    () => ({ data: json, gzip: false }),
  );
}

/** How a request is sent, and who hears what came of it. */
interface RequestOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Told whether the team's server (not something between) answered; a page answering instead
   * (SyncAnsweredInsteadError) is left to the caller to tell.
   */
  readonly onNetwork?: ((reached: boolean) => void) | undefined;
  /** How long to wait for an answer before counting the request as lost. */
  readonly timeoutMs?: number;
  /** Told the server's time, by an answer from it. */
  readonly onServerTime?: (serverTime: number) => void;
  /** Calls the request off: it then fails with SyncStoppedError, and tells `onNetwork` nothing. */
  readonly stop?: AbortSignal | undefined;
}

async function request<T>(
  url: string,
  method: string,
  body: Body | undefined,
  {
    headers = {},
    onNetwork = () => undefined,
    timeoutMs = TIMEOUT_MS,
    onServerTime = () => undefined,
    stop,
  }: RequestOptions = {},
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: {
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(body?.gzip ? { 'content-encoding': 'gzip' } : {}),
      },
      body: body?.data ?? null,
      signal: stop ? eitherSignal(AbortSignal.timeout(timeoutMs), stop) : AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    if (stop?.aborted) throw new SyncStoppedError('The request was called off.');
    onNetwork(false);
    throw new SyncNetworkError(`The team’s server could not be reached (${String(error)}).`);
  }
  if (response.status === 204) {
    onNetwork(true);
    noteServerTime(response, onServerTime);
    return undefined as T;
  }
  let data: unknown;
  try {
    data = await response.json();
  } catch (error) {
    if (stop?.aborted) throw new SyncStoppedError('The request was called off.');
    // The answer was cut off (connection reset, timeout mid-body): as good as no answer.
    if (
      (error as Error).name === 'AbortError' ||
      (error as Error).name === 'TimeoutError' ||
      (error as Error).name === 'TypeError'
    ) {
      throw new SyncNetworkError(`The answer from the team’s server was cut off (${String(error)}).`);
    }
    data = null;
  }
  // Too large, whoever says it (a proxy or firewall in front of the server, with a lower limit than
  // the server's, answers in a page of its own): sent again unchanged it would be refused again,
  // where taken as no connection it was, every minute, and the device said it was offline.
  if (response.status === 413 && !isErrorBody(data)) {
    const sent = body?.data ?? '';
    throw new SyncRefusedOnTheWayError(typeof sent === 'string' ? utf8Length(sent) : sent.byteLength);
  }
  // The team's server says what went wrong in JSON. A 4xx page without it is something between
  // the two answering instead (an agency's filtering proxy, a portal): as good as no connection,
  // and said and retried as one, where it was taken as the server refusing, and a proxy's 401
  // sent the device to rejoin its team. (A 5xx or 429 is retried anyway, with its Retry-After.)
  if (!response.ok && response.status < 500 && response.status !== 429 && !isErrorBody(data)) {
    // Too slow on its way in (a proxy's 408, or Node's own, with no body): a weak signal, worth
    // sending again, and no refusal of what it carried.
    if (response.status === 408) {
      onNetwork(false);
      throw new SyncNetworkError('The request took too long to reach the team’s server (HTTP 408).');
    }
    throw new SyncAnsweredInsteadError(response.status);
  }
  // The team's server answers every request in JSON: a success in a page is something between
  // answering instead (F5's firewall answers a request it refuses 200, with its "Request
  // Rejected" page), where it was taken as the server failing, and retried without end.
  if (response.ok && data === null) throw new SyncAnsweredInsteadError(response.status);
  onNetwork(true);
  if (!response.ok) {
    const { error = 'http_error', message = `The server answered ${response.status}.` } = (data ?? {}) as {
      error?: string;
      message?: string;
    };
    const Err = response.status === 401 ? SyncUnauthorizedError : SyncHttpError;
    throw new Err(response.status, error, message, retryAfterMs(response.headers.get('retry-after')));
  }
  noteServerTime(response, onServerTime);
  return data as T;
}

/** A signal that aborts when either does (AbortSignal.any, which Safari has only since 17.4). */
function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any([a, b]);
  const both = new AbortController();
  for (const signal of [a, b]) {
    if (signal.aborted) both.abort(signal.reason);
    else signal.addEventListener('abort', () => both.abort(signal.reason), { once: true });
  }
  return both.signal;
}

/**
 * Tells the server's time by its answer's Date header (RFC 9110 §6.6.1), which every HTTP server
 * sends: whole seconds, so the middle of the second it names. An answer without one tells nothing.
 */
function noteServerTime(response: Response, onServerTime: (serverTime: number) => void): void {
  const date = Date.parse(response.headers.get('date') ?? '');
  if (!Number.isNaN(date)) onServerTime(date + 500);
}

/** An error answer as the team's server writes it: `{ "error": "…", "message": "…" }`. */
function isErrorBody(data: unknown): boolean {
  return (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { error?: unknown }).error === 'string' &&
    typeof (data as { message?: unknown }).message === 'string'
  );
}

/** `text` as UTF-8, gzip-compressed by the browser's own CompressionStream. */
function gzipped(text: string): Promise<ArrayBuffer> {
  return new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer();
}
