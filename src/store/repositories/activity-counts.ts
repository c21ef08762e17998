/**
 * Counts of what happened in a workspace, for the dashboard and analytics: sessions started and
 * ended, sends by outcome, skips, per time bucket and flow; what is scheduled; what failed. Every
 * read is a range over one workspace on an index (migration 008 and the deliveries' own
 * `(workspace_id, created_at)`), so its cost follows the period asked for, not the table.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Buckets } from '../../core/time-buckets.js';
import type { Database } from '../schema.js';

export interface Period {
  from: number;
  to: number;
}

/** One count: bucket index (see time-buckets.ts), flow, what was counted, how many. */
export interface BucketCount {
  bucket: number;
  flow_id: string;
  /** `started`, `completed`, `failed`, `canceled` (sessions); `sent`, `send_failed`, `skipped` (sends). */
  what: CountKind;
  n: number;
}

export type CountKind = 'started' | 'completed' | 'failed' | 'canceled' | 'sent' | 'send_failed' | 'skipped';

const ENDED_STATUSES = ['completed', 'failed', 'canceled'] as const;
const DELIVERY_KINDS: Record<string, CountKind> = { succeeded: 'sent', failed: 'send_failed', skipped: 'skipped' };

/**
 * `column`'s bucket index as SQL: one arm per run of equal-width buckets. The numbers are ours
 * (bucket boundaries), written as literals so PostgreSQL never has to guess a parameter's type.
 */
function bucketSql(column: string, buckets: Buckets): RawBuilder<number> {
  const col = sql.ref(column);
  const arms = buckets.runs.map(
    (r) => sql`when ${col} < ${sql.lit(r.end)} then ${sql.lit(r.first)} + (${col} - ${sql.lit(r.start)}) / ${sql.lit(r.width)}`,
  );
  return sql<number>`case ${sql.join(arms, sql` `)} else -1 end`;
}

function flowFilter(flowId: string | undefined): RawBuilder<unknown> {
  return flowId === undefined ? sql`` : sql`and flow_id = ${flowId}`;
}

/**
 * Counts per bucket and flow in [from, to): sessions started (`created_at`), sessions that ended
 * completed, failed or canceled (`ended_at`), deliveries that succeeded, failed for good or were
 * skipped (`created_at`; attempts that will be retried are not counted), and skips recorded before
 * a send step ran (a reminder past due at booking, a session key that failed). A send skipped as
 * too late is both a delivery and a skip row: it is counted once, as the delivery.
 */
export async function countActivity(
  db: Kysely<Database>,
  workspaceId: string,
  period: Period,
  buckets: Buckets,
  flowId?: string,
): Promise<BucketCount[]> {
  const { from, to } = period;
  const flow = flowFilter(flowId);
  type Row = { bucket: number; flow_id: string; what: string; n: number | string };
  const [started, ended, sends, skips] = await Promise.all([
    sql<Row>`select ${bucketSql('created_at', buckets)} as bucket, flow_id, 'started' as what, count(*) as n
      from sessions where workspace_id = ${workspaceId} and created_at >= ${from} and created_at < ${to} ${flow}
      group by 1, 2`.execute(db),
    sql<Row>`select ${bucketSql('ended_at', buckets)} as bucket, flow_id, status as what, count(*) as n
      from sessions where workspace_id = ${workspaceId} and ended_at is not null and ended_at >= ${from} and ended_at < ${to}
      and status in (${sql.join([...ENDED_STATUSES])}) ${flow}
      group by 1, 2, 3`.execute(db),
    sql<Row>`select ${bucketSql('created_at', buckets)} as bucket, flow_id, status as what, count(*) as n
      from deliveries where workspace_id = ${workspaceId} and created_at >= ${from} and created_at < ${to}
      and status in (${sql.join(Object.keys(DELIVERY_KINDS))}) ${flow}
      group by 1, 2, 3`.execute(db),
    sql<Row>`select ${bucketSql('created_at', buckets)} as bucket, flow_id, 'skipped' as what, count(*) as n
      from skips where workspace_id = ${workspaceId} and created_at >= ${from} and created_at < ${to} and reason <> 'too_late' ${flow}
      group by 1, 2`.execute(db),
  ]);
  const out: BucketCount[] = [];
  for (const r of [...started.rows, ...ended.rows, ...skips.rows]) {
    out.push({ bucket: Number(r.bucket), flow_id: r.flow_id, what: r.what as CountKind, n: Number(r.n) });
  }
  for (const r of sends.rows) out.push({ bucket: Number(r.bucket), flow_id: r.flow_id, what: DELIVERY_KINDS[r.what]!, n: Number(r.n) });
  return out;
}

