/**
 * The retention cleanup: deletes each workspace's events, delivery attempts and outbox messages
 * older than its retention settings (`retention_*_days`, null: kept forever).
 *
 * It works in small batches so that it never holds a lock for long: each batch (at most
 * `batchSize` rows, default 500) is one short transaction, and the cleanup yields to the event loop
 * between batches, so steps, claims and requests interleave with it. Rows an open session still
 * needs are kept (its starting event, for templates; its deliveries and emails, for its timeline
 * and retries) until a run after the session ended. Progress is in the metrics:
 * `nudge_retention_deleted_total{table}` and `nudge_retention_last_run_timestamp_seconds`.
 *
 * Every worker runs it (`NUDGE_RETENTION_INTERVAL_MS`, default every 10 minutes): two workers
 * deleting the same rows at once only find fewer rows to delete.
 *
 * Each pass also blanks deliveries and emails that sends under way during a contact's erasure
 * wrote after it (erasures of the last 7 days; see repositories/erasure.ts `eraseLateWrites`).
 */
import { eraseLateWrites } from '../store/repositories/erasure.js';
import { deleteExpiredBatch, listRetentionSettings, type Keyset } from '../store/repositories/retention.js';
import { RETENTION_KINDS, type RetentionKind } from '../store/repositories/workspaces.js';
import type { EngineContext } from './engine-context.js';

const DAY_MS = 86_400_000;
/** How far back erasures are swept for late writes: sends finish within minutes; erasures are few. */
const LATE_WRITES_WINDOW_MS = 7 * DAY_MS;

export interface RetentionCleanerOptions {
  /** Rows per batch (one transaction). Default 500. */
  batchSize?: number;
  /** Time between runs, ms; 0: only when `runOnce` is called. */
  intervalMs: number;
}

export type RetentionRun = Record<RetentionKind, number>;

export class RetentionCleaner {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RetentionRun> | null = null;
  private stopped = false;
  private readonly batchSize: number;

  constructor(
    private readonly ctx: Pick<EngineContext, 'store' | 'clock' | 'logger' | 'metrics'>,
    private readonly options: RetentionCleanerOptions,
  ) {
    this.batchSize = options.batchSize ?? 500;
  }

  /** Runs now, then every `intervalMs` (when it is not 0). */
  start(): void {
    this.stopped = false;
    if (this.options.intervalMs <= 0) return;
    const tick = () => {
      this.runOnce()
        .catch((err: unknown) => this.ctx.logger.warn({ err }, 'retention cleanup failed; trying again next interval'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs).unref();
        });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  /** Stops the schedule; a run under way finishes its current batch and stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One cleanup of every workspace with a retention setting; returns the rows deleted per table. */
  runOnce(): Promise<RetentionRun> {
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(): Promise<RetentionRun> {
    const totals: RetentionRun = { events: 0, deliveries: 0, outbox: 0 };
    const now = this.ctx.clock.now();
    const late = await this.ctx.store.transaction((trx) => eraseLateWrites(trx, now - LATE_WRITES_WINDOW_MS));
    if (late > 0) this.ctx.logger.info({ rows: late }, 'blanked what sends wrote after their contact was erased');
    for (const settings of await listRetentionSettings(this.ctx.store.db)) {
      for (const kind of RETENTION_KINDS) {
        const days = settings.days[kind];
        if (days === null || this.stopped) continue;
        totals[kind] += await this.cleanTable(kind, settings.workspaceId, now - days * DAY_MS);
      }
    }
    this.ctx.metrics.retentionLastRun.set(this.ctx.clock.now() / 1000);
    if (totals.events + totals.deliveries + totals.outbox > 0) this.ctx.logger.info({ deleted: totals }, 'retention cleanup');
    return totals;
  }

  private async cleanTable(kind: RetentionKind, workspaceId: string, cutoff: number): Promise<number> {
    let after: Keyset | null = null;
    let deleted = 0;
    for (;;) {
      const batch = await this.ctx.store.transaction((trx) => deleteExpiredBatch(trx, kind, workspaceId, cutoff, after, this.batchSize));
      if (batch.deleted > 0) this.ctx.metrics.retentionDeleted.inc({ table: kind }, batch.deleted);
      deleted += batch.deleted;
      after = batch.last;
      if (batch.scanned < this.batchSize || this.stopped) return deleted;
      // Let steps, claims and requests in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
