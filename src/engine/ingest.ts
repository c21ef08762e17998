/**
 * Accepting events. One transaction per request takes an event from the wire to everything it
 * implies: the contact, the appointment (with its revision), canceled sessions, moved timers,
 * the sessions it starts and their first timers. Nothing is lost between those steps, and the
 * same event posted twice (same idempotency key) is stored and acted on once.
 */
import { TRIGGERABLE_STATUSES } from '../core/trigger-decision.js';
import type { AppointmentRow, ContactRow, EventRow, Workspace } from '../store/schema.js';
import { applyAppointmentChange, type AppointmentApplyResult } from '../store/repositories/appointments.js';
import { upsertContact } from '../store/repositories/contacts.js';
import { findEventByKey, insertEvent } from '../store/repositories/events.js';
import { listLiveFlows } from '../store/repositories/flows.js';
import { newId } from '../store/repositories/ids.js';
import { readAhead, type IngestLookups } from '../store/repositories/read-ahead.js';
import { encodeJson, isUniqueViolation } from '../store/repositories/json.js';
import { deleteTriggerTimersForAppointment } from '../store/repositories/timers.js';
import { memoKey, type Work } from '../store/unit-of-work.js';
import { moveAnchoredWaits, syncAppointmentTriggers, type ActiveFlow } from './appointment-triggers.js';
import type { EngineContext } from './engine-context.js';
import { appointmentChangeOf, idempotencyKeyFor, type EventInput } from './event-input.js';
import { buildTemplateContext } from './template-context.js';
import { triggerKindOf } from './triggers/trigger-kinds.js';

export interface IngestResult {
  event_id: string;
  /** True when an event with the same idempotency key was already stored; nothing was done again. */
  duplicate: boolean;
  contact_id: string | null;
  appointment_id: string | null;
  /** False when an appointment event was older than the last one applied: stored, not applied. */
  applied: boolean;
  sessions_started: string[];
  sessions_canceled: string[];
}

interface Accepted {
  input: EventInput;
  key: string;
}

/** Ingests events in one transaction (a batch commits whole or not at all). */
export async function ingestEvents(
  ctx: EngineContext,
  workspace: Workspace,
  events: EventInput[],
  headerKey?: string | null,
): Promise<IngestResult[]> {
  const accepted: Accepted[] = events.map((input) => ({
    input,
    key: idempotencyKeyFor(input, events.length === 1 ? headerKey : null),
  }));
  let earliest: number | null = null;
  const lookups: IngestLookups = {
    workspaceId: workspace.id,
    eventKeys: accepted.map((a) => a.key),
    contacts: accepted.map((a) => a.input.contact),
    appointmentIds: accepted.flatMap((a) => (a.input.appointment ? [a.input.appointment.id] : [])),
  };
  const run = () =>
    ctx.commits.run(async (work) => {
      earliest = null;
      const flows = await loadLiveFlows(ctx, work, workspace.id);
      const results: IngestResult[] = [];
      for (const item of accepted) {
        const { result, due } = await ingestOne(ctx, work, workspace, flows, item);
        results.push(result);
        if (due !== null) earliest = earliest === null ? due : Math.min(earliest, due);
      }
      return results;
    }, { read: readAhead, payload: lookups });
  let results: IngestResult[];
  try {
    results = await run();
  } catch (error) {
    // Two requests creating the same contact or event at once: the loser retries and finds it.
    if (!isUniqueViolation(error)) throw error;
    results = await run();
  }
  results.forEach((r, i) => {
    const name = accepted[i]?.input.name ?? 'unknown';
    ctx.metrics.eventsIngested.inc({ name, result: r.duplicate ? 'duplicate' : 'stored' });
    ctx.metrics.sessionsStarted.inc(r.sessions_started.length);
  });
  ctx.activity.eventsAccepted(workspace.id, accepted.map((a) => a.input.name), results);
  if (earliest !== null) ctx.wake(earliest);
  return results;
}

/** A unit of work's live flows, by workspace (see `loadLiveFlows`). */
const LIVE_FLOWS = memoKey<Map<string, Promise<ActiveFlow[]>>>('live flows by workspace');

/**
 * The workspace's active and paused flows, compiled. Read once per unit of work (kept in it): a
 * group commit of many requests of one workspace reads them once, and nothing in an ingest
 * transaction changes them. Paused flows start no sessions, but their appointment triggers follow
 * bookings, held until resume.
 */
function loadLiveFlows(ctx: EngineContext, work: Work, workspaceId: string): Promise<ActiveFlow[]> {
  const { db } = work;
  const byWorkspace = work.memo(LIVE_FLOWS, () => new Map());
  let flows = byWorkspace.get(workspaceId);
  if (!flows) {
    flows = (async () => {
      const out: ActiveFlow[] = [];
      for (const row of await listLiveFlows(db, workspaceId)) {
        const loaded = await ctx.flows.get(db, row.id, row.version);
        out.push({ flow: row, version: row.version, compiled: loaded.compiled });
      }
      return out;
    })();
    byWorkspace.set(workspaceId, flows);
  }
  return flows;
}

