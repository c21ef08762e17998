/**
 * What will happen, and what was skipped, for an appointment, a contact or a flow: pending trigger
 * timers (a reminder not yet started), session timers (a session's next step: a wait's end, a
 * retry) and recorded skips, in due order. Read from the tables that drive the engine, so what is
 * listed is what will run: a reschedule that moves a timer moves its entry.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, SkipRow, TimerRow } from '../schema.js';

/** Whose schedule: exactly one is set, with Nudge ids (see record-refs.ts). */
export type ScheduleScope = { appointmentId: string } | { contactId: string } | { flowId: string };

/** Where the previous page ended: entries come in (due, id) order. */
export interface ScheduleAfter {
  dueAt: number;
  id: string;
}

export interface ScheduleEntry {
  id: string;
  /** `trigger`: an appointment-time flow's session, not started yet; `step`: a running session's next step. */
  kind: 'trigger' | 'step';
  /** `pending`; `held` while the flow is paused; `skipped` when its time passed without a send. */
  status: 'pending' | 'held' | 'skipped';
  flow_id: string;
  /** The step due (for a pending trigger, filled in by the engine: its flow's first step; for a skip, the step skipped). */
  step_id: string | null;
  session_id: string | null;
  appointment_id: string | null;
  due_at: number;
  /** For skips: a `SkipReason` (skips.ts), and what happened. */
  reason: string | null;
  message: string | null;
}

