/**
 * The numbers the web app's dashboard and analytics pages show: what is scheduled today and
 * tomorrow, what was sent, what failed and still stands, and counts per time bucket (days or hours
 * in the workspace's timezone) and flow. The counting is in store/repositories/activity-counts.ts;
 * this file turns counts into the API's shapes.
 */
import { DateTime } from 'luxon';
import { ValidationError } from '../core/errors.js';
import type { OverviewView } from '../core/overview-view.js';
import { bucketsFor, checkPeriod, type BucketInterval } from '../core/time-buckets.js';
import {
  countActivity,
  countDueTimers,
  countSendsSince,
  countStepSends,
  countWaitingByStep,
  listNeedsAttention,
  type BucketCount,
  type Period,
} from '../store/repositories/activity-counts.js';
import { countLiveFlows, getFlowVersion, listFlows } from '../store/repositories/flows.js';
import { listUpcoming } from '../store/repositories/schedule.js';
import { decodeJson } from '../store/repositories/json.js';
import type { FlowRow, Workspace } from '../store/schema.js';
import { placeSteps } from '../core/flow-compiler.js';
import type { FlowDefinition } from '../core/flow-definition.js';
import type { EngineContext } from './engine-context.js';
import { withTriggerSteps } from './schedule-service.js';

const DAY_MS = 86_400_000;
/** The default period, and the window of the overview's sends and needs-attention list. */
export const RECENT_DAYS = 7;
/** Longest needs-attention list. */
const ATTENTION_LIMIT = 20;
/** Longest list of what is due today and tomorrow (Home shows these and links to the rest). */
export const UPCOMING_LIMIT = 10;

export interface Counts {
  sessions_started: number;
  sessions_completed: number;
  sessions_failed: number;
  sessions_canceled: number;
  sent: number;
  failed: number;
  skipped: number;
  /** completed / started; null when nothing started. */
  completion_rate: number | null;
}

export interface Analytics {
  totals: Counts;
  series: Array<{ at: string } & Counts>;
  flows: Array<{ flow_id: string; name: string } & Counts>;
  /** Per bucket and flow (the CSV's rows); not part of the JSON answer. */
  grid: Array<{ at: string; flow_id: string; name: string } & Counts>;
}

export interface AnalyticsQuery {
  from?: number | undefined;
  to?: number | undefined;
  flowId?: string | undefined;
  interval?: BucketInterval | undefined;
}

/** `from`/`to` as given, or the last RECENT_DAYS days up to now; refused when backwards or too long. */
export function resolvePeriod(ctx: EngineContext, query: { from?: number | undefined; to?: number | undefined }, interval: BucketInterval = 'day'): Period {
  const to = query.to ?? (query.from !== undefined ? Math.min(query.from + RECENT_DAYS * DAY_MS, ctx.clock.now()) : ctx.clock.now());
  const from = query.from ?? to - RECENT_DAYS * DAY_MS;
  const problem = checkPeriod(from, to, interval);
  if (problem) throw new ValidationError('invalid_query', [problem]);
  return { from, to };
}

type Tally = Omit<Counts, 'completion_rate'>;

const emptyTally = (): Tally => ({
  sessions_started: 0,
  sessions_completed: 0,
  sessions_failed: 0,
  sessions_canceled: 0,
  sent: 0,
  failed: 0,
  skipped: 0,
});

const FIELD: Record<BucketCount['what'], keyof Tally> = {
  started: 'sessions_started',
  completed: 'sessions_completed',
  failed: 'sessions_failed',
  canceled: 'sessions_canceled',
  sent: 'sent',
  send_failed: 'failed',
  skipped: 'skipped',
};

function withRate(t: Tally): Counts {
  return { ...t, completion_rate: t.sessions_started === 0 ? null : t.sessions_completed / t.sessions_started };
}

/**
 * Counts in the period, in total, per bucket and per flow. `flows` lists the flow asked for, or
 * every flow that is not archived plus any archived one with counts in the period.
 */
export async function readAnalytics(ctx: EngineContext, workspace: Workspace, query: AnalyticsQuery, flow?: FlowRow): Promise<Analytics> {
  const interval = query.interval ?? 'day';
  const period = resolvePeriod(ctx, query, interval);
  const buckets = bucketsFor(period.from, period.to, interval, workspace.timezone);
  const db = ctx.store.db;
  const counts = await countActivity(db, workspace.id, period, buckets, flow?.id);
  const flows = flow ? [flow] : await listFlows(db, workspace.id);
  const totals = emptyTally();
  const series = buckets.starts.map(() => emptyTally());
  const byFlow = new Map<string, { total: Tally; buckets: Tally[] }>();
  const flowEntry = (flowId: string) => {
    let e = byFlow.get(flowId);
    if (!e) byFlow.set(flowId, (e = { total: emptyTally(), buckets: buckets.starts.map(() => emptyTally()) }));
    return e;
  };
  for (const f of flows) if (f.status !== 'archived' || flow) flowEntry(f.id);
  for (const c of counts) {
    const field = FIELD[c.what];
    totals[field] += c.n;
    const e = flowEntry(c.flow_id);
    e.total[field] += c.n;
    const slot = series[c.bucket];
    if (slot) {
      slot[field] += c.n;
      e.buckets[c.bucket]![field] += c.n;
    }
  }
  const names = new Map(flows.map((f) => [f.id, f.name]));
  const at = buckets.starts.map((t) => new Date(t).toISOString());
  const flowIds = [...byFlow.keys()].sort((a, b) => (names.get(a) ?? a).localeCompare(names.get(b) ?? b) || a.localeCompare(b));
  return {
    totals: withRate(totals),
    series: series.map((t, i) => ({ at: at[i]!, ...withRate(t) })),
    flows: flowIds.map((id) => ({ flow_id: id, name: names.get(id) ?? '', ...withRate(byFlow.get(id)!.total) })),
    grid: at.flatMap((when, i) => flowIds.map((id) => ({ at: when, flow_id: id, name: names.get(id) ?? '', ...withRate(byFlow.get(id)!.buckets[i]!) }))),
  };
}

