/**
 * What happens when a claimed timer fires: a trigger timer starts a session for its
 * appointment; a session timer runs the session from its step. Both re-check the world first
 * (flow paused or archived, appointment canceled or moved, session stopped) and act on what is
 * true now, not on what was true when the timer was written.
 */
import { isTerminal } from '../core/session-state.js';
import type { AppointmentRow, ContactRow, Database, FlowRow, SessionRow, TimerRow, Workspace } from '../store/schema.js';
import { distinctValues, inList } from '../store/repositories/in-list.js';
import { getAppointmentById } from '../store/repositories/appointments.js';
import { getContactById } from '../store/repositories/contacts.js';
import { getFlowById } from '../store/repositories/flows.js';
import type { ReentryCheck } from '../core/reentry.js';
import { getSessionById } from '../store/repositories/sessions.js';
import { derivedId } from '../store/repositories/ids.js';
import { getWorkspace } from '../store/repositories/workspaces.js';
import { plainWork } from '../store/unit-of-work.js';
import type { EngineContext } from './engine-context.js';
import { SessionRunner } from './session-runner.js';
import { triggerKindOf } from './triggers/trigger-kinds.js';
import { buildSessionStart, recordKeyFailure, sessionKeyOf, type StartSessionInput } from './session-start.js';
import type { StartedSession } from './session-writer/session-writer.js';
import { appointmentZone, buildTemplateContext } from './template-context.js';

/**
 * A timer claimed this many times without finishing keeps crashing whoever runs it (a bug, or data
 * the code cannot handle): give up on it instead of retrying forever.
 */
export const MAX_CLAIMS = 10;

/**
 * What the timers of a claimed batch read, read for the whole batch in one statement per table
 * instead of one each: the sessions of session timers; the flows, appointments, contacts and
 * workspaces of trigger timers (and the flows and workspaces of those sessions). Safe to read at
 * claim time: a cancel or move that lands after it is caught by the timer's guarded delete, the
 * sessions' `seq` guard, and the re-read just before sending.
 */
export interface ClaimedRows {
  flows: Map<string, FlowRow>;
  appointments: Map<string, AppointmentRow>;
  contacts: Map<string, ContactRow>;
  workspaces: Map<string, Workspace>;
  sessions: Map<string, SessionRow>;
}

/** Reads the rows of a batch's timers, or null when fewer than two (one by one is as cheap). */
export async function readClaimedRows(ctx: EngineContext, timers: readonly TimerRow[]): Promise<ClaimedRows | null> {
  const triggers = timers.filter((t) => t.kind === 'trigger');
  const sessionTimers = timers.filter((t) => t.kind === 'session' && t.session_id !== null);
  if (triggers.length + sessionTimers.length < 2) return null;
  const db = ctx.store.db;
  const sessionIds = distinctValues(sessionTimers.map((t) => t.session_id));
  const sessions = sessionIds.length ? await db.selectFrom('sessions').selectAll().where(inList(db, 'id', sessionIds)).execute() : [];
  const flowIds = distinctValues([...triggers.map((t) => t.flow_id), ...sessions.map((s) => s.flow_id)]);
  const appointmentIds = distinctValues(triggers.map((t) => t.appointment_id));
  const flows = flowIds.length ? await db.selectFrom('flows').selectAll().where(inList(db, 'id', flowIds)).execute() : [];
  const appointments = appointmentIds.length ? await db.selectFrom('appointments').selectAll().where(inList(db, 'id', appointmentIds)).execute() : [];
  const contactIds = distinctValues(appointments.map((a) => a.contact_id));
  const workspaceIds = distinctValues(flows.map((f) => f.workspace_id));
  const contacts = contactIds.length ? await db.selectFrom('contacts').selectAll().where(inList(db, 'id', contactIds)).execute() : [];
  const workspaces = workspaceIds.length ? await db.selectFrom('workspaces').selectAll().where(inList(db, 'id', workspaceIds)).execute() : [];
  const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));
  return { flows: byId(flows), appointments: byId(appointments), contacts: byId(contacts), workspaces: byId(workspaces), sessions: byId(sessions) };
}

export async function runTimer(ctx: EngineContext, timer: TimerRow, rows?: ClaimedRows | null): Promise<void> {
  const lateness = Math.max(0, ctx.clock.now() - timer.scheduled_at);
  ctx.metrics.timerLateness.observe(lateness / 1000);
  if (timer.claims > MAX_CLAIMS) {
    await abandonTimer(ctx, timer);
    return;
  }
  if (timer.kind === 'trigger') await runTriggerTimer(ctx, timer, rows ?? null);
  else await runSessionTimer(ctx, timer, rows ?? null);
}

