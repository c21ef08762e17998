/**
 * Appointment-time triggers ("24h before start", "1h after end") as timers, and how they follow
 * the appointment: created on booking, moved on reschedule (with the if_past policy when the new
 * time has already passed), deleted on cancel. Waits relative to the appointment move too.
 */
import { anchorTime } from '../core/appointment-timing.js';
import { TRIGGERABLE_STATUSES, type PastTriggerPolicy } from '../core/trigger-decision.js';
import type { CompiledFlow } from '../core/flow-compiler.js';
import type { AppointmentRow, ContactRow, FlowRow, TimerRow, Workspace } from '../store/schema.js';
import type { Work } from '../store/unit-of-work.js';
import { listUpcomingAppointments } from '../store/repositories/appointments.js';
import { getContactById } from '../store/repositories/contacts.js';
import { listAnchoredTimers, putTriggerTimer, deleteTimer, triggerTimerId } from '../store/repositories/timers.js';
import { reentryBlocked, type LogEntry } from '../store/repositories/sessions.js';
import { recordSkip } from '../store/repositories/skips.js';
import type { SessionWriter } from './session-writer/session-writer.js';
import { appointmentZone } from './template-context.js';
import { keyedOnCreated, sessionKeyOf, type StartSessionInput } from './session-start.js';
import { triggerKindOf } from './triggers/trigger-kinds.js';

export interface ActiveFlow {
  flow: FlowRow;
  version: number;
  compiled: CompiledFlow;
}

export { TRIGGERABLE_STATUSES, type PastTriggerPolicy };

/**
 * Makes the trigger timers of every appointment-time flow match the appointment as it is now.
 * Returns the earliest due time written, for waking the scheduler.
 */
export async function syncAppointmentTriggers(
  work: Work,
  args: {
    workspace: Workspace;
    appointment: AppointmentRow;
    contact: ContactRow | undefined;
    flows: ActiveFlow[];
    now: number;
    /** The appointment was created by this transaction: no session can be keyed on it yet. */
    created?: boolean;
    /** See `PastTriggerPolicy`; default `record`. */
    past?: PastTriggerPolicy;
  },
): Promise<number | null> {
  const { workspace, appointment, contact, now, past = 'record' } = args;
  let earliest: number | null = null;
  for (const active of args.flows) {
    const trigger = active.compiled.trigger;
    const timed = triggerKindOf(trigger).timers;
    if (timed?.subject !== 'appointment') continue;
    const id = triggerTimerId(active.flow.id, { kind: 'appointment', id: appointment.id });
    const schedule = timed.schedule(trigger, appointment, appointmentZone({ appointment, contact, workspace }), now, past);
    if (schedule.type === 'keep') continue;
    if (schedule.type !== 'at') {
      await deleteTimer(work, id);
      if (schedule.type === 'past' && schedule.record) await recordPastDue(work, { workspace, active, appointment, due: schedule.dueAt, now });
      continue;
    }
    const due = schedule.dueAt;
    const input: StartSessionInput = {
      workspace,
      flow: active.flow,
      version: active.version,
      compiled: active.compiled,
      contact,
      appointment,
      event: undefined,
      now,
      // Whether the contact is new is not known here: a `once_per_contact` flow reads the table.
      created: { appointment: args.created === true, contact: false },
    };
    // A key that fails to render is not judged here: the trigger fires and records the failure then.
    const { key } = await sessionKeyOf(input);
    if (key !== undefined && !keyedOnCreated(input) && (await reentryBlocked(work, active.flow.id, active.compiled.reentry, key, contact?.id ?? null))) {
      await deleteTimer(work, id);
      continue;
    }
    // A paused flow's trigger follows the booking too, held until the flow is resumed.
    const held = active.flow.status === 'paused';
    await putTriggerTimer(
      work,
      { workspaceId: workspace.id, flowId: active.flow.id, appointmentId: appointment.id, dueAt: due, ...timed.gate(trigger)!, held },
      now,
      args.created === true,
    );
    if (!held) earliest = earliest === null ? due : Math.min(earliest, due);
  }
  return earliest;
}

