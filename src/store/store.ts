/**
 * The one Store: a Kysely instance over SQLite or PostgreSQL plus the few hot paths that are
 * written by hand per dialect (the timer claim, the next due time, notifications). Ordinary reads
 * and writes go through `db` (see the repositories beside this file). Nothing branches on the
 * dialect's name: the engine on `capabilities` below, the repositories on the SQL capabilities
 * each driver declares on its Kysely adapter (sql-capabilities.ts). How timers are claimed
 * (`FOR UPDATE SKIP LOCKED`, or SQLite's one writer) is each driver's own `claimTimers`, so no
 * capability names it.
 */
import type { Kysely } from 'kysely';
import type { Database, TimerRow } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface StoreCapabilities {
  /** `LISTEN/NOTIFY`: a process can wake workers in other processes (which share the database). */
  listenNotify: boolean;
  /** Connections that can run transactions at the same time (SQLite: 1; PostgreSQL: the pool size). */
  connections: number;
}

export interface ClaimOptions {
  /** Unique per claim (worker id + counter); completion statements match on it. */
  owner: string;
  now: number;
  /** The claimed timers' `due_at` moves to `now + leaseMs`: if the worker dies, they come due again. */
  leaseMs: number;
  limit: number;
}

export interface Store {
  readonly dialect: Dialect;
  readonly capabilities: StoreCapabilities;
  readonly db: Kysely<Database>;
  /**
   * Runs `fn` in one transaction and commits, or rolls back if it throws.
   * SQLite starts it with `BEGIN IMMEDIATE` so that a read-then-write never fails with SQLITE_BUSY.
   */
  transaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Applies pending migrations of this dialect; returns the names applied. */
  migrate(): Promise<string[]>;
  /**
   * Claims up to `limit` timers with `due_at <= now` and `held = 0`, in due order, leasing them to
   * `owner`: sets `lease_owner = owner`, `due_at = now + leaseMs`, `claims = claims + 1`, and returns
   * the rows as updated (`scheduled_at` keeps the time they were meant to fire).
   */
  claimTimers(options: ClaimOptions): Promise<TimerRow[]>;
  /** Earliest `due_at` among timers that are not held, or null when there are none. */
  nextDueAt(): Promise<number | null>;
  /** Tells workers in other processes that a timer is due at `dueAt` (PostgreSQL NOTIFY; no-op on SQLite). */
  notifyTimers(dueAt: number): Promise<void>;
  /** Calls `listener` when another process notifies; returns a function that unsubscribes. */
  listenTimers(listener: (dueAt: number) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
