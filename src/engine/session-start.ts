/**
 * Starting sessions. Started by an event (ingest): the re-entry check, the session row, its first
 * timer (due now) and the `started` log entry, all in the caller's transaction, a batch of
 * sessions in one statement per table (`startSessions`). Started by a trigger that fired (the
 * worker): the row is built here (`buildSessionStart`) and written with the first step's result
 * by the session writer (executor.ts, session-writer/).
 */
import type { Kysely } from 'kysely';
import type { CompiledFlow } from '../core/flow-compiler.js';
import type { AppointmentRow, ContactRow, Database, EventRow, FlowRow, SessionRow, TimerRow, Workspace } from '../store/schema.js';
import { newId } from '../store/repositories/ids.js';
import { encodeJson } from '../store/repositories/json.js';
import { appendSessionLogs, reentryBlockedMany, type LogEntry } from '../store/repositories/sessions.js';
import { recordSkip } from '../store/repositories/skips.js';
import { sessionTimerRow } from '../store/repositories/timers.js';
import { insertChunked } from '../store/repositories/write-behind.js';
import type { Work } from '../store/unit-of-work.js';
import { buildTemplateContext } from './template-context.js';
import { renderString, TemplateError } from './templates.js';

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
  /** Created in the caller's transaction, so no written session can name it (skips a re-entry read). */
  created?: { appointment: boolean; contact: boolean };
}

/**
 * The session key: the flow's `session.key` template if set; for appointment-time triggers the
 * appointment id plus its start time (a moved appointment gets its reminder again, for the new
 * time, but never twice for the same time); else the appointment id, else the contact id.
 */
async function sessionKeyFor(input: StartSessionInput): Promise<string> {
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

/** A session's key, or why its `session.key` template could not give one. */
export type SessionKey = { key: string; error?: undefined } | { key?: undefined; error: TemplateError };

/**
 * `sessionKeyFor`, with a template that fails at run time (a limit, `| number` on text) returned as
 * the error rather than thrown: it stops that flow's session only (see `recordKeyFailure`), never
 * the event's other flows nor a worker's batch of fired triggers.
 */
export async function sessionKeyOf(input: StartSessionInput): Promise<SessionKey> {
  try {
    return { key: await sessionKeyFor(input) };
  } catch (error) {
    if (error instanceof TemplateError) return { error };
    throw error;
  }
}

/** Records that a flow started no session because its key failed: on the schedules and the flow's counts. */
export async function recordKeyFailure(db: Kysely<Database>, input: StartSessionInput, error: TemplateError, dueAt: number): Promise<void> {
  await recordSkip(
    db,
    {
      workspaceId: input.workspace.id,
      flowId: input.flow.id,
      appointmentId: input.appointment?.id ?? null,
      contactId: input.contact?.id ?? null,
      sessionId: null,
      stepId: null,
      dueAt,
      reason: 'session_key_failed',
      message: `no session started: ${error.message}`,
    },
    input.now,
  );
}

/**
 * Whether what the session's re-entry policy looks at was created in this transaction: then no
 * written session can block it. The default key names the appointment (its external id; an
 * appointment is never deleted, so a new one has no sessions yet) or else the contact (its id,
 * fresh); `once_per_contact` looks at the contact. A key from a `session.key` template can be
 * anything, so it is always checked.
 */
export function keyedOnCreated(input: StartSessionInput): boolean {
  const created = input.created;
  if (!created) return false;
  if (input.compiled.reentry === 'once_per_contact') return created.contact && input.contact !== undefined;
  if (input.compiled.sessionKey) return false;
  if (input.appointment) return created.appointment;
  return created.contact && input.contact !== undefined;
}

export interface StartOptions {
  /**
   * Write the session and its timer at commit, with the transaction's other new rows, when the
   * unit of work queues (write-behind). For sessions nobody runs before the commit (ingest).
   */
  atCommit?: boolean;
}

/**
 * Starts sessions in the caller's unit of work (for the session writer's `start`), with one statement per table for all of them
 * (re-entry check, sessions, timers; the `started` log entries go through the write-behind
 * queue). Each result is the session started for that input, or null when its flow has no
 * steps or the re-entry policy forbids it. Inputs are taken in order: a later input blocked by an
 * earlier one of the same call is blocked, as it would be if started one after another.
 */
export async function startSessions(work: Work, inputs: readonly StartSessionInput[], options: StartOptions = {}): Promise<Array<SessionRow | null>> {
  const { db } = work;
  const candidates: Array<{ input: StartSessionInput; key: string; i: number }> = [];
  for (const [i, input] of inputs.entries()) {
    if (input.compiled.first === null) continue;
    const { key, error } = await sessionKeyOf(input);
    if (error) await recordKeyFailure(db, input, error, input.now);
    else candidates.push({ input, key, i });
  }
  const blocked = await reentryBlockedMany(
    work,
    candidates.map((c) => ({
      flowId: c.input.flow.id,
      policy: c.input.compiled.reentry,
      key: c.key,
      contactId: c.input.contact?.id ?? null,
      fresh: keyedOnCreated(c.input),
    })),
  );
  const results: Array<SessionRow | null> = inputs.map(() => null);
  const sessions: SessionRow[] = [];
  const timers: TimerRow[] = [];
  const logs: LogEntry[] = [];
  for (const [j, { input, key, i }] of candidates.entries()) {
    if (blocked[j]) continue;
    const { session, log } = buildSessionStart(input, key, newId('ss'));
    sessions.push(session);
    timers.push(
      sessionTimerRow(
        {
          sessionId: session.id,
          workspaceId: session.workspace_id,
          flowId: session.flow_id,
          appointmentId: session.appointment_id,
          stepId: session.step_id!,
          seq: 1,
          dueAt: input.now,
        },
        input.now,
      ),
    );
    logs.push(log);
    results[i] = session;
  }
  // A session's timer is keyed by the session's id, which is new: a plain insert, no upsert.
  // Started by an event (ingest), both wait for the commit (write-behind): the re-entry checks
  // and cancels of the same transaction look in the queue (sessions.ts).
  if (options.atCommit === true && work.pending) {
    work.pending.queueNewRows('sessions', sessions);
    work.pending.queueNewRows('timers', timers);
  } else {
    await insertChunked(db, 'sessions', sessions, 32);
    await insertChunked(db, 'timers', timers, 32);
  }
  await appendSessionLogs(work, logs);
  return results;
}

/**
 * A new session's row (active, at its flow's first step) and its `started` timeline entry, for a
 * flow that has a first step. Written by `startSessions`, or by the session writer with its first
 * commit (a trigger that fired: executor.ts).
 */
export function buildSessionStart(input: StartSessionInput, key: string, id: string): { session: SessionRow; log: LogEntry } {
  const { compiled, flow, now } = input;
  const first = compiled.first!;
  const session: SessionRow = {
    id,
    workspace_id: input.workspace.id,
    flow_id: flow.id,
    flow_version: input.version,
    contact_id: input.contact?.id ?? null,
    appointment_id: input.appointment?.id ?? null,
    event_id: input.event?.id ?? null,
    key,
    status: 'active',
    step_id: first,
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
  const log: LogEntry = {
    workspace_id: session.workspace_id,
    session_id: session.id,
    at: now,
    type: 'started',
    step_id: first,
    message: input.event ? `started by ${input.event.name}` : 'started by appointment time',
    data: { flow_version: input.version, key, event_id: input.event?.id ?? null },
  };
  return { session, log };
}
