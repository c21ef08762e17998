/**
 * Prometheus metrics. Counters and histograms are updated where things happen; gauges that
 * describe stored state (sessions by status, pending timers) are read from the store on scrape.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface EngineMetrics {
  registry: Registry;
  eventsIngested: Counter<'name' | 'result'>;
  deliveries: Counter<'channel' | 'status'>;
  timerLateness: Histogram;
  sessionsStarted: Counter;
  /** Rows the retention cleanup deleted, by table (engine/retention-cleaner.ts). */
  retentionDeleted: Counter<'table'>;
  /** When the last retention cleanup finished, epoch seconds (0: not yet in this process). */
  retentionLastRun: Gauge;
}

export function createMetrics(): EngineMetrics {
  const registry = new Registry();
  return {
    registry,
    eventsIngested: new Counter({
      name: 'nudge_events_ingested_total',
      help: 'Events accepted, by name and result (stored, duplicate)',
      labelNames: ['name', 'result'],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'nudge_deliveries_total',
      help: 'Delivery attempts by channel and status',
      labelNames: ['channel', 'status'],
      registers: [registry],
    }),
    timerLateness: new Histogram({
      name: 'nudge_timer_lateness_seconds',
      help: 'How late timers fired relative to their scheduled time',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 300],
      registers: [registry],
    }),
    sessionsStarted: new Counter({
      name: 'nudge_sessions_started_total',
      help: 'Sessions started',
      registers: [registry],
    }),
    retentionDeleted: new Counter({
      name: 'nudge_retention_deleted_total',
      help: 'Rows deleted by the retention cleanup, by table (events, deliveries, outbox)',
      labelNames: ['table'],
      registers: [registry],
    }),
    retentionLastRun: new Gauge({
      name: 'nudge_retention_last_run_timestamp_seconds',
      help: 'When the last retention cleanup finished (Unix time; 0 before the first in this process)',
      registers: [registry],
    }),
  };
}

/** Registers gauges computed on scrape from `read`. */
export function registerStateGauges(
  metrics: EngineMetrics,
  read: () => Promise<{ sessions: Record<string, number>; timersPending: number; timersHeld: number; lagSeconds: number }>,
): void {
  let last: Awaited<ReturnType<typeof read>> | null = null;
  let pending: Promise<void> | null = null;
  // One store read serves all gauges of a scrape.
  const refresh = (): Promise<void> =>
    (pending ??= read()
      .then((v) => {
        last = v;
      })
      .finally(() => {
        setTimeout(() => (pending = null), 50);
      }));
  new Gauge({
    name: 'nudge_sessions',
    help: 'Sessions by status',
    labelNames: ['status'],
    registers: [metrics.registry],
    async collect() {
      await refresh();
      this.reset();
      for (const [status, n] of Object.entries(last?.sessions ?? {})) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'nudge_timers_pending',
    help: 'Timers waiting to fire (held ones excluded)',
    registers: [metrics.registry],
    async collect() {
      await refresh();
      this.set(last?.timersPending ?? 0);
    },
  });
  new Gauge({
    name: 'nudge_timers_held',
    help: 'Timers held by paused flows',
    registers: [metrics.registry],
    async collect() {
      await refresh();
      this.set(last?.timersHeld ?? 0);
    },
  });
  new Gauge({
    name: 'nudge_timer_lag_seconds',
    help: 'How far behind the most overdue timer is (0 when none is overdue)',
    registers: [metrics.registry],
    async collect() {
      await refresh();
      this.set(last?.lagSeconds ?? 0);
    },
  });
}
