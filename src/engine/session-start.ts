/**
 * Starting a session: the re-entry check, the session row, its first timer (due now) and the
 * `started` log entry, all in the caller's transaction.
 */
import type { Kysely } from 'kysely';
import type { CompiledFlow } from '../core/flow-compiler.js';
import type { AppointmentRow, ContactRow, Database, EventRow, FlowRow, SessionRow, Workspace } from '../store/schema.js';
import { newId } from '../store/repositories/ids.js';
import { encodeJson } from '../store/repositories/json.js';
import { appendSessionLogs, insertSession, reentryBlocked } from '../store/repositories/sessions.js';
import { putSessionTimer } from '../store/repositories/timers.js';
import { buildTemplateContext } from './template-context.js';
import { renderString } from './templates.js';

/** The appointment-relative time a session is gated on; a reschedule moves it. */
export interface TimeGate {
  anchor: 'start' | 'end';
  offset: string;
}

export interface StartSessionInput {
  workspace: Workspace;
  flow: FlowRow;
  version: number;
  compiled: CompiledFlow;
  contact: ContactRow | undefined;
  appointment: AppointmentRow | undefined;
  event: EventRow | undefined;
  gate?: TimeGate | null;
  now: number;
  /**
   * Write the first timer leased to this worker, which runs the session at once (a trigger timer
   * that fired); a worker that dies before finishing is replaced when the lease expires.
   */
  lease?: { owner: string; until: number } | null;
}

/**
 * The session key: the flow's `session.key` template if set; for appointment-time triggers the
 * appointment id plus its start time (a moved appointment gets its reminder again, for the new
 * time, but never twice for the same time); else the appointment id, else the contact id.
 */
export async function sessionKeyFor(input: StartSessionInput): Promise<string> {
  const { compiled, appointment, contact } = input;
  if (compiled.sessionKey) {
    const context = buildTemplateContext(input);
    return renderString(compiled.sessionKey, context, 'text', 'session.key');
  }
  if (appointment) {
    if (compiled.trigger.type === 'appointment') return `${appointment.external_id}@${new Date(appointment.start_at).toISOString()}`;
    return appointment.external_id;
  }
  return contact?.id ?? input.event?.id ?? 'none';
}

/** Starts a session unless the re-entry policy forbids it; returns it, or null when blocked. */
export async function startSession(db: Kysely<Database>, input: StartSessionInput): Promise<SessionRow | null> {
  const { compiled, flow, now } = input;
  if (compiled.first === null) return null;
  const key = await sessionKeyFor(input);
  if (await reentryBlocked(db, flow.id, compiled.reentry, key, input.contact?.id ?? null)) return null;
  const session: SessionRow = {
    id: newId('ss'),
    workspace_id: input.workspace.id,
    flow_id: flow.id,
    flow_version: input.version,
    contact_id: input.contact?.id ?? null,
    appointment_id: input.appointment?.id ?? null,
    event_id: input.event?.id ?? null,
    key,
    status: 'active',
    step_id: compiled.first,
    seq: 1,
    attempt: 1,
    appointment_revision: input.appointment?.revision ?? null,
    gate_json: input.gate ? encodeJson(input.gate) : null,
    wake_at: now,
    created_at: now,
    updated_at: now,
    ended_at: null,
    end_reason: null,
  };
  await insertSession(db, session);
  await putSessionTimer(
    db,
    {
      sessionId: session.id,
      workspaceId: session.workspace_id,
      flowId: flow.id,
      appointmentId: session.appointment_id,
      stepId: compiled.first,
      seq: 1,
      dueAt: now,
      lease: input.lease ?? null,
    },
    now,
  );
  await appendSessionLogs(db, [
    {
      workspace_id: session.workspace_id,
      session_id: session.id,
      at: now,
      type: 'started',
      step_id: compiled.first,
      message: input.event ? `started by ${input.event.name}` : 'started by appointment time',
      data: { flow_version: input.version, key, event_id: input.event?.id ?? null },
    },
  ]);
  return session;
}
