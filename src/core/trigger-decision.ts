/**
 * What a flow's trigger does, decided from data: whether an event starts it (`matchEventTrigger`),
 * when an appointment-time trigger is due and what becomes of one whose time has passed
 * (`scheduleTrigger`), and what a trigger that fired does now (`decideFiredTrigger`). Ingest, the
 * worker (engine/executor.ts, engine/appointment-triggers.ts) and the dry-run all ask these.
 */
import { anchorTime } from './appointment-timing.js';
import { evaluateConditions } from './conditions.js';
import type { CompiledTrigger } from './flow-compiler.js';
import { DUE_TOLERANCE_MS } from './step-decision.js';

export type EventTrigger = Extract<CompiledTrigger, { type: 'event' }>;
export type AppointmentTrigger = Extract<CompiledTrigger, { type: 'appointment' }>;

/**
 * What a trigger timer is about: the appointment whose time it waits for (today's only kind with
 * timers), and later a contact (a date property such as a birthday) or the flow itself (a
 * schedule). A flow keeps at most one pending trigger timer per subject.
 */
export interface TriggerSubject {
  kind: 'appointment' | 'contact' | 'flow';
  id: string;
}

/** Appointment statuses for which appointment-time triggers still fire. */
export const TRIGGERABLE_STATUSES: ReadonlySet<string> = new Set(['booked', 'checked_in', 'completed']);

/** Whether a trigger starts a session, or why not. */
export type TriggerMatch = { match: true } | { match: false; reason: string };

const CONDITIONS_FALSE = 'the trigger’s conditions do not hold';

/**
 * Whether an event named `eventName` starts a flow with this trigger. `context` gives what the
 * conditions read; it is called only when the trigger has conditions.
 */
export function matchEventTrigger(trigger: CompiledTrigger, eventName: string, context: () => Record<string, unknown>, now: number): TriggerMatch {
  if (trigger.type !== 'event') return { match: false, reason: 'the flow starts at an appointment time, not on an event' };
  if (!trigger.events.includes(eventName) && !trigger.events.includes('*')) {
    return { match: false, reason: `the flow starts on ${trigger.events.join(', ')}, not ${eventName}` };
  }
  if (trigger.conditions.length > 0 && !evaluateConditions(trigger.conditions, context(), now)) return { match: false, reason: CONDITIONS_FALSE };
  return { match: true };
}

/** When an appointment-time trigger is due for this appointment. */
export function triggerDueAt(trigger: AppointmentTrigger, appointment: { start_at: number; end_at: number }, zone: string): number {
  return anchorTime(appointment, trigger.anchor, trigger.offset, zone);
}

/**
 * What to do with a trigger whose time has passed. `record`: the flow's `if_past` decides, and a
 * skip is recorded (a booking, a move, a re-booking: the user must be able to see why nothing was
 * sent). `drop`: deleted silently (activating or editing a flow: bookings whose moment passed before
 * the flow went live are not its business). `keep`: whatever is there stays (resuming: a trigger
 * held by the pause fires and the lateness rule decides whether it still sends; an update that did
 * not change when the trigger is due: a reminder already sent is not judged again, and one about to
 * fire is not dropped).
 */
export type PastTriggerPolicy = 'record' | 'drop' | 'keep';

/**
 * Where an appointment's trigger timer goes: `at` a time (now, for a passed time the flow sends
 * anyway), `none` (the appointment no longer triggers), `past` (its time passed and it is dropped;
 * `record` says whether to record why), or `keep` (leave the timer as it is).
 */
export type TriggerSchedule =
  | { type: 'at'; dueAt: number }
  | { type: 'none' }
  | { type: 'past'; dueAt: number; record: boolean }
  | { type: 'keep' };

export function scheduleTrigger(
  trigger: AppointmentTrigger,
  appointment: { status: string; start_at: number; end_at: number },
  zone: string,
  now: number,
  past: PastTriggerPolicy,
): TriggerSchedule {
  if (!TRIGGERABLE_STATUSES.has(appointment.status)) return { type: 'none' };
  const due = triggerDueAt(trigger, appointment, zone);
  if (due > now) return { type: 'at', dueAt: due };
  if (past === 'keep') return { type: 'keep' };
  if (trigger.ifPast === 'skip' || past === 'drop') return { type: 'past', dueAt: due, record: past === 'record' };
  return { type: 'at', dueAt: now };
}

/** What a fired appointment-time trigger does now: start its session, wait (the appointment moved later), or nothing. */
export type FiredTrigger = { type: 'start' } | { type: 'not_yet'; dueAt: number } | { type: 'skip'; reason: string };

/**
 * Decides a fired trigger against the appointment as it is now. `context` gives what the
 * conditions read; it is called only when the trigger has conditions.
 */
export function decideFiredTrigger(
  trigger: CompiledTrigger,
  facts: { appointment: { status: string; start_at: number; end_at: number } | undefined; zone: string; context: () => Record<string, unknown> },
  now: number,
): FiredTrigger {
  if (trigger.type !== 'appointment') return { type: 'skip', reason: 'the flow no longer starts at an appointment time' };
  const { appointment } = facts;
  if (!appointment) return { type: 'skip', reason: 'the flow starts at an appointment time; the event has no appointment' };
  if (!TRIGGERABLE_STATUSES.has(appointment.status)) return { type: 'skip', reason: `the appointment is ${appointment.status}` };
  const due = triggerDueAt(trigger, appointment, facts.zone);
  if (due > now + DUE_TOLERANCE_MS) return { type: 'not_yet', dueAt: due };
  if (trigger.conditions.length > 0 && !evaluateConditions(trigger.conditions, facts.context(), now)) return { type: 'skip', reason: CONDITIONS_FALSE };
  return { type: 'start' };
}
