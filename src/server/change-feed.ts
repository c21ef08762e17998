/**
 * What `GET /v1/stream` listens to: one poller per process that reads a change mark per
 * subscribed workspace (store/repositories/activity-counts.ts `readChangeMarks`: the newest
 * session update, delivery, flow update, appointment update and contact update) and tells that workspace's subscribers which kinds
 * changed. One statement per tick for all workspaces, a tick at most every `intervalMs` after the
 * previous one finished, whatever the number of clients; the poller runs only while someone
 * listens.
 *
 * Marks are times in milliseconds, so two writes in the same millisecond, or a write stamped a
 * little earlier by another process's clock, may leave the mark unchanged. A mark that was recent
 * when read (within SETTLE_MS) is therefore reported once more on the next tick: one extra refresh
 * after a burst, never a missed one.
 */
import type { Logger } from 'pino';
import { NO_CHANGE_MARKS, type ChangeMarks } from '../store/repositories/activity-counts.js';

export const CHANGE_KINDS = ['sessions', 'deliveries', 'flows', 'appointments', 'contacts'] as const satisfies ReadonlyArray<keyof ChangeMarks>;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** Default time between polls. */
export const POLL_INTERVAL_MS = 1000;
const SETTLE_MS = 1000;

export type ChangeListener = (kinds: ChangeKind[]) => void;

export interface ChangeFeedOptions {
  read(workspaceIds: readonly string[]): Promise<Map<string, ChangeMarks>>;
  /** The clock the marks are written with. */
  now(): number;
  logger: Logger;
  /** Default POLL_INTERVAL_MS. */
  intervalMs?: number;
  /** Schedules the next poll; default an unref'd setTimeout (tests pass one they advance by hand). */
  timer?: PollTimer;
}

export interface PollTimer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimer: PollTimer = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Seen {
  marks: ChangeMarks;
  readAt: number;
}

export class ChangeFeed {
  private readonly listeners = new Map<string, Set<ChangeListener>>();
  private readonly seen = new Map<string, Seen>();
  private timer: unknown = null;
  private polling = false;
  private readonly intervalMs: number;

  private readonly clock: PollTimer;

  constructor(private readonly options: ChangeFeedOptions) {
    this.intervalMs = options.intervalMs ?? POLL_INTERVAL_MS;
    this.clock = options.timer ?? realTimer;
  }

  /** Calls `listener` with the kinds that changed in the workspace; returns the unsubscribe function. */
  subscribe(workspaceId: string, listener: ChangeListener): () => void {
    let set = this.listeners.get(workspaceId);
    if (!set) this.listeners.set(workspaceId, (set = new Set()));
    set.add(listener);
    this.schedule();
    return () => {
      const current = this.listeners.get(workspaceId);
      if (!current?.delete(listener) || current.size > 0) return;
      this.listeners.delete(workspaceId);
      this.seen.delete(workspaceId);
      if (this.listeners.size === 0 && this.timer !== null) {
        this.clock.clear(this.timer);
        this.timer = null;
      }
    };
  }

  /** Subscribers in all workspaces. */
  get size(): number {
    let n = 0;
    for (const set of this.listeners.values()) n += set.size;
    return n;
  }

  private schedule(): void {
    if (this.timer !== null || this.polling || this.listeners.size === 0) return;
    this.timer = this.clock.set(() => void this.poll(), this.intervalMs);
  }

  private async poll(): Promise<void> {
    this.timer = null;
    const ids = [...this.listeners.keys()];
    if (ids.length === 0) return;
    this.polling = true;
    try {
      const marks = await this.options.read(ids);
      const readAt = this.options.now();
      for (const id of ids) this.compare(id, marks.get(id) ?? NO_CHANGE_MARKS, readAt);
    } catch (err) {
      this.options.logger.warn({ err }, 'change feed: reading change marks failed; trying again next tick');
    } finally {
      this.polling = false;
      this.schedule();
    }
  }

  private compare(workspaceId: string, marks: ChangeMarks, readAt: number): void {
    const listeners = this.listeners.get(workspaceId);
    if (!listeners) return;
    const before = this.seen.get(workspaceId);
    this.seen.set(workspaceId, { marks, readAt });
    if (!before) return;
    const changed = CHANGE_KINDS.filter((kind) => {
      const was = before.marks[kind];
      return marks[kind] !== was || (was !== null && was >= before.readAt - SETTLE_MS);
    });
    if (changed.length === 0) return;
    for (const listener of [...listeners]) {
      try {
        listener(changed);
      } catch (err) {
        this.options.logger.warn({ err }, 'change feed: a listener threw');
      }
    }
  }
}
