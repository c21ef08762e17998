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
  return new SharedListener(options);
}

/** The listening connection and its listeners; the connection lives while someone listens. */
class SharedListener implements TimerListener {
  private readonly listeners = new Set<(dueAt: number) => void>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private retry: NodeJS.Timeout | undefined;
  private failures = 0;
  private closed = false;

  constructor(private readonly options: TimerListenerOptions) {}

  async add(listener: (dueAt: number) => void): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('the store is closed');
    // A wrapper, so the same function added twice is two subscriptions.
    const entry = (dueAt: number) => listener(dueAt);
    this.listeners.add(entry);
    try {
      await this.ensureOpen();
    } catch (error) {
      this.listeners.delete(entry);
      await this.stopIfUnwanted();
      throw error;
    }
    let removed = false;
    return async () => {
      if (removed) return;
      removed = true;
      this.listeners.delete(entry);
      await this.stopIfUnwanted();
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    await this.connecting?.catch(() => {});
    await this.stopIfUnwanted();
  }

  private wanted(): boolean {
    return !this.closed && this.listeners.size > 0;
  }

  private dispatch(dueAt: number): void {
    for (const listener of this.listeners) {
      try {
        listener(dueAt);
      } catch (error) {
        this.options.onError(error);
      }
    }
  }

  private async open(): Promise<void> {
    const { channel, onError } = this.options;
    const next = new pg.Client(this.options.client);
    next.on('notification', (message) => {
      if (message.channel !== channel) return;
      const dueAt = Number(message.payload);
      if (Number.isFinite(dueAt)) this.dispatch(dueAt);
    });
    // 'error' is followed by 'end'; reconnecting happens there.
    next.on('error', onError);
    next.on('end', () => this.dropped(next));
    try {
      await next.connect();
      await next.query(`listen "${channel.replaceAll('"', '""')}"`);
    } catch (error) {
      next.end().catch(() => {});
      throw error;
    }
    if (!this.wanted()) {
      await next.end();
      return;
    }
    this.client = next;
    this.failures = 0;
  }

  private ensureOpen(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private dropped(which: pg.Client): void {
    if (this.client !== which) return;
    this.client = undefined;
    if (this.wanted()) this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.retry) return;
    const delay = Math.min(FIRST_RETRY_MS * 2 ** this.failures, MAX_RETRY_MS);
    this.failures += 1;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (this.wanted()) this.reconnect();
    }, delay);
  }

  /** Opens again; listeners re-read the next due time (notifications may have been missed), or it retries later. */
  private reconnect(): void {
    this.ensureOpen().then(
      () => {
        if (this.client) this.dispatch(0);
      },
      (error: unknown) => {
        this.options.onError(error);
        if (this.wanted()) this.scheduleReconnect();
      },
    );
  }

  private async stopIfUnwanted(): Promise<void> {
    if (this.wanted()) return;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    const current = this.client;
    this.client = undefined;
    await current?.end().catch(this.options.onError);
  }
}
