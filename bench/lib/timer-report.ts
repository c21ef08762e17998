/** Medians over runs and the table shared by the timers and burst scenarios. */
import type { EngineName } from './engine.js';
import { table } from './report.js';
import { fmt, fmtBytes, fmtMs, median, ratio } from './stats.js';
import type { TimerRunResult } from './timer-run.js';

export interface TimerSummary {
  engine: EngineName;
  runs: number;
  delivered: number;
  n: number;
  duplicates: number;
  misses: number;
  wrongPayload: number;
  p50: number;
  p99: number;
  max: number;
  completionsPerS: number;
  drainLagMs: number;
  workerRssPeak: number;
  workerCpuMsPerS: number;
  dbCpuMsPerS: number;
  workerCpuMsPerReminder: number;
  dbCpuMsPerReminder: number;
  enqueuePerS: number;
  allEnqueuesInTime: boolean;
}

export function summarize(results: TimerRunResult[]): TimerSummary[] {
  const byEngine = new Map<EngineName, TimerRunResult[]>();
  for (const r of results) byEngine.set(r.engine, [...(byEngine.get(r.engine) ?? []), r]);
  return [...byEngine.entries()].map(([engine, rs]) => ({
    engine,
    runs: rs.length,
    n: rs[0]!.n,
    delivered: median(rs.map((r) => r.delivered)),
    // Correctness counts are summed over runs, never "medianed" away.
    duplicates: rs.reduce((s, r) => s + r.duplicates, 0),
    misses: rs.reduce((s, r) => s + r.misses, 0),
    wrongPayload: rs.reduce((s, r) => s + r.wrongPayload, 0),
    p50: median(rs.map((r) => r.lateness.p50)),
    p99: median(rs.map((r) => r.lateness.p99)),
    max: median(rs.map((r) => r.lateness.max)),
    completionsPerS: median(rs.map((r) => r.completionsPerS)),
    drainLagMs: median(rs.map((r) => r.drainLagMs)),
    workerRssPeak: median(rs.map((r) => r.workerRssPeak)),
    workerCpuMsPerS: median(rs.map((r) => r.workerCpuMsPerS)),
    dbCpuMsPerS: median(rs.map((r) => r.dbCpuMsPerS)),
    // Older result files lack the per-reminder figures.
    workerCpuMsPerReminder: median(rs.map((r) => r.workerCpuMsPerReminder ?? Number.NaN)),
    dbCpuMsPerReminder: median(rs.map((r) => r.dbCpuMsPerReminder ?? Number.NaN)),
    enqueuePerS: median(rs.map((r) => r.enqueue.perS)),
    allEnqueuesInTime: rs.every((r) => r.enqueue.valid),
  }));
}

/** The Nudge figure peers are compared with: Nudge on PostgreSQL when run, else on SQLite. */
function reference(summaries: TimerSummary[]): TimerSummary | undefined {
  return summaries.find((s) => s.engine === 'nudge-pg') ?? summaries.find((s) => s.engine === 'nudge-sqlite');
}

/** `0.45 + 0.28`: the worker's and the database's CPU ms per delivered reminder. */
function cpuPerReminder(s: TimerSummary): string {
  if (!Number.isFinite(s.workerCpuMsPerReminder)) return '–';
  return `${s.workerCpuMsPerReminder.toFixed(2)} + ${s.dbCpuMsPerReminder.toFixed(2)}`;
}

export function timerTable(summaries: TimerSummary[], kind: 'steady' | 'burst'): string {
  const ref = reference(summaries);
  const rows = summaries.map((s) => [
    s.engine + (s.allEnqueuesInTime ? '' : ' (lead too short)'),
    `${fmt(s.delivered, 0)}/${fmt(s.n, 0)}`,
    `${s.duplicates}/${s.misses}/${s.wrongPayload}`,
    fmtMs(s.p50),
    fmtMs(s.p99),
    fmtMs(s.max),
    fmt(s.completionsPerS, 0),
    fmtMs(s.drainLagMs),
    fmtBytes(s.workerRssPeak),
    fmt(s.enqueuePerS, 0),
    cpuPerReminder(s),
    ref && ref !== s ? ratio(s.p99, ref.p99) : '',
    ref && ref !== s ? ratio(ref.completionsPerS, s.completionsPerS) : '',
  ]);
  const refName = ref?.engine ?? 'nudge';
  return table(
    [
      'engine',
      'delivered',
      'dup/miss/wrong',
      'late p50',
      'late p99',
      'late max',
      kind === 'burst' ? 'drain /s' : 'completions /s',
      'drain lag',
      'worker RSS',
      'enqueue /s',
      'CPU ms / reminder (worker + db)',
      `p99 ÷ ${refName}`,
      `${refName} rate ÷`,
    ],
    rows,
  );
}
