import type { Kysely } from 'kysely';
import type { TriggerSubject } from '../../core/trigger-decision.js';
import type { Database, TimerRow } from '../schema.js';
import { inList } from './in-list.js';
import type { Work } from '../unit-of-work.js';

export interface SessionTimerSpec {
  sessionId: string;
  workspaceId: string;
  flowId: string;
  appointmentId: string | null;
  stepId: string;
  seq: number;
  dueAt: number;
  /** Set for waits relative to the appointment: a reschedule moves the timer. */
  anchor?: { anchor: string; offset: string } | null;
  held?: boolean;
  /** Keep the timer leased by this claim (a worker going straight on to the next step). */
  lease?: { owner: string; until: number } | null;
}

/** The row of a session's timer as `putSessionTimer` writes it. */
export function sessionTimerRow(spec: SessionTimerSpec, now: number): TimerRow {
  return {
    id: spec.sessionId,
    due_at: spec.lease ? spec.lease.until : spec.dueAt,
    scheduled_at: spec.dueAt,
    kind: 'session',
    workspace_id: spec.workspaceId,
    flow_id: spec.flowId,
    session_id: spec.sessionId,
    appointment_id: spec.appointmentId,
    step_id: spec.stepId,
    seq: spec.seq,
    anchor: spec.anchor?.anchor ?? null,
    anchor_offset: spec.anchor?.offset ?? null,
    held: spec.held ? 1 : 0,
    lease_owner: spec.lease?.owner ?? null,
    claims: 0,
    created_at: now,
  };
}

/** A session has at most one timer, keyed by the session's id: writing it replaces the previous. */
export async function putSessionTimer(db: Kysely<Database>, spec: SessionTimerSpec, now: number): Promise<void> {
  const values = sessionTimerRow(spec, now);
  await db
    .insertInto('timers')
    .values(values)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        due_at: values.due_at,
        scheduled_at: values.scheduled_at,
        step_id: values.step_id,
        seq: values.seq,
        anchor: values.anchor,
        anchor_offset: values.anchor_offset,
        held: values.held,
        lease_owner: values.lease_owner,
        ...(spec.lease ? {} : { claims: 0 }),
      }),
    )
    .execute();
}

/**
 * The id of a flow's pending trigger timer for `subject`. An appointment's is `tr_<flow>_<appointment>`
 * (the ids written before subjects existed, so rows in place keep their key); other subjects add
 * their kind, `tr_<flow>_<kind>_<id>`, which no appointment id (`ap_…`) can collide with.
 */
export function triggerTimerId(flowId: string, subject: TriggerSubject): string {
  return subject.kind === 'appointment' ? `tr_${flowId}_${subject.id}` : `tr_${flowId}_${subject.kind}_${subject.id}`;
}

export interface TriggerTimerSpec {
  workspaceId: string;
  flowId: string;
  appointmentId: string;
  dueAt: number;
  anchor: string;
  offset: string;
  held?: boolean;
}

/** The row of a trigger timer as `putTriggerTimer` writes it. */
function triggerTimerRow(spec: TriggerTimerSpec, now: number): TimerRow & { id: string } {
  return {
    id: triggerTimerId(spec.flowId, { kind: 'appointment', id: spec.appointmentId }),
    due_at: spec.dueAt,
    scheduled_at: spec.dueAt,
    kind: 'trigger',
    workspace_id: spec.workspaceId,
    flow_id: spec.flowId,
    session_id: null,
    appointment_id: spec.appointmentId,
    step_id: null,
    seq: null,
    anchor: spec.anchor,
    anchor_offset: spec.offset,
    held: spec.held ? 1 : 0,
    lease_owner: null,
    claims: 0,
    created_at: now,
  };
}

/**
 * One pending trigger per flow and appointment; writing it again moves it. `newAppointment`: the
 * appointment was created in this transaction, so no timer of it can exist outside it, and when
 * the unit of work queues the row is written at commit (a later write in the unit changes it there).
 */
export async function putTriggerTimer(work: Work, spec: TriggerTimerSpec, now: number, newAppointment = false): Promise<void> {
  const values = triggerTimerRow(spec, now);
  const { pending } = work;
  const queued = pending?.row('timers', values.id);
  if (queued) {
    pending!.queueNew('timers', { ...values, created_at: queued.created_at });
    return;
  }
  if (newAppointment && pending) {
    pending.queueNew('timers', values);
    return;
  }
  await work.db
    .insertInto('timers')
    .values(values)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        due_at: values.due_at,
        scheduled_at: values.scheduled_at,
        anchor: values.anchor,
        anchor_offset: values.anchor_offset,
        held: values.held,
        lease_owner: null,
      }),
    )
    .execute();
}