async function abandonTimer(ctx: EngineContext, timer: TimerRow): Promise<void> {
  const reason = `gave up after ${MAX_CLAIMS} failed runs of step ${timer.step_id ?? '(trigger)'}; see the worker log`;
  ctx.logger.error({ timer: timer.id, session: timer.session_id, claims: timer.claims }, reason);
  await ctx.writer.abandon(timer, reason, ctx.clock.now());
}

async function runSessionTimer(ctx: EngineContext, timer: TimerRow, rows: ClaimedRows | null): Promise<void> {
  const db = ctx.store.db;
  const session = !timer.session_id ? undefined : rows ? rows.sessions.get(timer.session_id) : await getSessionById(db, timer.session_id);
  if (!session || isTerminal(session.status) || session.seq !== timer.seq) {
    await ctx.writer.settleTimer(timer, 'delete');
    return;
  }
  const flow = rows?.flows.get(session.flow_id) ?? (await getFlowById(db, session.flow_id));
  if (!flow) {
    await ctx.writer.settleTimer(timer, 'delete');
    return;
  }
  if (flow.status === 'paused') {
    // Hold where it is; resume releases it and lateness rules decide what still sends.
    await ctx.writer.settleTimer(timer, { dueAt: timer.scheduled_at, held: true });
    return;
  }
  const loaded = await ctx.flows.get(db, flow.id, session.flow_version);
  const workspace = rows?.workspaces.get(session.workspace_id) ?? (await getWorkspace(db, session.workspace_id));
  await new SessionRunner(ctx, { timer, session, flow, compiled: loaded.compiled, workspace }).run();
}

/** A fired trigger that is to start its session now, with what the start needs. */
interface TriggerStart {
  timer: TimerRow;
  input: StartSessionInput;
}

/**
 * Checks a fired trigger against the world as it is now. Returns what to start, or null when the
 * trigger was dealt with here instead (deleted: flow gone or not live, appointment canceled,
 * conditions false; moved: flow paused, appointment moved later).
 */
async function prepareTrigger(ctx: EngineContext, timer: TimerRow, rows: ClaimedRows | null): Promise<TriggerStart | null> {
  const db = ctx.store.db;
  const now = ctx.clock.now();
  const flow = rows ? rows.flows.get(timer.flow_id) : await getFlowById(db, timer.flow_id);
  if (!flow || flow.status === 'archived' || flow.status === 'draft') {
    await ctx.writer.settleTimer(timer, 'delete');
    return null;
  }
  if (flow.status === 'paused') {
    await ctx.writer.settleTimer(timer, { dueAt: timer.scheduled_at, held: true });
    return null;
  }
  const appointment = !timer.appointment_id ? undefined : rows ? rows.appointments.get(timer.appointment_id) : await getAppointmentById(plainWork(db), timer.appointment_id);
  if (!appointment) {
    await ctx.writer.settleTimer(timer, 'delete');
    return null;
  }
  const { compiled } = await ctx.flows.get(db, flow.id, flow.version);
  const trigger = compiled.trigger;
  const timed = triggerKindOf(trigger).timers;
  if (!timed) {
    // The flow no longer starts at a time (edited since the timer was written).
    await ctx.writer.settleTimer(timer, 'delete');
    return null;
  }
  const workspace = rows?.workspaces.get(flow.workspace_id) ?? (await getWorkspace(db, flow.workspace_id));
  const contact = !appointment.contact_id ? undefined : rows ? rows.contacts.get(appointment.contact_id) : await getContactById(plainWork(db), appointment.contact_id);
  const context = () => ({ ...buildTemplateContext({ workspace, contact, appointment }), flow: { id: flow.id, name: flow.name, version: flow.version } });
  const fired = timed.fire(trigger, { subject: appointment, zone: appointmentZone({ appointment, contact, workspace }), context }, now);
  if (fired.type === 'not_yet') {
    // The appointment moved later between writing this timer and now.
    await ctx.writer.settleTimer(timer, { dueAt: fired.dueAt });
    ctx.wake(fired.dueAt);
    return null;
  }
  if (fired.type === 'skip') {
    await ctx.writer.settleTimer(timer, 'delete');
    return null;
  }
  return {
    timer,
    input: { workspace, flow, version: flow.version, compiled, contact, appointment, event: undefined, gate: timed.gate(trigger), now },
  };
}

/**
 * Checks the re-entry policy for fired triggers (one read for all of them, then the sessions this
 * worker has started and not yet written: the session writer's `admit`) and returns, per trigger,
 * the session to run, or null. A trigger whose session the policy forbids, or whose flow has no
 * steps, has its timer deleted here.
 *
 * Nothing is written for the sessions that will run: each is written with its first commit, with
 * its first step's result, its trigger's timer deleted in the same transaction (session-writer/).
 * Until then the trigger's lease is the record that the session is under way: a worker that dies
 * leaves the timer to fire again when the lease expires, and the session it starts then has the
 * same id (`derivedId`), so a step it repeats sends with the same idempotency key.
 */
