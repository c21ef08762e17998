/**
 * What a session's step does, decided from data: the step, the facts (the session, the appointment
 * as it is now, the time zone, the conditions' context, when the step fell due, the answer to a
 * send just made) and `now`. The answer is plain data; the runner (engine/session-runner.ts) turns
 * it into writes and the dry-run (engine/preview-service.ts) into a timeline.
 */
import { anchorTime } from './appointment-timing.js';
import { evaluateConditions } from './conditions.js';
import { unhandledKind, type CompiledStep, type CompiledStepOf, type SendStep } from './flow-compiler.js';
import { nextRetryDelay } from './retry-policy.js';
import { waitTarget } from './wait-target.js';

/** A timer may fire this early (clock skew between processes) and still count as due. */
export const DUE_TOLERANCE_MS = 5;

/** The appointment-relative time a session is gated on; a reschedule moves it. */
export interface TimeGate {
  anchor: 'start' | 'end';
  offset: string;
}

/** The session as the decision needs it (a stored session row has these fields). */
export interface SessionFacts {
  id: string;
  status: string;
  wake_at: number | null;
  attempt: number;
  contact_id: string | null;
  appointment_id: string | null;
  appointment_revision: number | null;
}

/** The appointment as it is now (a stored appointment row has these fields). */
export interface AppointmentFacts {
  status: string;
  revision: number;
  start_at: number;
  end_at: number;
}

/** The answer of a channel to a send (engine/send-steps.ts `SendAttempt` has this shape). */
export type SendAnswer =
  | { type: 'sent'; channel: string; result: { request: unknown; response: unknown }; durationMs: number }
  | { type: 'rate_limited'; channel: string; delayMs: number }
  | { type: 'failed'; channel: string; error: { message: string }; retryable: boolean; retryAfterMs: number | null; request: unknown; response: unknown; durationMs: number }
  | { type: 'no_recipient'; channel: string; request: unknown };

export interface StepFacts {
  session: SessionFacts;
  /** The session's gate (decoded `gate_json`). */
  gate: TimeGate | null;
  /** The session's appointment as it is now; for a send, read just before it. */
  appointment: AppointmentFacts | undefined;
  /** The zone appointment times and calendar days are reckoned in. */
  zone: string;
  /** What branch conditions read (contact, appointment, event, flow); needed for branch steps. */
  context?: Record<string, unknown>;
  /** When the timer that started this run was due: lateness counts from here. */
  dueRef: number;
  /** The answer to the send this step just made; the decision after a send. */
  answer?: SendAnswer;
  /** Backoff bounds and the jitter source for retries. */
  retry: { baseMs: number; maxMs: number; random: () => number };
}

/** A timeline entry the outcome adds to the session (the runner stamps session and time). */
export interface StepLog {
  type: string;
  step_id?: string | null;
  message: string;
  data?: unknown;
}

/** What changes on the session besides its position and status. */
export interface SessionPatch {
  appointment_revision?: number | null;
  attempt?: number;
  gate?: TimeGate | null;
}

/** A delivery to record, as data (the runner gives it its id and redacts it). */
export interface DeliveryRecord {
  channel: string;
  status: 'succeeded' | 'skipped' | 'retrying' | 'failed';
  request: unknown;
  response: unknown;
  error: string | null;
  durationMs: number;
}

/** A write that goes with the outcome beyond the session's own. */
export type StepEffect =
  | { type: 'record_skip'; stepId: string; dueAt: number; reason: 'too_late'; message: string }
  | { type: 'update_contact'; contactId: string; fields: Record<string, unknown> };

/** What a step's run comes to. `move` to null ends the session as completed. */
export type StepOutcome =
  | { type: 'move'; target: string | null; logs: StepLog[]; patch?: SessionPatch; delivery?: DeliveryRecord; effect?: StepEffect; took?: string }
  | { type: 'wait'; dueAt: number; gate: TimeGate | null; logs: StepLog[]; patch?: SessionPatch; delivery?: DeliveryRecord }
  | { type: 'end'; status: 'completed' | 'failed' | 'canceled'; reason: string; logs: StepLog[]; delivery?: DeliveryRecord };

/**
 * The decision: an outcome, or work the caller must do first and then decide again or finish:
 * `send` (make the send, then decide again with its answer), `update_contact` (render the fields;
 * see `contactUpdated`).
 */
export type StepDecision = StepOutcome | { type: 'send' } | { type: 'update_contact'; contactId: string };

