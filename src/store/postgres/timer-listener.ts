/**
 * One dedicated connection running `LISTEN` on the store's timer channel, shared by all of the
 * store's listeners. A pooled connection cannot listen: the pool hands it to other queries.
 *
 * It opens with the first listener and closes with the last. If the connection drops it
 * reconnects with exponential backoff (100 ms doubling, at most 10 s) and then calls every
 * listener once with `0`: notifications may have been missed meanwhile, so re-read the next due time.
 */
import pg from 'pg';

export interface TimerListenerOptions {
  /** Connection settings for the listening client (the pool's, without pooling options). */
  client: pg.ClientConfig;
  /** Channel name, used verbatim (quoted in LISTEN; `pg_notify` takes it as text). */
  channel: string;
  /** Errors nobody awaits: a dropped connection, a failed reconnect, a listener that threw. */
  onError: (error: unknown) => void;
}

export interface TimerListener {
  /** Adds a listener; resolves once LISTEN is active. Returns a function that removes it. */
  add(listener: (dueAt: number) => void): Promise<() => Promise<void>>;
  /** Removes every listener and closes the connection. */
  close(): Promise<void>;
}

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 10_000;

export function createTimerListener(options: TimerListenerOptions): TimerListener {
  const { channel, onError } = options;
  const listeners = new Set<(dueAt: number) => void>();
  let client: pg.Client | undefined;
  let connecting: Promise<void> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;
  let closed = false;

  const wanted = () => !closed && listeners.size > 0;

  function dispatch(dueAt: number): void {
    for (const listener of listeners) {
      try {
        listener(dueAt);
      } catch (error) {
        onError(error);
      }
    }
  }

  async function open(): Promise<void> {
    const next = new pg.Client(options.client);
    next.on('notification', (message) => {
      if (message.channel !== channel) return;
      const dueAt = Number(message.payload);
      if (Number.isFinite(dueAt)) dispatch(dueAt);
    });
    // 'error' is followed by 'end'; reconnecting happens there.
    next.on('error', onError);
    next.on('end', () => dropped(next));
    try {
      await next.connect();
      await next.query(`listen "${channel.replaceAll('"', '""')}"`);
    } catch (error) {
      next.end().catch(() => {});
      throw error;
    }
    if (!wanted()) {
      await next.end();
      return;
    }
    client = next;
    failures = 0;
  }

  function ensureOpen(): Promise<void> {
    if (client) return Promise.resolve();
    connecting ??= open().finally(() => {
      connecting = undefined;
    });
    return connecting;
  }

  function dropped(which: pg.Client): void {
    if (client !== which) return;
    client = undefined;
    if (wanted()) scheduleReconnect();
  }

  function scheduleReconnect(): void {
    if (retry) return;
    const delay = Math.min(FIRST_RETRY_MS * 2 ** failures, MAX_RETRY_MS);
    failures += 1;
    retry = setTimeout(() => {
      retry = undefined;
      if (!wanted()) return;
      ensureOpen().then(
        () => {
          if (client) dispatch(0);
        },
        (error: unknown) => {
          onError(error);
          if (wanted()) scheduleReconnect();
        },
      );
    }, delay);
  }

  async function stopIfUnwanted(): Promise<void> {
    if (wanted()) return;
    if (retry) clearTimeout(retry);
    retry = undefined;
    const current = client;
    client = undefined;
    await current?.end().catch(onError);
  }

  return {
    async add(listener) {
      if (closed) throw new Error('the store is closed');
      // A wrapper, so the same function added twice is two subscriptions.
      const entry = (dueAt: number) => listener(dueAt);
      listeners.add(entry);
      try {
        await ensureOpen();
      } catch (error) {
        listeners.delete(entry);
        await stopIfUnwanted();
        throw error;
      }
      let removed = false;
      return async () => {
        if (removed) return;
        removed = true;
        listeners.delete(entry);
        await stopIfUnwanted();
      };
    },

    async close() {
      closed = true;
      listeners.clear();
      await connecting?.catch(() => {});
      await stopIfUnwanted();
    },
  };
}