async function recordPastDue(
  work: Work,
  args: { workspace: Workspace; active: ActiveFlow; appointment: AppointmentRow; due: number; now: number },
): Promise<void> {
  const { active, appointment, due, now } = args;
  await recordSkip(
    work.db,
    {
      workspaceId: args.workspace.id,
      flowId: active.flow.id,
      appointmentId: appointment.id,
      contactId: appointment.contact_id,
      sessionId: null,
      stepId: null,
      dueAt: due,
      reason: 'past_due',
      message: `not sent: its time (${new Date(due).toISOString()}) had passed when the appointment was ${appointment.revision > 1 ? 'changed' : 'booked'} (if_past: skip)`,
    },
    now,
  );
}

/**
 * After a reschedule: every running wait relative to the appointment moves to its new time
 * (to now if that time has passed: the wait is over), and its session shows the new wake time with
 * a `rescheduled` entry, written by the session writer. Returns the earliest due time written.
 */
export async function moveAnchoredWaits(
  work: Work,
  args: { writer: SessionWriter; workspace: Workspace; appointment: AppointmentRow; contact: ContactRow | undefined; now: number },
): Promise<number | null> {
  const zone = appointmentZone(args);
  let earliest: number | null = null;
  for (const timer of await listAnchoredTimers(work, args.appointment.id)) {
    if (timer.kind !== 'session' || !timer.anchor || !timer.anchor_offset) continue;
    const due = Math.max(args.now, anchorTime(args.appointment, timer.anchor as 'start' | 'end', timer.anchor_offset, zone));
    if (due === timer.scheduled_at) continue;
    await args.writer.moveWait(work, { timer, dueAt: due, log: movedWaitLog(timer, due, args.now), now: args.now });
    earliest = earliest === null ? due : Math.min(earliest, due);
  }
  return earliest;
}

/** The `rescheduled` timeline entry of a session whose wait moved (none for a timer without a session). */
function movedWaitLog(timer: TimerRow, due: number, now: number): LogEntry | null {
  if (!timer.session_id) return null;
  const from = new Date(timer.scheduled_at).toISOString();
  const to = new Date(due).toISOString();
  return {
    workspace_id: timer.workspace_id,
    session_id: timer.session_id,
    at: now,
    type: 'rescheduled',
    step_id: timer.step_id,
    message: `appointment moved: waiting until ${to} instead of ${from}`,
    data: { from, to },
  };
}

/**
 * Writes trigger timers for the upcoming appointments of a workspace when an appointment-time
 * flow is activated, resumed or edited. Only times still ahead are scheduled: activating a flow
 * does not send for bookings whose moment has passed.
 */
export async function scheduleFlowTriggers(
  work: Work,
  args: { workspace: Workspace; active: ActiveFlow; now: number; past: Exclude<PastTriggerPolicy, 'record'> },
): Promise<{ scheduled: number; earliest: number | null }> {
  const { workspace, active, now, past } = args;
  if (active.compiled.trigger.type !== 'appointment') return { scheduled: 0, earliest: null };
  const trigger = { ...active.compiled.trigger, ifPast: 'skip' as const };
  const flows = [{ ...active, compiled: { ...active.compiled, trigger } }];
  let afterId: string | null = null;
  let scheduled = 0;
  let earliest: number | null = null;
  for (;;) {
    const page = await listUpcomingAppointments(work.db, workspace.id, now - 366 * 86_400_000, afterId, 500);
    if (page.length === 0) break;
    for (const appointment of page) {
      const contact = appointment.contact_id ? await getContactById(work, appointment.contact_id) : undefined;
      const due = await syncAppointmentTriggers(work, { workspace, appointment, contact, flows, now, past });
      if (due !== null) {
        scheduled++;
        earliest = earliest === null ? due : Math.min(earliest, due);
      }
    }
    afterId = page[page.length - 1]!.id;
  }
  return { scheduled, earliest };
}