export function decideStep(step: CompiledStep, facts: StepFacts, now: number): StepDecision {
  switch (step.kind) {
    case 'wait':
      return decideWait(step, facts, now);
    case 'branch': {
      const chosen = chooseBranch(step, facts.context ?? {}, now);
      return { type: 'move', target: chosen.target, took: chosen.took, logs: [{ type: 'branch', step_id: step.id, message: `took ${chosen.took}` }] };
    }
    case 'webhook':
    case 'email':
    case 'send':
      return facts.answer ? afterSend(step, facts, facts.answer, now) : beforeSend(step, facts, now);
    case 'update_contact': {
      const contactId = facts.session.contact_id;
      if (!contactId) return { type: 'move', target: step.next, logs: [{ type: 'skipped', step_id: step.id, message: 'session has no contact' }] };
      return { type: 'update_contact', contactId };
    }
    case 'exit':
      return { type: 'end', status: 'completed', reason: step.exit.reason ? `exit: ${step.exit.reason}` : 'exit step', logs: [] };
    default:
      return unhandledKind(step);
  }
}

/** Whether a send step is past its max_lateness at `now` (lateness counts from `dueRef`). */
export function isLate(step: CompiledStep, dueRef: number, now: number): boolean {
  return step.maxLatenessMs !== null && now - dueRef > step.maxLatenessMs;
}

/**
 * Whether deciding `step` reads `facts.zone`, so a caller may skip finding it (the contact's
 * zone costs a read): a wait that computes its end, or a send whose appointment moved under a gate.
 */
export function needsZone(step: CompiledStep, facts: Pick<StepFacts, 'session' | 'gate' | 'appointment' | 'dueRef'>, now: number): boolean {
  switch (step.kind) {
    case 'wait':
      return !(facts.session.status === 'waiting' && step.wait.type === 'duration' && facts.session.wake_at !== null);
    case 'webhook':
    case 'email':
    case 'send': {
      const appointment = facts.session.appointment_id ? facts.appointment : undefined;
      const moved = appointment !== undefined && appointment.revision !== facts.session.appointment_revision && appointment.status !== 'canceled';
      return moved && facts.gate !== null && !isLate(step, facts.dueRef, now);
    }
    case 'branch':
    case 'update_contact':
    case 'exit':
      return false;
    default:
      return unhandledKind(step);
  }
}

/** The branch a branch step takes: the first whose conditions hold, else otherwise; `took` names it. */
export function chooseBranch(step: CompiledStepOf<'branch'>, context: Record<string, unknown>, now: number): { target: string | null; took: string } {
  for (const [i, b] of step.branches.entries()) {
    if (evaluateConditions(b.when, context, now)) return { target: b.first ?? step.next, took: b.name ?? `branch ${i + 1}` };
  }
  return { target: step.otherwise ?? step.next, took: 'otherwise' };
}

function decideWait(step: CompiledStepOf<'wait'>, facts: StepFacts, now: number): StepOutcome {
  const { wait } = step;
  const { session } = facts;
  const waiting = session.status === 'waiting';
  const gate: TimeGate | null = wait.type === 'appointment' ? { anchor: wait.anchor, offset: wait.offset } : null;
  // A running duration wait keeps the end it was given; appointment waits follow the appointment.
  const target =
    waiting && wait.type === 'duration' && session.wake_at !== null ? session.wake_at : waitTarget(wait, now, facts.appointment, facts.zone);
  if (target === null) return { type: 'move', target: step.next, logs: [{ type: 'wait_over', step_id: step.id, message: 'no appointment to wait for' }] };
  if (target > now + DUE_TOLERANCE_MS) {
    const logs: StepLog[] = waiting ? [] : [{ type: 'waiting', step_id: step.id, message: `waiting until ${new Date(target).toISOString()}` }];
    return { type: 'wait', dueAt: target, gate, logs };
  }
  const appointment = session.appointment_id ? facts.appointment : undefined;
  return {
    type: 'move',
    target: step.next,
    logs: [{ type: 'wait_over', step_id: step.id, message: waiting ? 'wait over' : 'time already passed, not waiting' }],
    patch: gate ? { gate, appointment_revision: appointment?.revision ?? null } : {},
  };
}

/**
 * Before sending: too late (skip it), the appointment canceled meanwhile (end canceled), moved to
 * a later time (wait for it), or send, noting the appointment's revision if it changed.
 */
