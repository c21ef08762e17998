import type { Logger } from 'pino';
import type { OutboundGuard } from '../channels/http/outbound-guard.js';
import type { ChannelRegistry } from '../channels/registry.js';
import type { Config } from '../config.js';
import type { Store } from '../store/store.js';
import type { AppointmentRow, ContactRow, EventRow } from '../store/schema.js';
import type { BatchReader } from './batch-reader.js';
import type { FlowCache } from './flow-cache.js';
import type { GroupCommitter } from './group-commit.js';
import type { SessionWriter } from './session-writer/session-writer.js';
import type { EngineMetrics } from './metrics.js';
import type { ActivityLog } from './activity-log.js';
import type { RateLimiter } from './rate-limiter.js';
import type { SecretBox } from './secrets.js';

/** Time is a value: everything that decides reads it from here, and tests can move it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** What the engine's functions share; built once by `createEngine`. */
export interface EngineContext {
  store: Store;
  config: Readonly<Config>;
  clock: Clock;
  logger: Logger;
  flows: FlowCache;
  metrics: EngineMetrics;
  /** Info lines of what the engine did (activity-log.ts). */
  activity: ActivityLog;
  /** The outbound guard every HTTP request goes through (NUDGE_OUTBOUND_ALLOW), for calls outside channels (a source's vendor API). */
  outbound: OutboundGuard;
  /** Every channel module: webhook, email and those `send` steps name. */
  registry: ChannelRegistry;
  rateLimiter: RateLimiter;
  secretBox: SecretBox;
  random: () => number;
  /**
   * Commits of the hot paths (ingest, session starts, step results) go through here: units that
   * arrive while a commit runs share the next transaction (group-commit.ts).
   */
  commits: GroupCommitter;
  /**
   * The only writer of sessions, their timelines, deliveries and timers for the runner and the
   * executor (session-writer/): batched unless `createEngine` was asked for the plain one.
   */
  writer: SessionWriter;
  /** Rows read by id outside transactions, coalesced per turn of the event loop (batch-reader.ts). */
  appointments: BatchReader<AppointmentRow>;
  contacts: BatchReader<ContactRow>;
  events: BatchReader<EventRow>;
  /** Tells this process's scheduler, and through the store other processes, that work is due at `dueAt`. */
  wake(dueAt: number): void;
}