export async function getTimer(db: Kysely<Database>, id: string): Promise<TimerRow | undefined> {
  return db.selectFrom('timers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Deletes a timer if this claim still holds it (a reschedule or another worker may have taken it). */
export async function deleteClaimedTimer(db: Kysely<Database>, id: string, leaseOwner: string): Promise<boolean> {
  const r = await db.deleteFrom('timers').where('id', '=', id).where('lease_owner', '=', leaseOwner).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/**
 * `deleteClaimedTimer` for many timers, one statement per claim (owner) and list of at most
 * `MAX_CLAIMED_PER_DELETE` ids.
 */
export async function deleteClaimedTimers(db: Kysely<Database>, claimed: ReadonlyArray<{ id: string; owner: string }>): Promise<void> {
  const byOwner = new Map<string, string[]>();
  for (const { id, owner } of claimed) {
    const ids = byOwner.get(owner);
    if (ids) ids.push(id);
    else byOwner.set(owner, [id]);
  }
  for (const [owner, ids] of byOwner) {
    for (let i = 0; i < ids.length; i += MAX_CLAIMED_PER_DELETE) {
      await db.deleteFrom('timers').where(inList(db, 'id', ids.slice(i, i + MAX_CLAIMED_PER_DELETE))).where('lease_owner', '=', owner).execute();
    }
  }
}

const MAX_CLAIMED_PER_DELETE = 256;

export async function deleteTimer(work: Work, id: string): Promise<void> {
  // A timer queued by this unit of work was never written: dropping it is the whole delete.
  if (work.pending?.drop('timers', id)) return;
  await work.db.deleteFrom('timers').where('id', '=', id).execute();
}

/** Deletes an ended session's timer (at the end of the transaction, when the unit of work queues). */
export async function deleteSessionTimer(work: Work, sessionId: string): Promise<void> {
  if (work.pending) work.pending.queueSessionTimerDelete(sessionId);
  else await deleteTimer(work, sessionId);
}

/** Moves a claimed timer to `dueAt` and releases the lease (a wait that must go on, a retry). */
export async function rearmClaimedTimer(
  db: Kysely<Database>,
  id: string,
  leaseOwner: string,
  dueAt: number,
  held = false,
): Promise<boolean> {
  const r = await db
    .updateTable('timers')
    .set({ due_at: dueAt, scheduled_at: dueAt, lease_owner: null, held: held ? 1 : 0 })
    .where('id', '=', id)
    .where('lease_owner', '=', leaseOwner)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Gives back the timers these claims still hold, due at `now`, so another worker takes them at
 * once instead of after their lease (a worker shutting down with runs unfinished). The claim is
 * not counted: a run cut short by a shutdown is not a run that crashed (see MAX_CLAIMS).
 */
export async function releaseClaimedTimers(db: Kysely<Database>, owners: readonly string[], now: number): Promise<number> {
  if (owners.length === 0) return 0;
  const r = await db
    .updateTable('timers')
    .set((eb) => ({ due_at: now, lease_owner: null, claims: eb.case().when('claims', '>', 0).then(eb('claims', '-', 1)).else(0).end() }))
    .where(inList(db, 'lease_owner', [...owners]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Timers that follow an appointment's times: pending triggers and appointment-relative waits (written, then queued). */
export async function listAnchoredTimers(work: Work, appointmentId: string): Promise<TimerRow[]> {
  const rows = await work.db.selectFrom('timers').selectAll().where('appointment_id', '=', appointmentId).where('anchor', 'is not', null).execute();
  const queued = work.pending?.rows('timers').filter((t) => t.appointment_id === appointmentId && t.anchor !== null) ?? [];
  return [...rows, ...queued];
}

/** Moves a timer to a new time, releasing any lease: a worker holding it will find it changed. */
export async function moveTimer(work: Work, id: string, dueAt: number): Promise<void> {
  const queued = work.pending?.row('timers', id);
  if (queued) {
    work.pending!.queueNew('timers', { ...queued, due_at: dueAt, scheduled_at: dueAt, lease_owner: null });
    return;
  }
  await work.db
    .updateTable('timers')
    .set({ due_at: dueAt, scheduled_at: dueAt, lease_owner: null })
    .where('id', '=', id)
    .execute();
}

/** Deletes an appointment's pending trigger timers, queued ones included; returns how many. */
export async function deleteTriggerTimersForAppointment(work: Work, appointmentId: string): Promise<number> {
  const dropped = work.pending?.dropWhere('timers', (t) => t.appointment_id === appointmentId && t.kind === 'trigger') ?? 0;
  const r = await work.db
    .deleteFrom('timers')
    .where('appointment_id', '=', appointmentId)
    .where('kind', '=', 'trigger')
    .executeTakeFirst();
  return dropped + Number(r.numDeletedRows);
}

export async function deleteTriggerTimersForFlow(db: Kysely<Database>, flowId: string): Promise<number> {
  const r = await db.deleteFrom('timers').where('flow_id', '=', flowId).where('kind', '=', 'trigger').executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Holds (pause) or releases (resume) every timer of a flow. */
export async function setFlowTimersHeld(db: Kysely<Database>, flowId: string, held: boolean): Promise<number> {
  const r = await db
    .updateTable('timers')
    .set({ held: held ? 1 : 0, lease_owner: null })
    .where('flow_id', '=', flowId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function countTimers(db: Kysely<Database>): Promise<{ pending: number; held: number }> {
  const rows = await db
    .selectFrom('timers')
    .select(['held', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('held')
    .execute();
  let pending = 0;
  let held = 0;
  for (const r of rows) {
    if (Number(r.held) === 1) held += Number(r.n);
    else pending += Number(r.n);
  }
  return { pending, held };
}

/** Scheduled time of the most overdue unheld timer, for the lag metric. */
export async function oldestDueScheduledAt(db: Kysely<Database>, now: number): Promise<number | null> {
  const row = await db
    .selectFrom('timers')
    .select((eb) => eb.fn.min<number>('scheduled_at').as('t'))
    .where('held', '=', 0)
    .where('due_at', '<=', now)
    .executeTakeFirst();
  return row?.t === null || row?.t === undefined ? null : Number(row.t);
}