function beforeSend(step: SendStep, facts: StepFacts, now: number): StepDecision {
  if (isLate(step, facts.dueRef, now)) {
    const lateness = now - facts.dueRef;
    const message = `skipped: ${Math.round(lateness / 1000)} s late, more than max_lateness`;
    return {
      type: 'move',
      target: step.next,
      logs: [{ type: 'skipped', step_id: step.id, message }],
      delivery: { channel: step.kind, status: 'skipped', request: null, response: null, error: 'late', durationMs: 0 },
      effect: { type: 'record_skip', stepId: step.id, dueAt: facts.dueRef, reason: 'too_late', message },
    };
  }
  const appointment = facts.session.appointment_id ? facts.appointment : undefined;
  if (appointment && appointment.revision !== facts.session.appointment_revision) {
    if (appointment.status === 'canceled') return { type: 'end', status: 'canceled', reason: 'appointment canceled before send', logs: [] };
    if (facts.gate) {
      const due = anchorTime(appointment, facts.gate.anchor, facts.gate.offset, facts.zone);
      if (due > now + DUE_TOLERANCE_MS) {
        const message = `appointment moved: sending at ${new Date(due).toISOString()}`;
        return { type: 'wait', dueAt: due, gate: facts.gate, logs: [{ type: 'rescheduled', step_id: step.id, message }] };
      }
    }
  }
  return { type: 'send' };
}

/** The appointment's revision, when it changed since the session last looked (a send goes ahead anyway). */
function revisionPatch(facts: StepFacts): SessionPatch {
  const appointment = facts.session.appointment_id ? facts.appointment : undefined;
  return appointment && appointment.revision !== facts.session.appointment_revision ? { appointment_revision: appointment.revision } : {};
}

/**
 * After sending (`now` is when the answer came: delays count from it): move on, wait out a rate
 * limit, retry with backoff, or end failed.
 */
function afterSend(step: SendStep, facts: StepFacts, answer: SendAnswer, now: number): StepOutcome {
  const patch = revisionPatch(facts);
  const attempt = facts.session.attempt;
  switch (answer.type) {
    case 'rate_limited': {
      const dueAt = now + answer.delayMs;
      const message = `${answer.channel} rate limit: sending at ${new Date(dueAt).toISOString()}`;
      return { type: 'wait', dueAt, gate: facts.gate, patch, logs: [{ type: 'rate_limited', step_id: step.id, message }] };
    }
    case 'no_recipient': {
      const delivery: DeliveryRecord = { channel: answer.channel, status: 'skipped', request: answer.request, response: null, error: 'no recipient', durationMs: 0 };
      return { type: 'move', target: step.next, patch, logs: [{ type: 'skipped', step_id: step.id, message: 'skipped: no recipient' }], delivery };
    }
    case 'sent': {
      const delivery: DeliveryRecord = { channel: answer.channel, status: 'succeeded', ...answer.result, error: null, durationMs: answer.durationMs };
      return { type: 'move', target: step.next, patch, logs: [{ type: 'sent', step_id: step.id, message: `${answer.channel} sent (attempt ${attempt})` }], delivery };
    }
    case 'failed':
      return afterFailure(step, facts, answer, patch, now);
    default: {
      const unhandled: never = answer;
      throw new Error(`unhandled send answer ${(unhandled as SendAnswer).type}`);
    }
  }
}

function afterFailure(step: SendStep, facts: StepFacts, answer: Extract<SendAnswer, { type: 'failed' }>, patch: SessionPatch, now: number): StepOutcome {
  const attempt = facts.session.attempt;
  const record = { channel: answer.channel, request: answer.request, response: answer.response, error: answer.error.message, durationMs: answer.durationMs };
  if (answer.retryable && attempt < step.maxAttempts) {
    const policy = { maxAttempts: step.maxAttempts, baseMs: facts.retry.baseMs, maxMs: facts.retry.maxMs };
    const dueAt = now + nextRetryDelay(attempt, policy, answer.retryAfterMs, facts.retry.random);
    return {
      type: 'wait',
      dueAt,
      gate: facts.gate,
      patch: { ...patch, attempt: attempt + 1 },
      logs: [{ type: 'retrying', step_id: step.id, message: `${answer.error.message}; attempt ${attempt + 1} at ${new Date(dueAt).toISOString()}` }],
      delivery: { ...record, status: 'retrying' },
    };
  }
  const why = answer.retryable ? `gave up after ${attempt} attempts` : 'permanent error';
  return { type: 'end', status: 'failed', reason: `${step.kind} ${step.id} failed: ${answer.error.message} (${why})`, logs: [], delivery: { ...record, status: 'failed' } };
}

/** An update_contact step's outcome once its fields are rendered: move on, the update going with the commit. */
export function contactUpdated(step: CompiledStepOf<'update_contact'>, contactId: string, fields: Record<string, unknown>): StepOutcome {
  const { attributes, ...rest } = fields;
  return {
    type: 'move',
    target: step.next,
    logs: [{ type: 'contact_updated', step_id: step.id, message: 'contact updated', data: { ...rest, attributes } }],
    effect: { type: 'update_contact', contactId, fields: attributes === undefined ? rest : fields },
  };
}