/** Sends of one flow in [from, to) per step: succeeded, failed for good, skipped (as `countActivity`). */
export async function countStepSends(
  db: Kysely<Database>,
  workspaceId: string,
  flowId: string,
  period: Period,
): Promise<Array<{ step_id: string; what: 'sent' | 'send_failed' | 'skipped'; n: number }>> {
  const { from, to } = period;
  type Row = { step_id: string | null; what: string; n: number | string };
  const [sends, skips] = await Promise.all([
    sql<Row>`select step_id, status as what, count(*) as n from deliveries
      where workspace_id = ${workspaceId} and created_at >= ${from} and created_at < ${to} and flow_id = ${flowId}
      and status in (${sql.join(Object.keys(DELIVERY_KINDS))})
      group by 1, 2`.execute(db),
    sql<Row>`select step_id, 'skipped' as what, count(*) as n from skips
      where workspace_id = ${workspaceId} and created_at >= ${from} and created_at < ${to} and flow_id = ${flowId}
      and reason <> 'too_late' and step_id is not null
      group by 1`.execute(db),
  ]);
  return [
    ...sends.rows.map((r) => ({ step_id: r.step_id!, what: DELIVERY_KINDS[r.what] as 'sent' | 'send_failed' | 'skipped', n: Number(r.n) })),
    ...skips.rows.map((r) => ({ step_id: r.step_id!, what: 'skipped' as const, n: Number(r.n) })),
  ];
}

/** Open sessions of a flow per current step (the `sessions (flow_id, status, id)` index). */
export async function countWaitingByStep(db: Kysely<Database>, flowId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('sessions')
    .select(['step_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('flow_id', '=', flowId)
    .where('status', 'in', ['active', 'waiting'])
    .groupBy('step_id')
    .execute();
  return new Map(rows.filter((r) => r.step_id !== null).map((r) => [r.step_id!, Number(r.n)]));
}

/**
 * Timers not held, due in [start, split) and [split, end): the reminders and steps that will run in
 * two consecutive days. Read by due time (the timers' own order: SQLite's clustered key,
 * PostgreSQL's `timers_due_at_unheld`), then by workspace: no per-workspace index on the hottest
 * table, whose `due_at` every claim rewrites. A timer being run right now has its lease's expiry as
 * `due_at`, minutes away at most, so it still counts on its day.
 */
export async function countDueTimers(db: Kysely<Database>, workspaceId: string, start: number, split: number, end: number): Promise<[number, number]> {
  const rows = await sql<{ day: number | string; n: number | string }>`
    select case when due_at < ${split} then 0 else 1 end as day, count(*) as n
    from timers where held = 0 and due_at >= ${start} and due_at < ${end} and workspace_id = ${workspaceId}
    group by 1`.execute(db);
  const counts: [number, number] = [0, 0];
  for (const r of rows.rows) counts[Number(r.day) === 0 ? 0 : 1] = Number(r.n);
  return counts;
}

/** Deliveries since `since` by status (for the overview's sends of the last days), skips included as `countActivity` counts them. */
export async function countSendsSince(db: Kysely<Database>, workspaceId: string, since: number): Promise<{ sent: number; failed: number; skipped: number }> {
  const [sends, skips] = await Promise.all([
    sql<{ status: string; n: number | string }>`select status, count(*) as n from deliveries
      where workspace_id = ${workspaceId} and created_at >= ${since} and status in (${sql.join(Object.keys(DELIVERY_KINDS))})
      group by 1`.execute(db),
    sql<{ n: number | string }>`select count(*) as n from skips
      where workspace_id = ${workspaceId} and created_at >= ${since} and reason <> 'too_late'`.execute(db),
  ]);
  const by = Object.fromEntries(sends.rows.map((r) => [r.status, Number(r.n)]));
  return { sent: by.succeeded ?? 0, failed: by.failed ?? 0, skipped: (by.skipped ?? 0) + Number(skips.rows[0]?.n ?? 0) };
}

export interface AttentionItem {
  kind: 'delivery_failed' | 'session_failed';
  id: string;
  session_id: string;
  flow_id: string;
  flow_name: string | null;
  at: number;
  message: string;
}

/**
 * What failed since `since` and still stands, newest first, at most `limit`:
 * - a failed delivery whose session is still failed at that step and has no later delivery (a
 *   retried one that went through, or failed again, is not listed twice);
 * - a failed session that has no failed delivery at the step it ended on (a step that could not
 *   run: a template error in update_contact, a timer that kept crashing, a step missing).
 */
export async function listNeedsAttention(db: Kysely<Database>, workspaceId: string, since: number, limit: number): Promise<AttentionItem[]> {
  type Row = { id: string; session_id: string; flow_id: string; flow_name: string | null; at: number | string; message: string | null };
  const [deliveries, sessions] = await Promise.all([
    sql<Row>`select d.id, d.session_id, d.flow_id, f.name as flow_name, d.created_at as at, d.error as message
      from deliveries d
      join sessions s on s.id = d.session_id
      left join flows f on f.id = d.flow_id
      where d.workspace_id = ${workspaceId} and d.created_at >= ${since} and d.status = 'failed'
      and s.status = 'failed' and s.step_id = d.step_id
      and not exists (select 1 from deliveries later where later.session_id = d.session_id and later.id > d.id)
      order by d.created_at desc, d.id desc
      limit ${limit}`.execute(db),
    sql<Row>`select s.id, s.id as session_id, s.flow_id, f.name as flow_name, s.ended_at as at, s.end_reason as message
      from sessions s
      left join flows f on f.id = s.flow_id
      where s.workspace_id = ${workspaceId} and s.ended_at is not null and s.ended_at >= ${since} and s.status = 'failed'
      and not exists (select 1 from deliveries d where d.session_id = s.id and d.status = 'failed' and d.step_id = s.step_id)
      order by s.ended_at desc, s.id desc
      limit ${limit}`.execute(db),
  ]);
  const item = (kind: AttentionItem['kind']) => (r: Row): AttentionItem => ({
    kind,
    id: r.id,
    session_id: r.session_id,
    flow_id: r.flow_id,
    flow_name: r.flow_name,
    at: Number(r.at),
    message: r.message ?? '',
  });
  return [...deliveries.rows.map(item('delivery_failed')), ...sessions.rows.map(item('session_failed'))]
    .sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))
    .slice(0, limit);
}

