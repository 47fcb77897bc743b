import pg from 'pg';

/** What a listener is told. */
export interface ListenHandlers {
  /** A notification on the channel, with its payload. */
  readonly onMessage: (payload: string) => void;
  /**
   * Listening (again): notifications sent while it was not were missed, so whatever waits on them
   * looks for itself. Told at the first connection too.
   */
  readonly onListening?: () => void;
  /** The connection was lost or could not be opened; it is tried again in `retryMs`. */
  readonly onLost?: (error: Error, retryMs: number) => void;
}

/** A channel listened on, on a connection of its own. */
export interface Listening {
  /** Whether notifications are heard now (false while the connection is being opened again). */
  readonly listening: boolean;
  /** Stops listening and closes the connection. */
  close(): Promise<void>;
}

export type Listen = (channel: string, handlers: ListenHandlers) => Listening;

/** The first pause before a lost connection is opened again; it doubles up to RETRY_MAX_MS. */
export const RETRY_FIRST_MS = 1_000;
export const RETRY_MAX_MS = 30_000;

/**
 * Listens on a PostgreSQL channel (LISTEN/NOTIFY) on a connection of its own, outside the pool:
 * LISTEN belongs to a connection, and a pooled one goes back to the pool. A lost connection
 * (PostgreSQL restarted or failed over, a proxy closed it) is opened again after a pause that
 * doubles up to RETRY_MAX_MS, and `onListening` tells that notifications may have been missed.
 */
export function listen(config: pg.ClientConfig, channel: string, handlers: ListenHandlers): Listening {
  let client: pg.Client | null = null;
  let listening = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retryMs = RETRY_FIRST_MS;

  const lost = (c: pg.Client, error: Error): void => {
    // Told once a connection (an error is often followed by its end), and never after close().
    if (client !== c || closed) return;
    client = null;
    listening = false;
    c.removeAllListeners('notification');
    void c.end().catch(() => undefined);
    handlers.onLost?.(error, retryMs);
    timer = setTimeout(open, retryMs);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
  };

  const open = (): void => {
    timer = undefined;
    const c = new pg.Client(config);
    client = c;
    c.on('error', (error) => lost(c, error));
    c.on('end', () => lost(c, new Error('the connection ended')));
    c.on('notification', (message) => {
      if (message.channel === channel) handlers.onMessage(message.payload ?? '');
    });
    c.connect()
      .then(() => c.query(`LISTEN ${pg.escapeIdentifier(channel)}`))
      .then(() => {
        if (client !== c || closed) return;
        listening = true;
        retryMs = RETRY_FIRST_MS;
        handlers.onListening?.();
      })
      .catch((error: unknown) => lost(c, error instanceof Error ? error : new Error(String(error))));
  };

  open();
  return {
    get listening() {
      return listening;
    },
    async close() {
      closed = true;
      listening = false;
      clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => undefined);
    },
  };
}
