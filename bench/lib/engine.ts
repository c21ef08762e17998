/**
 * What a scenario needs from an engine, Nudge or a peer: reset its storage, start its worker
 * processes, schedule / move / cancel reminders, and report its processes and storage.
 */

export const ENGINE_NAMES = ['nudge-sqlite', 'nudge-pg', 'graphile', 'pgboss', 'bullmq', 'bullmq-pg'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

/** Reminder `i` for an appointment starting at `start` (epoch ms); it is due 24 h before. */
export interface ReminderSpec {
  i: number;
  start: number;
}

export interface EngineConfig {
  receiverUrl: string;
  /** Worker processes (Nudge on SQLite always runs one process). */
  workers: number;
  pgUrl: string;
  redisUrl: string;
  /** Engine-specific overrides (`--set key=value` on the command line). */
  tuning: Record<string, string>;
}

export interface Engine {
  readonly name: EngineName;
  /** The settings it runs with, recorded in the results. */
  readonly settings: Record<string, unknown>;
  /** Resets its storage and starts its processes; resolves when they are ready. */
  start(): Promise<void>;
  /** Adds reminders (the caller sends chunks of at most 1000). */
  schedule(items: ReminderSpec[]): Promise<void>;
  /** Moves reminders to new appointment times (payload must carry the new time); resolves to how many the engine refused. */
  reschedule(items: ReminderSpec[]): Promise<number | void>;
  /** Cancels reminders: they must never fire; resolves to how many the engine refused. */
  cancel(items: ReminderSpec[]): Promise<number | void>;
  /** Processes that run timers (their RSS and CPU are "the worker's"). */
  workerPids(): number[];
  /** Every process of the engine (workers, API). */
  allPids(): number[];
  /** What its storage holds now, in bytes. */
  storageBytes(): Promise<{ bytes: number; detail: Record<string, number> }>;
  /** Cumulative statements / commands served by its storage, or NaN where it cannot be counted. */
  operations(): Promise<number>;
  /** Stops every process it started (storage is left for inspection until the next start). */
  stop(): Promise<void>;
}

export function tuningNumber(tuning: Record<string, string>, key: string, fallback: number): number {
  const v = tuning[key];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--set ${key}=${v}: expected a number`);
  return n;
}