/** The latest change of each kind in one workspace, epoch ms (null: none yet). */
export interface ChangeMarks {
  sessions: number | null;
  deliveries: number | null;
  flows: number | null;
  appointments: number | null;
  contacts: number | null;
}

/** A workspace with nothing written yet. */
export const NO_CHANGE_MARKS: Readonly<ChangeMarks> = Object.freeze({ sessions: null, deliveries: null, flows: null, appointments: null, contacts: null });

/**
 * For each workspace, the newest `updated_at` of its sessions, flows, appointments and contacts
 * and the newest `created_at` of its deliveries, in one statement: each is the first entry of a
 * `(workspace_id, time)` index read backwards (migrations 008 and 010), so the cost does not grow
 * with the tables.
 */
export async function readChangeMarks(db: Kysely<Database>, workspaceIds: readonly string[]): Promise<Map<string, ChangeMarks>> {
  if (workspaceIds.length === 0) return new Map();
  const parts = workspaceIds.map(
    (id) => sql`select cast(${id} as text) as workspace_id,
      (select updated_at from sessions where workspace_id = ${id} order by updated_at desc limit 1) as sessions,
      (select created_at from deliveries where workspace_id = ${id} order by created_at desc limit 1) as deliveries,
      (select max(updated_at) from flows where workspace_id = ${id}) as flows,
      (select updated_at from appointments where workspace_id = ${id} order by updated_at desc limit 1) as appointments,
      (select updated_at from contacts where workspace_id = ${id} order by updated_at desc limit 1) as contacts`,
  );
  type Row = { workspace_id: string } & Record<keyof ChangeMarks, unknown>;
  const result = await sql<Row>`${sql.join(parts, sql` union all `)}`.execute(db);
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return new Map(
    result.rows.map((r) => [
      r.workspace_id,
      { sessions: num(r.sessions), deliveries: num(r.deliveries), flows: num(r.flows), appointments: num(r.appointments), contacts: num(r.contacts) },
    ]),
  );
}