export async function listSchedule(
  db: Kysely<Database>,
  workspaceId: string,
  scope: ScheduleScope,
  page: { limit: number; after: ScheduleAfter | null },
): Promise<ScheduleEntry[]> {
  const [timers, skips] = await Promise.all([listTimers(db, workspaceId, scope, page), listSkips(db, workspaceId, scope, page)]);
  const entries = [...timers.map(timerEntry), ...skips.map(skipEntry)];
  entries.sort((a, b) => a.due_at - b.due_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return entries.slice(0, page.limit);
}

async function listTimers(db: Kysely<Database>, workspaceId: string, scope: ScheduleScope, page: { limit: number; after: ScheduleAfter | null }): Promise<TimerRow[]> {
  let q = db.selectFrom('timers').selectAll().where('workspace_id', '=', workspaceId);
  if ('appointmentId' in scope) q = q.where('appointment_id', '=', scope.appointmentId);
  else if ('flowId' in scope) q = q.where('flow_id', '=', scope.flowId);
  else {
    const contactId = scope.contactId;
    // A session's timer has the session's id: the second arm reads it by primary key.
    q = q.where((eb) =>
      eb.or([
        eb('appointment_id', 'in', eb.selectFrom('appointments').select('id').where('workspace_id', '=', workspaceId).where('contact_id', '=', contactId)),
        eb('id', 'in', eb.selectFrom('sessions').select('id').where('workspace_id', '=', workspaceId).where('contact_id', '=', contactId)),
      ]),
    );
  }
  const after = page.after;
  if (after) q = q.where((eb) => eb.or([eb('scheduled_at', '>', after.dueAt), eb.and([eb('scheduled_at', '=', after.dueAt), eb('id', '>', after.id)])]));
  return q.orderBy('scheduled_at').orderBy('id').limit(page.limit).execute();
}

async function listSkips(db: Kysely<Database>, workspaceId: string, scope: ScheduleScope, page: { limit: number; after: ScheduleAfter | null }): Promise<SkipRow[]> {
  let q = db.selectFrom('skips').selectAll().where('workspace_id', '=', workspaceId);
  if ('appointmentId' in scope) q = q.where('appointment_id', '=', scope.appointmentId);
  else if ('flowId' in scope) q = q.where('flow_id', '=', scope.flowId);
  else q = q.where('contact_id', '=', scope.contactId);
  const after = page.after;
  if (after) q = q.where((eb) => eb.or([eb('due_at', '>', after.dueAt), eb.and([eb('due_at', '=', after.dueAt), eb('id', '>', after.id)])]));
  return q.orderBy('due_at').orderBy('id').limit(page.limit).execute();
}

function timerEntry(t: TimerRow): ScheduleEntry {
  return {
    id: t.id,
    kind: t.kind === 'trigger' ? 'trigger' : 'step',
    status: Number(t.held) === 1 ? 'held' : 'pending',
    flow_id: t.flow_id,
    step_id: t.step_id,
    session_id: t.session_id,
    appointment_id: t.appointment_id,
    // A claimed timer's due_at is its lease's expiry; scheduled_at is when it is meant to run.
    due_at: Number(t.scheduled_at),
    reason: null,
    message: null,
  };
}

function skipEntry(s: SkipRow): ScheduleEntry {
  return {
    id: s.id,
    kind: s.session_id === null ? 'trigger' : 'step',
    status: 'skipped',
    flow_id: s.flow_id,
    step_id: s.step_id,
    session_id: s.session_id,
    appointment_id: s.appointment_id,
    due_at: Number(s.due_at),
    reason: s.reason,
    message: s.message,
  };
}

export function scheduleEntryView(e: ScheduleEntry): Record<string, unknown> {
  return { ...e, due_at: new Date(e.due_at).toISOString() };
}

/** A reminder or step due soon in a workspace, with what Home shows beside it. */
export interface UpcomingEntry {
  id: string;
  kind: 'trigger' | 'step';
  flow_id: string;
  flow_name: string | null;
  /** As in ScheduleEntry: null for a pending trigger until the engine fills in its flow's first step. */
  step_id: string | null;
  session_id: string | null;
  /** When it is meant to run. */
  due_at: number;
  appointment: { id: string; external_id: string; start_at: number; service_name: string | null } | null;
  contact: { id: string; name: string | null; email: string | null; phone: string | null } | null;
}

/**
 * Timers not held, due in [start, end), in due order, at most `limit`, with their flow, appointment
 * (a trigger's own, or the session's) and contact. Read like `countDueTimers` (activity-counts.ts):
 * by due time on the timers' own order, then by workspace; the joins are by primary key and stop at
 * `limit` rows. A timer being run right now is listed at its lease's expiry, minutes away at most.
 */
export async function listUpcoming(db: Kysely<Database>, workspaceId: string, start: number, end: number, limit: number): Promise<UpcomingEntry[]> {
  type Row = Pick<UpcomingEntry, 'id' | 'flow_id' | 'flow_name' | 'step_id' | 'session_id'> & {
    kind: string;
    scheduled_at: number | string;
    appointment_id: string | null;
    external_id: string | null;
    start_at: number | string | null;
    service_name: string | null;
    contact_id: string | null;
    contact_name: string | null;
    email: string | null;
    phone: string | null;
  };
  const { rows } = await sql<Row>`
    select t.id, t.kind, t.flow_id, f.name as flow_name, t.step_id, t.session_id, t.scheduled_at,
      a.id as appointment_id, a.external_id, a.start_at, a.service_name,
      c.id as contact_id, coalesce(c.name, nullif(trim(coalesce(c.first_name, '') || ' ' || coalesce(c.last_name, '')), '')) as contact_name, c.email, c.phone
    from timers t
    left join sessions s on s.id = t.session_id
    left join appointments a on a.id = coalesce(t.appointment_id, s.appointment_id)
    left join contacts c on c.id = coalesce(s.contact_id, a.contact_id)
    left join flows f on f.id = t.flow_id
    where t.held = 0 and t.due_at >= ${start} and t.due_at < ${end} and t.workspace_id = ${workspaceId}
    order by t.due_at, t.id
    limit ${limit}`.execute(db);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind === 'trigger' ? 'trigger' : 'step',
    flow_id: r.flow_id,
    flow_name: r.flow_name,
    step_id: r.step_id,
    session_id: r.session_id,
    due_at: Number(r.scheduled_at),
    appointment: r.appointment_id === null ? null : { id: r.appointment_id, external_id: r.external_id!, start_at: Number(r.start_at), service_name: r.service_name },
    contact: r.contact_id === null ? null : { id: r.contact_id, name: r.contact_name, email: r.email, phone: r.phone },
  }));
}