async function launch(ctx: EngineContext, starts: readonly TriggerStart[]): Promise<Array<StartedSession | null>> {
  const db = ctx.store.db;
  const runnable: Array<{ check: ReentryCheck; started: StartedSession; i: number }> = [];
  for (const [i, { timer, input }] of starts.entries()) {
    if (input.compiled.first === null) continue;
    const { key, error } = await sessionKeyOf(input);
    if (error) {
      await recordKeyFailure(db, input, error, timer.scheduled_at);
      continue;
    }
    const check = { flowId: input.flow.id, policy: input.compiled.reentry, key, contactId: input.contact?.id ?? null };
    const { session, log } = buildSessionStart(input, key, derivedId('ss', timer.scheduled_at, `${timer.id}\0${timer.scheduled_at}\0${timer.created_at}`));
    runnable.push({ check, started: { row: session, log, trigger: { id: timer.id, owner: timer.lease_owner ?? '' } }, i });
  }
  const admitted = await ctx.writer.admit(
    runnable.map((r) => r.started),
    runnable.map((r) => r.check),
  );
  const launches: Array<StartedSession | null> = starts.map(() => null);
  for (const [j, { started, i }] of runnable.entries()) if (admitted[j]) launches[i] = started;
  // The rest start nothing: their timers go, if this claim still holds them.
  await ctx.writer.dropTimers(starts.filter((_, i) => launches[i] === null).map(({ timer }) => timer));
  return launches;
}

/** Runs a session a trigger just started, from its first step, under the trigger's lease. */
async function runLaunched(ctx: EngineContext, { timer, input }: TriggerStart, started: StartedSession | null): Promise<void> {
  if (!started) return;
  ctx.metrics.sessionsStarted.inc();
  ctx.activity.sessionStarted(started.row, timer.scheduled_at, ctx.clock.now());
  // Lateness of the steps run now counts from when the trigger was due (the timer's scheduled_at).
  const { flow, compiled, workspace, contact } = input;
  await new SessionRunner(ctx, { timer, session: started.row, flow, compiled, workspace, contact, start: started }).run();
}

async function runTriggerTimer(ctx: EngineContext, timer: TimerRow, rows: ClaimedRows | null): Promise<void> {
  const start = await prepareTrigger(ctx, timer, rows);
  if (!start) return;
  const [started] = await launch(ctx, [start]);
  await runLaunched(ctx, start, started ?? null);
}

/** One claimed timer's run, to be started by the scheduler: all at once, or one after another (`drain`). */
export type ClaimedRun = () => Promise<void>;

/**
 * Prepares a claimed batch; returns one run per timer, settled when that timer's run is over.
 * With the batch's rows read (`readClaimedRows`), the triggers that fire are checked together at
 * once (`launch`: one re-entry read for all of them, nothing written) and each session then runs
 * on its own, written with its first commit. If the shared check fails, each trigger is checked
 * alone, so one bad row costs the others nothing. Everything else runs one timer at a time, as
 * `runTimer`.
 */
export function runClaimed(ctx: EngineContext, timers: readonly TimerRow[], rows: ClaimedRows | null): ClaimedRun[] {
  const together = rows ? timers.filter((t) => t.kind === 'trigger' && t.claims <= MAX_CLAIMS) : [];
  if (together.length < 2) return timers.map((t) => () => runTimer(ctx, t, rows));
  for (const t of together) ctx.metrics.timerLateness.observe(Math.max(0, ctx.clock.now() - t.scheduled_at) / 1000);
  const prepared = Promise.all(together.map((t) => prepareTrigger(ctx, t, rows).catch((error: unknown) => ({ error }))));
  const launched = prepared.then(async (list) => {
    const starts = list.filter((p): p is TriggerStart => p !== null && !('error' in p));
    const byTimer = new Map<string, Promise<StartedSession | null>>();
    if (starts.length > 0) {
      try {
        const launches = await launch(ctx, starts);
        starts.forEach((s, i) => byTimer.set(s.timer.id, Promise.resolve(launches[i] ?? null)));
      } catch (error) {
        ctx.logger.warn({ err: error, triggers: starts.length }, 'starting fired triggers together failed; starting each alone');
        for (const s of starts) byTimer.set(s.timer.id, launch(ctx, [s]).then((l) => l[0] ?? null));
      }
    }
    return { list, byTimer };
  });
  return timers.map((t) => {
    const i = together.indexOf(t);
    if (i < 0) return () => runTimer(ctx, t, rows);
    return async () => {
      const { list, byTimer } = await launched;
      const p = list[i]!;
      if (p === null) return;
      if ('error' in p) throw p.error;
      await runLaunched(ctx, p, await byTimer.get(t.id)!);
    };
  });
}
