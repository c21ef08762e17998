/**
 * The writes of the session writer, each in the caller's unit of work (its transaction, and the
 * rows it queues for the commit when it queues: src/store/unit-of-work.ts): a step's result for a
 * written session (`writeStep`), the first write of a session a fired trigger started
 * (`writeFirst`), the rows an outcome's effect stands for, the session's next timer, abandoning a
 * timer, ending many open sessions (`endOpen`), re-arming a failed session (`rearmFailed`) and
 * moving a wait (`moveSessionWait`). Both writers (batched and plain) run these;
 * they differ in how they group them into transactions.
 */
import type { Kysely } from 'kysely';
import type { StepEffect } from '../../core/step-decision.js';
import type { Database, SessionRow, TimerRow } from '../../store/schema.js';
import { applyContactFields, getContactById } from '../../store/repositories/contacts.js';
import { insertDelivery } from '../../store/repositories/deliveries.js';
import { appendSessionLogs, insertSessionsUnlessPresent, setSessionWakeAt, updateSessionIfAt } from '../../store/repositories/sessions.js';
import { recordSkip } from '../../store/repositories/skips.js';
import { deleteClaimedTimer, deleteSessionTimer, moveTimer, putSessionTimer } from '../../store/repositories/timers.js';
import type { Work } from '../../store/unit-of-work.js';
import type { Rearm, SessionSelection, StepWrite, TimerAfter, WaitMove, WriteResult } from './session-writer.js';
import { checkRearm, guardOf, guardOfStay } from './status-change.js';

/** A step's result for a session already written, guarded by its `seq`. */
export async function writeStep(work: Work, w: StepWrite): Promise<WriteResult> {
  const s = w.session;
  const trx = work.db;
  if (w.delivery) await insertDelivery(work, w.delivery);
  if (!(await updateSessionIfAt(trx, s.id, s.seq, w.patch))) return { applied: false, held: false };
  const held = w.timer !== 'delete' && (await pausedMeanwhile(trx, s.flow_id));
  if (w.effect) await applyEffect(work, s, w.effect, w.now);
  await appendSessionLogs(work, w.logs);
  if (w.timer === 'delete') await deleteSessionTimer(work, s.id);
  else await putTimer(trx, { ...s, ...w.patch }, w.timer, held, w.now);
  return { applied: true, held };
}

/**
 * The first write of a session a fired trigger started (`w.start`): inserts it in its state after
 * the first step with its `started` entry, and deletes the trigger's timer if the claim still holds
 * it. Returns the row as written (null: nothing written).
 *
 * If the claim no longer holds the trigger (the appointment moved or was canceled since the claim,
 * or the lease expired and another worker took it), a session that ends here is still written as
 * it ended: what it did, it did. One that would go on is written canceled instead: the moved
 * trigger fires again at its new time. The same session written by another worker first (same id)
 * is left as that worker wrote it.
 */
export async function writeFirst(work: Work, w: StepWrite): Promise<WriteResult & { row: SessionRow | null }> {
  const start = w.start!;
  const row: SessionRow = { ...w.session, ...w.patch };
  const trx = work.db;
  if (w.delivery) await insertDelivery(work, w.delivery);
  if (!(await deleteClaimedTimer(trx, start.trigger.id, start.trigger.owner))) {
    if (w.timer === 'delete' && !w.effect) {
      const inserted = (await insertSessionsUnlessPresent(trx, [row])).size === 1;
      if (inserted) await appendSessionLogs(work, [start.log, ...w.logs]);
      return { applied: inserted, held: false, row };
    }
    const reason = 'its trigger was moved or canceled while it ran';
    const canceled: SessionRow = { ...row, status: 'canceled', ended_at: w.now, end_reason: reason, wake_at: null };
    if ((await insertSessionsUnlessPresent(trx, [canceled])).size === 1) {
      const entry = { workspace_id: row.workspace_id, session_id: row.id, at: w.now, type: 'canceled', step_id: row.step_id, message: reason };
      await appendSessionLogs(work, [start.log, ...w.logs, entry]);
    }
    return { applied: false, held: false, row: canceled };
  }
  if ((await insertSessionsUnlessPresent(trx, [row])).size === 0) return { applied: false, held: false, row };
  const held = w.timer !== 'delete' && (await pausedMeanwhile(trx, row.flow_id));
  if (w.effect) await applyEffect(work, row, w.effect, w.now);
  await appendSessionLogs(work, [start.log, ...w.logs]);
  if (w.timer !== 'delete') await putTimer(trx, row, w.timer, held, w.now);
  return { applied: true, held, row };
}

/** The rows an outcome's effect stands for. */
async function applyEffect(work: Work, s: SessionRow, effect: StepEffect, now: number): Promise<void> {
  switch (effect.type) {
    case 'update_contact': {
      const current = await getContactById(work, effect.contactId);
      if (current) await applyContactFields(work, current, effect.fields, now);
      return;
    }
    case 'record_skip': {
      // Also on the schedules of the appointment, contact and flow (a late send is rare: one row more).
      const { stepId, dueAt, reason, message } = effect;
      const skip = { workspaceId: s.workspace_id, flowId: s.flow_id, appointmentId: s.appointment_id, contactId: s.contact_id, sessionId: s.id, stepId, dueAt, reason, message };
      await recordSkip(work.db, skip, now);
      return;
    }
    default: {
      const unhandled: never = effect;
      throw new Error(`unhandled effect ${(unhandled as StepEffect).type}`);
    }
  }
}