const CSV_COLUMNS = [
  'sessions_started',
  'sessions_completed',
  'sessions_failed',
  'sessions_canceled',
  'sent',
  'failed',
  'skipped',
  'completion_rate',
] as const satisfies ReadonlyArray<keyof Counts>;

/**
 * Analytics as CSV (RFC 4180, CRLF line ends): a header row, then one row per bucket, or per bucket
 * and flow when no flow was asked for. A text cell that a spreadsheet would run as a formula
 * (starting with = + - @, tab or CR) is prefixed with an apostrophe.
 */
export function analyticsCsv(analytics: Analytics, perFlow: boolean): string {
  const cell = (v: string | number | null) => {
    if (v === null) return '';
    if (typeof v === 'number') return String(v);
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [['at', 'flow_id', 'flow_name', ...CSV_COLUMNS].join(',')];
  const rows = perFlow ? analytics.grid : analytics.series.map((s) => ({ ...s, flow_id: analytics.flows[0]?.flow_id ?? '', name: analytics.flows[0]?.name ?? '' }));
  for (const r of rows) lines.push([r.at, r.flow_id, r.name, ...CSV_COLUMNS.map((c) => r[c])].map(cell).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** The overview as the API shows it (core/overview-view.ts, which the web app reads too). */
export type Overview = OverviewView;

/** The dashboard's first screen. "Today" and "tomorrow" are calendar days in the workspace's timezone. */
export async function readOverview(ctx: EngineContext, workspace: Workspace): Promise<Overview> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const today = DateTime.fromMillis(now, { zone: workspace.timezone }).startOf('day');
  const [start, split, end] = [today, today.plus({ days: 1 }), today.plus({ days: 2 })].map((d) => d.toMillis()) as [number, number, number];
  const since = now - RECENT_DAYS * DAY_MS;
  const [[todayCount, tomorrowCount], upcoming, sends, attention, live] = await Promise.all([
    countDueTimers(db, workspace.id, start, split, end),
    listUpcoming(db, workspace.id, start, end, UPCOMING_LIMIT).then((entries) => withTriggerSteps(ctx, entries)),
    countSendsSince(db, workspace.id, since),
    listNeedsAttention(db, workspace.id, since, ATTENTION_LIMIT),
    countLiveFlows(db, workspace.id),
  ]);
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    scheduled: { today: todayCount, tomorrow: tomorrowCount },
    upcoming: upcoming.map((u) => ({ ...u, due_at: iso(u.due_at), appointment: u.appointment && { ...u.appointment, start_at: iso(u.appointment.start_at) } })),
    sends_7d: sends,
    needs_attention: attention.map((a) => ({ ...a, at: iso(a.at) })),
    plan: { plan: workspace.plan, flow_limit: workspace.flow_limit, live_flows: live },
    timezone: workspace.timezone,
  };
}

export interface StepCounts {
  waiting_total: number;
  steps: Array<{ step_id: string; waiting: number; sent: number; failed: number; skipped: number }>;
}

/**
 * Per step of a flow: open sessions at it now, and its sends in the period. Steps come in the
 * order of the flow's current version (nested steps after their branch), then any step of an
 * older version that still has sessions or sends.
 */
export async function readStepCounts(ctx: EngineContext, workspace: Workspace, flow: FlowRow, query: { from?: number | undefined; to?: number | undefined }): Promise<StepCounts> {
  const period = resolvePeriod(ctx, query);
  const db = ctx.store.db;
  const [version, waiting, sends] = await Promise.all([
    getFlowVersion(db, flow.id, flow.version),
    countWaitingByStep(db, flow.id),
    countStepSends(db, workspace.id, flow.id, period),
  ]);
  const steps = new Map<string, { step_id: string; waiting: number; sent: number; failed: number; skipped: number }>();
  const entry = (id: string) => {
    let e = steps.get(id);
    if (!e) steps.set(id, (e = { step_id: id, waiting: 0, sent: 0, failed: 0, skipped: 0 }));
    return e;
  };
  const definition = decodeJson<FlowDefinition | null>(version.definition_json, null);
  if (definition && Array.isArray(definition.steps)) placeSteps(definition.steps, ({ id }) => entry(id));
  let total = 0;
  for (const [id, n] of waiting) {
    entry(id).waiting = n;
    total += n;
  }
  for (const s of sends) {
    const e = entry(s.step_id);
    if (s.what === 'sent') e.sent += s.n;
    else if (s.what === 'send_failed') e.failed += s.n;
    else e.skipped += s.n;
  }
  return { waiting_total: total, steps: [...steps.values()] };
}
