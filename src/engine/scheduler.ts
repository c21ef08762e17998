/**
 * The worker loop. It claims due timers in batches under a lease, runs them with bounded
 * concurrency, and then sleeps until the next due time — not a fixed poll. It is woken early
 * when this process writes an earlier timer, and on PostgreSQL by NOTIFY from other processes.
 * A safety re-check every `maxIdleMs` covers a lost notification. Stopping gives running timers a
 * grace period, then hands back the timers of those still running (see `stop`).
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { EngineContext } from './engine-context.js';
import type { TimerRow } from '../store/schema.js';
import { releaseClaimedTimers } from '../store/repositories/timers.js';
import { readClaimedRows, runClaimed, type ClaimedRows } from './executor.js';

export interface SchedulerOptions {
  concurrency: number;
  batchSize: number;
  leaseMs: number;
  maxIdleMs: number;
}

export class Scheduler {
  readonly workerId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private running = false;
  /** Running timers, each with the claim (lease owner) it runs under. */
  private inflight = new Map<Promise<void>, string>();
  /** The claim under way, if any: stopping waits for it so nothing it claims is left unreleased. */
  private ticked: Promise<void> | null = null;
  private stopped: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private armedAt = Infinity;
  private ticking = false;
  private tickAgain = false;
  private pendingWake = Infinity;
  private claimCount = 0;
  /** Timers this worker has run, reported when it stops. */
  private ran = 0;
  private unlisten: (() => Promise<void>) | null = null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly options: SchedulerOptions,
  ) {}

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (this.ctx.store.capabilities.listenNotify) {
      this.unlisten = await this.ctx.store.listenTimers((dueAt) => this.wake(dueAt));
    }
    this.ctx.logger.info({ worker: this.workerId, ...this.options }, 'worker started');
    this.arm(0);
  }

  /** Asks for a check at `dueAt` (or now, if it has passed), unless one is already armed earlier. */
  wake(dueAt: number): void {
    if (!this.running) return;
    if (this.ticking) {
      this.pendingWake = Math.min(this.pendingWake, dueAt);
      return;
    }
    if (dueAt < this.armedAt) this.arm(Math.max(0, dueAt - this.ctx.clock.now()));
  }

  /**
   * Stops claiming and waits up to `graceMs` for the running timers to finish; the leases of those
   * still running then are released, so another worker (or this one restarted) takes them at once
   * rather than after the lease. A step cut short that way may send again, with the same
   * idempotency key. Calling it again returns the first call's promise.
   */
  stop(graceMs = 10_000): Promise<void> {
    this.stopped ??= this.stopNow(graceMs);
    return this.stopped;
  }

  private async stopNow(graceMs: number): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.unlisten) await this.unlisten().catch(() => undefined);
    await this.ticked;
    let grace: NodeJS.Timeout | undefined;
    const all = Promise.allSettled([...this.inflight.keys()]);
    await Promise.race([all, new Promise((r) => (grace = setTimeout(r, graceMs)))]);
    clearTimeout(grace);
    // Steps still running must not commit after their timers go to another worker: a trigger whose
    // lease is gone reads as moved, and the session would be written off as canceled.
    if (this.inflight.size > 0) await this.ctx.commits.close();
    const released = await this.releaseUnfinished();
    this.ctx.logger.info({ worker: this.workerId, ran: this.ran, released }, 'worker stopped');
  }

  /** Releases what the running timers hold; returns how many timers were released. */
  private async releaseUnfinished(): Promise<number> {
    const owners = [...new Set(this.inflight.values())];
    if (owners.length === 0) return 0;
    try {
      const now = this.ctx.clock.now();
      const released = await releaseClaimedTimers(this.ctx.store.db, owners, now);
      if (this.ctx.store.capabilities.listenNotify) await this.ctx.store.notifyTimers(now);
      return released;
    } catch (error) {
      this.ctx.logger.warn({ err: error, claims: owners.length }, 'releasing unfinished timers failed; they are retaken when their lease expires');
      return 0;
    }
  }

  /**
   * Claims and runs every timer due at the clock's current time, until none is left; returns how
   * many ran. Tests drive time with an injected clock and call this instead of the loop.
   */
  async drain(): Promise<number> {
    let ran = 0;
    for (;;) {
      const timers = await this.ctx.store.claimTimers({
        owner: `${this.workerId}:${++this.claimCount}`,
        now: this.ctx.clock.now(),
        leaseMs: this.options.leaseMs,
        limit: this.options.batchSize,
      });
      if (timers.length === 0) return ran;
      const rows = await this.readRows(timers);
      // One after another, in order: what a test that drains expects to see.
      for (const run of runClaimed(this.ctx, timers, rows)) await run();
      ran += timers.length;
    }
  }

  /** Resolves when no timer is running in this worker (tests and benchmarks use it). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight.keys()]);
  }

  private arm(delayMs: number): void {
    if (!this.running) return;
    const delay = Math.min(delayMs, this.options.maxIdleMs);
    const at = this.ctx.clock.now() + delay;
    if (this.timer) clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.armedAt = Infinity;
      const tick = this.tick();
      this.ticked = tick;
      void tick.finally(() => {
        if (this.ticked === tick) this.ticked = null;
      });
    }, delay);
  }

  private async tick(): Promise<void> {
    if (!this.running) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = true;
    this.pendingWake = Infinity;
    let next: number | null = null;
    let more = false;
    try {
      const free = this.options.concurrency - this.inflight.size;
      if (free > 0) {
        const limit = Math.min(this.options.batchSize, free);
        const now = this.ctx.clock.now();
        const owner = `${this.workerId}:${++this.claimCount}`;
        const timers = await this.ctx.store.claimTimers({ owner, now, leaseMs: this.options.leaseMs, limit });
        if (!this.running) {
          // Stopped while claiming: give them back rather than start work the process will not finish.
          if (timers.length > 0) await releaseClaimedTimers(this.ctx.store.db, [owner], this.ctx.clock.now());
          return;
        }
        const rows = await this.readRows(timers);
        const runs = runClaimed(this.ctx, timers, rows).map((run) => run());
        timers.forEach((t, i) => this.track(t, runs[i]!));
        more = timers.length === limit;
      }
      if (!more && free > 0) next = await this.ctx.store.nextDueAt();
    } catch (error) {
      this.ctx.logger.error({ err: error }, 'claiming timers failed; retrying in 1 s');
      next = this.ctx.clock.now() + 1000;
    } finally {
      this.ticking = false;
    }
    if (!this.running) return;
    const now = this.ctx.clock.now();
    if (this.tickAgain || more) {
      this.tickAgain = false;
      this.arm(0);
      return;
    }
    // When the worker is full, a finishing timer re-arms; otherwise sleep until the next due time.
    if (this.inflight.size >= this.options.concurrency) return;
    const target = Math.min(next ?? Infinity, this.pendingWake);
    this.pendingWake = Infinity;
    this.arm(target === Infinity ? this.options.maxIdleMs : Math.max(0, target - now));
  }

  /** The rows the batch's timers read (none for fewer than two); on failure, none: each timer then reads its own. */
  private async readRows(timers: TimerRow[]): Promise<ClaimedRows | null> {
    try {
      return await readClaimedRows(this.ctx, timers);
    } catch (error) {
      this.ctx.logger.warn({ err: error }, 'reading the rows of claimed timers failed; each reads its own');
      return null;
    }
  }

  private track(timer: TimerRow, run: Promise<void>): void {
    this.ran++;
    const p: Promise<void> = run
      .catch((error: unknown) => {
        const fields = { err: error, timer: timer.id, session: timer.session_id };
        // Cut short by stopping: its timer was given back (or its lease expires), nothing is wrong.
        if (this.stopped) this.ctx.logger.info(fields, 'timer run abandoned at shutdown');
        // The lease expires and the timer is retried; log so a person can see why.
        else this.ctx.logger.error(fields, 'timer run failed');
      })
      .finally(() => {
        this.inflight.delete(p);
        this.wake(this.ctx.clock.now());
      });
    this.inflight.set(p, timer.lease_owner ?? '');
  }
}