async function ingestOne(
  ctx: EngineContext,
  work: Work,
  workspace: Workspace,
  flows: ActiveFlow[],
  { input, key }: Accepted,
): Promise<{ result: IngestResult; due: number | null }> {
  const now = ctx.clock.now();
  const existing = await findEventByKey(work, workspace.id, key);
  if (existing) return { result: duplicateResult(existing), due: null };
  const occurredAt = input.occurred_at ? Date.parse(input.occurred_at) : now;
  const contact = await upsertContact(work, workspace.id, input.contact, now);

  let change: AppointmentApplyResult | undefined;
  let canceled: string[] = [];
  let due: number | null = null;
  const keep = (t: number | null) => {
    if (t !== null) due = due === null ? t : Math.min(due, t);
  };
  if (input.appointment) {
    change = await applyAppointmentChange(work, workspace.id, contact.id, appointmentChangeOf(input.name, input.appointment), occurredAt, now);
    if (change.applied) canceled = await actOnAppointmentChange(ctx, work, { workspace, flows, contact, change, now, keep });
  }

  const event: EventRow = {
    id: newId('ev'),
    workspace_id: workspace.id,
    name: input.name,
    idempotency_key: key,
    contact_id: contact.id,
    appointment_id: change?.row.id ?? null,
    occurred_at: occurredAt,
    received_at: now,
    payload_json: encodeJson(input),
  };
  await insertEvent(work, event);

  const started = !change || change.applied ? await startMatchedSessions(ctx, work, { workspace, flows, contact, change, event, now }) : [];
  if (started.length > 0) keep(now);
  return {
    result: {
      event_id: event.id,
      duplicate: false,
      contact_id: contact.id,
      appointment_id: change?.row.id ?? null,
      applied: change ? change.applied : true,
      sessions_started: started,
      sessions_canceled: canceled,
    },
    due,
  };
}

/** The answer for an event already stored under the same idempotency key: nothing done again. */
function duplicateResult(existing: EventRow): IngestResult {
  return {
    event_id: existing.id,
    duplicate: true,
    contact_id: existing.contact_id,
    appointment_id: existing.appointment_id,
    applied: false,
    sessions_started: [],
    sessions_canceled: [],
  };
}

/**
 * Acts on an applied appointment change: a cancel ends its sessions and deletes its pending
 * triggers; otherwise a move moves its anchored waits, and its trigger timers follow. `keep`
 * receives each due time written. Returns the sessions canceled.
 */
async function actOnAppointmentChange(
  ctx: EngineContext,
  work: Work,
  args: { workspace: Workspace; flows: ActiveFlow[]; contact: ContactRow; change: Extract<AppointmentApplyResult, { applied: true }>; now: number; keep: (due: number | null) => void },
): Promise<string[]> {
  const { workspace, flows, contact, change, now, keep } = args;
  const appointment = change.row;
  if (change.canceled) {
    await deleteTriggerTimersForAppointment(work, appointment.id);
    return ctx.writer.cancelMany(work, { appointment_id: appointment.id }, 'canceled', 'appointment canceled', now);
  }
  if (change.moved) keep(await moveAnchoredWaits(work, { writer: ctx.writer, workspace, appointment, contact, now }));
  // Passed trigger times are judged (if_past) only when this change set them: a booking, a move, a re-booking.
  const previous = change.previous;
  const timed = previous === undefined || change.moved || !TRIGGERABLE_STATUSES.has(previous.status);
  keep(await syncAppointmentTriggers(work, { workspace, appointment, contact, flows, now, created: previous === undefined, past: timed ? 'record' : 'keep' }));
  return [];
}

/** Starts a session of every event-triggered flow the event matches; returns their ids. */
async function startMatchedSessions(
  ctx: EngineContext,
  work: Work,
  args: { workspace: Workspace; flows: ActiveFlow[]; contact: ContactRow; change: AppointmentApplyResult | undefined; event: EventRow; now: number },
): Promise<string[]> {
  const { workspace, flows, contact, change, event, now } = args;
  // A contact created by this transaction is still queued (write-behind) until the commit.
  const contactCreated = work.pending?.row('contacts', contact.id) !== undefined;
  const created = { appointment: change !== undefined && change.previous === undefined, contact: contactCreated };
  const inputs = matchEventFlows(flows, event, contact, change?.row, workspace, now).map((active) => ({
    workspace,
    flow: active.flow,
    version: active.version,
    compiled: active.compiled,
    contact,
    appointment: change?.row,
    event,
    now,
    created,
  }));
  if (inputs.length === 0) return [];
  const sessions = await ctx.writer.start(work, inputs, { atCommit: true });
  return sessions.flatMap((session) => (session ? [session.id] : []));
}

function matchEventFlows(
  flows: ActiveFlow[],
  event: EventRow,
  contact: ContactRow,
  appointment: AppointmentRow | undefined,
  workspace: Workspace,
  now: number,
): ActiveFlow[] {
  const matched: ActiveFlow[] = [];
  let context: Record<string, unknown> | undefined;
  for (const active of flows) {
    if (active.flow.status !== 'active') continue;
    const flowContext = () => {
      context ??= buildTemplateContext({ workspace, event, contact, appointment });
      return { ...context, flow: { id: active.flow.id, name: active.flow.name, version: active.version } };
    };
    const trigger = active.compiled.trigger;
    if (triggerKindOf(trigger).match?.(trigger, { type: 'event', name: event.name }, flowContext, now).match) matched.push(active);
  }
  return matched;
}