/** Whether the flow was paused while the run was under way: the next timer is then written held, and the run stops. */
async function pausedMeanwhile(trx: Kysely<Database>, flowId: string): Promise<boolean> {
  const flow = await trx.selectFrom('flows').select('status').where('id', '=', flowId).executeTakeFirst();
  return flow?.status === 'paused';
}

/** The session's timer for its next step (`next`: the session as just written). */
async function putTimer(trx: Kysely<Database>, next: SessionRow, timer: Exclude<TimerAfter, 'delete'>, held: boolean, now: number): Promise<void> {
  const spec = {
    sessionId: next.id,
    workspaceId: next.workspace_id,
    flowId: next.flow_id,
    appointmentId: next.appointment_id,
    stepId: next.step_id!,
    seq: next.seq,
    dueAt: timer.dueAt,
    anchor: timer.anchor,
    lease: held ? null : timer.lease,
    held,
  };
  await putSessionTimer(trx, spec, now);
}

/** Fails a timer's session (if still open) with `reason`, and deletes the timer if its claim still holds it. */
export async function abandonTimer(work: Work, timer: TimerRow, reason: string, now: number): Promise<void> {
  const trx = work.db;
  if (timer.session_id) {
    await trx
      .updateTable('sessions')
      .set((eb) => ({ status: 'failed', end_reason: reason, ended_at: now, updated_at: now, wake_at: null, seq: eb('seq', '+', 1) }))
      .where('id', '=', timer.session_id)
      .where('status', 'in', guardOf('failed'))
      .execute();
    const entry = { workspace_id: timer.workspace_id, session_id: timer.session_id, at: now, type: 'failed', step_id: timer.step_id, message: reason };
    await appendSessionLogs(work, [entry]);
  }
  await deleteClaimedTimer(trx, timer.id, timer.lease_owner ?? '');
}

/**
 * Ends every open session of `where` with `status`, logs it on each and deletes their timers.
 * Sessions this unit of work started and has not written yet (write-behind) end in the queue.
 * `chunk`: sessions per UPDATE (the plain writer passes 1).
 */
export async function endOpen(
  work: Work,
  where: SessionSelection,
  status: 'canceled' | 'stopped',
  reason: string,
  now: number,
  chunk: number,
): Promise<string[]> {
  const guard = guardOf(status);
  const trx = work.db;
  let q = trx.selectFrom('sessions').select(['id', 'workspace_id', 'step_id']).where('status', 'in', guard);
  if (where.appointment_id) q = q.where('appointment_id', '=', where.appointment_id);
  if (where.flow_id) q = q.where('flow_id', '=', where.flow_id);
  if (where.session_id) q = q.where('id', '=', where.session_id);
  const written = await q.execute();
  const pending = (work.pending?.rows('sessions') ?? []).filter(
    (s) =>
      (guard as string[]).includes(s.status) &&
      (!where.appointment_id || s.appointment_id === where.appointment_id) &&
      (!where.flow_id || s.flow_id === where.flow_id) &&
      (!where.session_id || s.id === where.session_id),
  );
  const end = { status, end_reason: reason, ended_at: now, updated_at: now, wake_at: null };
  for (const s of pending) {
    work.pending!.queueNew('sessions', { ...s, ...end, seq: s.seq + 1 });
    work.pending!.drop('timers', s.id);
  }
  const open = [...written, ...pending];
  if (open.length === 0) return [];
  const ids = written.map((s) => s.id);
  for (let i = 0; i < ids.length; i += chunk) {
    const these = ids.slice(i, i + chunk);
    await trx
      .updateTable('sessions')
      .set((eb) => ({ ...end, seq: eb('seq', '+', 1) }))
      .where('id', 'in', these)
      .where('status', 'in', guard)
      .execute();
    await trx.deleteFrom('timers').where('id', 'in', these).execute();
  }
  await appendSessionLogs(
    work,
    open.map((s) => ({ workspace_id: s.workspace_id, session_id: s.id, at: now, type: status, step_id: s.step_id, message: reason })),
  );
  return open.map((s) => s.id);
}

/**
 * Re-arms a failed session at `r.stepId`: waiting, attempt 1, its timer due now (held when its
 * flow is paused), with its log entry; guarded by the `seq` it was read at (false: it changed).
 */
export async function rearmFailed(work: Work, r: Rearm): Promise<boolean> {
  const s = r.session;
  const trx = work.db;
  checkRearm(s);
  const seq = s.seq + 1;
  const patch = { status: 'waiting' as const, attempt: 1, seq, wake_at: r.now, ended_at: null, end_reason: null, updated_at: r.now };
  if (!(await updateSessionIfAt(trx, s.id, s.seq, patch))) return false;
  const timer = { sessionId: s.id, workspaceId: s.workspace_id, flowId: s.flow_id, appointmentId: s.appointment_id, stepId: r.stepId, seq, dueAt: r.now, held: r.held };
  await putSessionTimer(trx, timer, r.now);
  await appendSessionLogs(work, [r.log]);
  return true;
}

/** Moves a session's timer to `m.dueAt`; a session still waiting shows its new wake time. */
export async function moveSessionWait(work: Work, m: WaitMove): Promise<void> {
  await moveTimer(work, m.timer.id, m.dueAt);
  if (!m.timer.session_id) return;
  await setSessionWakeAt(work, m.timer.session_id, m.dueAt, m.now, guardOfStay('waiting'));
  if (m.log) await appendSessionLogs(work, [m.log]);
}
