/**
 * Runs a session from the step its timer points at until it waits, retries or ends.
 *
 * Each step's result commits in one transaction with the session's new position and its next
 * timer. Every commit is guarded by the session's `seq`: if the session was stopped, canceled
 * or advanced by someone else meanwhile, the commit does nothing and this run ends. While a
 * run goes straight on to the next step it keeps the timer leased, pointing at that step, so
 * a worker that dies mid-run is replaced at the right step once the lease expires.
 *
 * A session a trigger just started is not written before its first step runs: its first commit
 * inserts it (`writeStarted`), and until then the trigger's own lease stands for it.
 */
import { anchorTime } from '../core/appointment-timing.js';
import { waitTarget } from '../core/wait-target.js';
import { evaluateConditions } from '../core/conditions.js';
import type { CompiledFlow, CompiledStep } from '../core/flow-compiler.js';
import { nextRetryDelay } from '../core/retry-policy.js';
import { assertTransition, type SessionState } from '../core/session-state.js';
import type { Kysely } from 'kysely';
import type { AppointmentRow, ContactRow, Database, DeliveryRow, EventRow, FlowRow, SessionRow, TimerRow, Workspace } from '../store/schema.js';
import { applyContactFields, getContactById } from '../store/repositories/contacts.js';
import { insertDelivery } from '../store/repositories/deliveries.js';
import { newId } from '../store/repositories/ids.js';
import { decodeJson, encodeJson } from '../store/repositories/json.js';
import { appendSessionLogs, insertSessionsUnlessPresent, updateSessionIfAt, type LogEntry } from '../store/repositories/sessions.js';
import { recordSkip } from '../store/repositories/skips.js';
import { deleteClaimedTimer, deleteSessionTimer, putSessionTimer } from '../store/repositories/timers.js';
import type { InFlightStart } from './starts-in-flight.js';
import type { EngineContext } from './engine-context.js';
import { readSecrets, redactSecrets } from './secrets.js';
import { performSend } from './send-steps.js';
import type { TimeGate } from './session-start.js';
import { appointmentZone, buildTemplateContext } from './template-context.js';
import { SecretRedactor } from './template-secrets.js';
import { renderString, renderValue, TemplateError, type TemplateContext } from './templates.js';

/** A timer may fire this early (clock skew between processes) and still count as due. */
const DUE_TOLERANCE_MS = 5;
/** Guards against a bug looping forever; no valid flow has this many steps in a row. */
const MAX_STEPS_PER_RUN = 500;

type Outcome =
  | { type: 'next'; target?: string | null; logs: Log[]; delivery?: DeliveryRow; patch?: Partial<SessionRow>; effect?: (trx: Kysely<Database>) => Promise<void> }
  | { type: 'wait'; dueAt: number; gate?: TimeGate | null; logs: Log[]; delivery?: DeliveryRow; patch?: Partial<SessionRow> }
  | { type: 'end'; status: 'completed' | 'failed' | 'canceled'; reason: string; logs: Log[]; delivery?: DeliveryRow };

type Log = Omit<LogEntry, 'workspace_id' | 'session_id' | 'at'>;

export interface SessionRunArgs {
  timer: TimerRow;
  session: SessionRow;
  flow: FlowRow;
  compiled: CompiledFlow;
  workspace: Workspace;
  /** The contact, when the caller has just read it (a trigger that fired); else read on first use. */
  contact?: ContactRow | undefined;
  /** Set for a session a fired trigger just started: nothing is written yet; its first commit writes it. */
  start?: PendingStart;
}

/**
 * A session not yet written (executor.ts `launch`). Its first commit, whatever the first step's
 * outcome, inserts it in its new state with its `started` entry, and deletes its trigger's timer
 * if this claim still holds it.
 */
export interface PendingStart {
  trigger: { id: string; owner: string };
  log: LogEntry;
  inFlight: InFlightStart;
}

export class SessionRunner {
  private session: SessionRow;
  private readonly owner: string;
  private contact: ContactRow | undefined | null = null;
  private secrets: Record<string, string> | null = null;
  private event: EventRow | undefined | null = null;
  private start: PendingStart | null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly args: SessionRunArgs,
  ) {
    this.session = { ...args.session };
    this.owner = args.timer.lease_owner ?? '';
    if ('contact' in args) this.contact = args.contact;
    this.start = args.start ?? null;
  }

  async run(): Promise<void> {
    try {
      await this.runSteps();
    } finally {
      // Never written (the run failed before its first commit): the trigger fires again when its lease expires.
      this.start?.inFlight.settle(null);
    }
  }

  private async runSteps(): Promise<void> {
    // Steps run straight on from this timer were all due when it was: lateness counts from here.
    const dueRef = this.args.timer.scheduled_at;
    for (let i = 0; i < MAX_STEPS_PER_RUN; i++) {
      const stepId = this.session.step_id;
      const step = stepId === null ? undefined : this.args.compiled.steps[stepId];
      const now = this.ctx.clock.now();
      const outcome: Outcome = step
        ? await this.execute(step, now, dueRef)
        : { type: 'end', status: 'failed', reason: `step ${stepId} not found in version ${this.session.flow_version}`, logs: [] };
      this.ctx.activity.stepRan(this.session, outcome, dueRef, now);
      const goOn = await this.apply(step, outcome, now);
      if (!goOn) return;
    }
    await this.apply(undefined, { type: 'end', status: 'failed', reason: `more than ${MAX_STEPS_PER_RUN} steps in one run`, logs: [] }, this.ctx.clock.now());
  }

  private async execute(step: CompiledStep, now: number, dueRef: number): Promise<Outcome> {
    switch (step.kind) {
      case 'wait':
        return this.wait(step, now);
      case 'branch':
        return this.branch(step, now);
      case 'webhook':
      case 'email':
      case 'send':
        return this.send(step, now, dueRef);
      case 'update_contact':
        return this.updateContact(step);
      case 'exit':
        return { type: 'end', status: 'completed', reason: step.exit?.reason ? `exit: ${step.exit.reason}` : 'exit step', logs: [] };
    }
  }

  // ---- steps -------------------------------------------------------------------------------

  private async wait(step: CompiledStep, now: number): Promise<Outcome> {
    const wait = step.wait!;
    const waiting = this.session.status === 'waiting';
    const gate: TimeGate | null = wait.type === 'appointment' ? { anchor: wait.anchor, offset: wait.offset } : null;
    // A running duration wait keeps the end it was given; appointment waits follow the appointment.
    const target =
      waiting && wait.type === 'duration' && this.session.wake_at !== null
        ? this.session.wake_at
        : waitTarget(wait, now, await this.appointment(), await this.zone());
    if (target === null) return { type: 'next', logs: [{ type: 'wait_over', step_id: step.id, message: 'no appointment to wait for' }] };
    if (target > now + DUE_TOLERANCE_MS) {
      const logs: Log[] = waiting ? [] : [{ type: 'waiting', step_id: step.id, message: `waiting until ${new Date(target).toISOString()}` }];
      return { type: 'wait', dueAt: target, gate, logs };
    }
    const appointment = this.session.appointment_id ? await this.appointment() : undefined;
    return {
      type: 'next',
      logs: [{ type: 'wait_over', step_id: step.id, message: waiting ? 'wait over' : 'time already passed, not waiting' }],
      patch: gate ? { gate_json: encodeJson(gate), appointment_revision: appointment?.revision ?? null } : {},
    };
  }

  private async branch(step: CompiledStep, now: number): Promise<Outcome> {
    const context = await this.context();
    const branches = step.branches ?? [];
    for (const [i, b] of branches.entries()) {
      if (evaluateConditions(b.when, context, now)) {
        return { type: 'next', target: b.first ?? step.next, logs: [{ type: 'branch', step_id: step.id, message: `took ${b.name ?? `branch ${i + 1}`}` }] };
      }
    }
    return { type: 'next', target: step.otherwise ?? step.next, logs: [{ type: 'branch', step_id: step.id, message: 'took otherwise' }] };
  }

  private async updateContact(step: CompiledStep): Promise<Outcome> {
    const contactId = this.session.contact_id;
    if (!contactId) return { type: 'next', logs: [{ type: 'skipped', step_id: step.id, message: 'session has no contact' }] };
    const context = await this.context();
    const { attributes, ...fields } = step.updateContact ?? {};
    const rendered: Record<string, string> = {};
    let attrs: Record<string, unknown> | undefined;
    try {
      for (const [k, v] of Object.entries(fields)) {
        if (typeof v === 'string') rendered[k] = await renderString(v, context, 'text', `${step.path}.update_contact.${k}`);
      }
      attrs = attributes ? ((await renderValue(attributes, context, `${step.path}.update_contact.attributes`)) as Record<string, unknown>) : undefined;
    } catch (error) {
      // A template that fails (over a render limit, a bad filter) fails the same way every time.
      if (!(error instanceof TemplateError)) throw error;
      return { type: 'end', status: 'failed', reason: `update_contact ${step.id} failed: ${error.message} (permanent error)`, logs: [] };
    }
    const now = this.ctx.clock.now();
    return {
      type: 'next',
      logs: [{ type: 'contact_updated', step_id: step.id, message: 'contact updated', data: { ...rendered, attributes: attrs } }],
      effect: async (trx) => {
        const current = await getContactById(trx, contactId);
        if (current) await applyContactFields(trx, current, { ...rendered, ...(attrs ? { attributes: attrs } : {}) }, now);
        this.contact = null; // later steps see the update
      },
    };
  }

  private async send(step: CompiledStep, now: number, dueRef: number): Promise<Outcome> {
    const lateness = now - dueRef;
    if (step.maxLatenessMs !== null && lateness > step.maxLatenessMs) {
      const message = `skipped: ${Math.round(lateness / 1000)} s late, more than max_lateness`;
      const s = this.session;
      return {
        type: 'next',
        logs: [{ type: 'skipped', step_id: step.id, message }],
        delivery: this.delivery(step, step.kind, 'skipped', { request: null, response: null, error: 'late', durationMs: 0 }),
        // Also on the schedules of the appointment, contact and flow (a late send is rare: one row more).
        effect: (trx) =>
          recordSkip(
            trx,
            { workspaceId: s.workspace_id, flowId: s.flow_id, appointmentId: s.appointment_id, contactId: s.contact_id, sessionId: s.id, stepId: step.id, dueAt: dueRef, reason: 'too_late', message },
            now,
          ),
      };
    }
    // Re-read the appointment just before sending: a cancel or reschedule that raced this run wins.
    const patch: Partial<SessionRow> = {};
    if (this.session.appointment_id) {
      const appointment = await this.appointment(true);
      if (appointment && appointment.revision !== this.session.appointment_revision) {
        if (appointment.status === 'canceled') {
          return { type: 'end', status: 'canceled', reason: 'appointment canceled before send', logs: [] };
        }
        const gate = decodeJson<TimeGate | null>(this.session.gate_json, null);
        if (gate) {
          const due = anchorTime(appointment, gate.anchor, gate.offset, await this.zone());
          if (due > now + DUE_TOLERANCE_MS) {
            return {
              type: 'wait',
              dueAt: due,
              gate,
              logs: [{ type: 'rescheduled', step_id: step.id, message: `appointment moved: sending at ${new Date(due).toISOString()}` }],
            };
          }
        }
        patch.appointment_revision = appointment.revision;
      }
    }
    const context = await this.context();
    const attempt = this.session.attempt;
    // Known before sending, so what the channel writes (an outbox message) can point at its delivery.
    this.nextDeliveryId = newId('dl');
    const channelContext = {
      idempotencyKey: this.idempotencyKey(step),
      workspaceId: this.session.workspace_id,
      sessionId: this.session.id,
      deliveryId: this.nextDeliveryId,
    };
    const result = await performSend(this.ctx, step, this.args.workspace, context, channelContext, new SecretRedactor(this.secrets ?? {}));
    // Delays count from the answer, not from the step's start: a slow answer must not eat into a
    // Retry-After or the backoff's floor.
    const answeredAt = this.ctx.clock.now();
    if (result.type === 'rate_limited') {
      const dueAt = answeredAt + result.delayMs;
      return {
        type: 'wait',
        dueAt,
        gate: decodeJson<TimeGate | null>(this.session.gate_json, null),
        patch,
        logs: [{ type: 'rate_limited', step_id: step.id, message: `${result.channel} rate limit: sending at ${new Date(dueAt).toISOString()}` }],
      };
    }
    if (result.type === 'no_recipient') {
      return {
        type: 'next',
        patch,
        logs: [{ type: 'skipped', step_id: step.id, message: 'skipped: no recipient' }],
        delivery: this.delivery(step, result.channel, 'skipped', { request: result.request, response: null, error: 'no recipient', durationMs: 0 }),
      };
    }
    if (result.type === 'sent') {
      this.ctx.metrics.deliveries.inc({ channel: result.channel, status: 'succeeded' });
      return {
        type: 'next',
        patch,
        logs: [{ type: 'sent', step_id: step.id, message: `${result.channel} sent (attempt ${attempt})` }],
        delivery: this.delivery(step, result.channel, 'succeeded', { ...result.result, error: null, durationMs: result.durationMs }),
      };
    }
    const record = { request: result.request, response: result.response, error: result.error.message, durationMs: result.durationMs };
    if (result.retryable && attempt < step.maxAttempts) {
      const delay = nextRetryDelay(
        attempt,
        { maxAttempts: step.maxAttempts, baseMs: this.ctx.config.retry.baseMs, maxMs: this.ctx.config.retry.maxMs },
        result.retryAfterMs,
        this.ctx.random,
      );
      this.ctx.metrics.deliveries.inc({ channel: result.channel, status: 'retrying' });
      const dueAt = answeredAt + delay;
      return {
        type: 'wait',
        dueAt,
        gate: decodeJson<TimeGate | null>(this.session.gate_json, null),
        patch: { ...patch, attempt: attempt + 1 },
        logs: [{ type: 'retrying', step_id: step.id, message: `${result.error.message}; attempt ${attempt + 1} at ${new Date(dueAt).toISOString()}` }],
        delivery: this.delivery(step, result.channel, 'retrying', record),
      };
    }
    this.ctx.metrics.deliveries.inc({ channel: result.channel, status: 'failed' });
    const why = result.retryable ? `gave up after ${attempt} attempts` : 'permanent error';
    return {
      type: 'end',
      status: 'failed',
      reason: `${step.kind} ${step.id} failed: ${result.error.message} (${why})`,
      logs: [],
      delivery: this.delivery(step, result.channel, 'failed', record),
    };
  }

  // ---- committing ----------------------------------------------------------------------------

  /** Commits an outcome; returns true when the run should go straight on to the next step. */
  private async apply(step: CompiledStep | undefined, outcome: Outcome, now: number): Promise<boolean> {
    const s = this.session;
    const seq = s.seq + 1;
    let patch: Partial<SessionRow>;
    let timer: 'delete' | 'lease' | { dueAt: number; gate: TimeGate | null };
    const logs: Log[] = [...outcome.logs];
    let end: { status: string; reason: string } | null = null;

    if (outcome.type === 'next') {
      const target = outcome.target === undefined ? (step?.next ?? null) : outcome.target;
      if (target === null) {
        end = { status: 'completed', reason: 'reached the end' };
      } else {
        patch = { ...outcome.patch, step_id: target, status: 'active', attempt: 1, wake_at: null };
      }
    } else if (outcome.type === 'wait') {
      patch = { ...outcome.patch, status: 'waiting', wake_at: outcome.dueAt };
      if (outcome.gate) patch.gate_json = encodeJson(outcome.gate);
    } else {
      end = { status: outcome.status, reason: outcome.reason };
    }
    if (end) {
      patch = { status: end.status, ended_at: now, end_reason: end.reason, wake_at: null };
      if (outcome.type === 'next' && outcome.patch) patch = { ...outcome.patch, ...patch };
      logs.push({ type: end.status, step_id: s.step_id, message: end.reason });
      timer = 'delete';
    } else if (outcome.type === 'wait') {
      timer = { dueAt: outcome.dueAt, gate: outcome.gate ?? null };
    } else {
      timer = 'lease';
    }
    const finalPatch: Partial<SessionRow> = { ...patch!, seq, updated_at: now };
    assertTransition(s.status as SessionState, finalPatch.status as SessionState);
    const effect = outcome.type === 'next' ? outcome.effect : undefined;

    let held = false;
    const entries = logs.map((l) => ({ ...l, workspace_id: s.workspace_id, session_id: s.id, at: now }));
    let committed: boolean;
    if (this.start) {
      const start = this.start;
      const written = await this.writeStarted(start, { ...s, ...finalPatch }, timer, outcome.delivery, entries, effect, now);
      this.start = null;
      start.inFlight.settle(written.row);
      committed = written.goOn;
      held = written.held;
    } else {
      committed =
        timer === 'delete' && !effect
          ? await this.ctx.sessionEnds.end({ sessionId: s.id, expectSeq: s.seq, patch: finalPatch, now, delivery: outcome.delivery, logs: entries })
          : await this.ctx.commits.run(async (trx) => {
              held = false;
              if (outcome.delivery) await insertDelivery(trx, outcome.delivery);
              if (!(await updateSessionIfAt(trx, s.id, s.seq, finalPatch))) return false;
              if (timer !== 'delete') held = await this.pausedMeanwhile(trx);
              if (effect) await effect(trx);
              await appendSessionLogs(trx, entries);
              if (timer === 'delete') {
                await deleteSessionTimer(trx, s.id);
              } else {
                await this.putNextTimer(trx, { ...s, ...finalPatch }, timer, held, now);
              }
              return true;
            });
      if (!committed) this.ctx.logger.info({ session: s.id, step: s.step_id }, 'session changed while running; dropping this run');
    }
    if (!committed) return false;
    this.session = { ...s, ...finalPatch };
    if (end) this.ctx.activity.sessionEnded(this.session);
    if (held) return false;
    if (timer !== 'lease' && timer !== 'delete') this.ctx.wake(timer.dueAt);
    return timer === 'lease';
  }

  /** Whether the flow was paused while this run was under way: the next timer is then written held, and the run stops. */
  private async pausedMeanwhile(trx: Kysely<Database>): Promise<boolean> {
    const flow = await trx.selectFrom('flows').select('status').where('id', '=', this.session.flow_id).executeTakeFirst();
    return flow?.status === 'paused';
  }

  /**
   * The first commit of a session a trigger started: inserts it as `row` (its state after the
   * first step) with its `started` entry, and deletes the trigger's timer if this claim still holds
   * it. A session that ends here goes with the batch of ends (session-ends.ts).
   *
   * If the claim no longer holds the trigger (the appointment moved or was canceled since the
   * claim, or the lease expired and another worker took it), a session that ends here is still
   * written as it ended: what it did, it did. One that would go on is written canceled instead:
   * the moved trigger fires again at its new time. The same session written by another worker
   * first (same id) is left as that worker wrote it, and this run stops.
   */
  private async writeStarted(
    start: PendingStart,
    row: SessionRow,
    timer: 'delete' | 'lease' | { dueAt: number; gate: TimeGate | null },
    delivery: DeliveryRow | undefined,
    entries: LogEntry[],
    effect: ((trx: Kysely<Database>) => Promise<void>) | undefined,
    now: number,
  ): Promise<{ goOn: boolean; held: boolean; row: SessionRow | null }> {
    if (timer === 'delete' && !effect) {
      const applied = await this.ctx.sessionEnds.end({
        sessionId: row.id,
        expectSeq: 0,
        patch: {},
        now,
        delivery,
        logs: entries,
        start: { row, trigger: start.trigger, log: start.log },
      });
      return { goOn: applied, held: false, row };
    }
    let held = false;
    let written: SessionRow | null = row;
    const goOn = await this.ctx.commits.run(async (trx) => {
      held = false;
      written = row;
      if (delivery) await insertDelivery(trx, delivery);
      if (!(await deleteClaimedTimer(trx, start.trigger.id, start.trigger.owner))) {
        const reason = 'its trigger was moved or canceled while it ran';
        written = { ...row, status: 'canceled', ended_at: now, end_reason: reason, wake_at: null };
        if ((await insertSessionsUnlessPresent(trx, [written])).size === 1) {
          await appendSessionLogs(trx, [start.log, ...entries, { workspace_id: row.workspace_id, session_id: row.id, at: now, type: 'canceled', step_id: row.step_id, message: reason }]);
        }
        return false;
      }
      if ((await insertSessionsUnlessPresent(trx, [row])).size === 0) return false;
      if (timer !== 'delete') held = await this.pausedMeanwhile(trx);
      if (effect) await effect(trx);
      await appendSessionLogs(trx, [start.log, ...entries]);
      if (timer !== 'delete') await this.putNextTimer(trx, row, timer, held, now);
      return true;
    });
    if (!goOn) this.ctx.logger.info({ session: row.id, step: row.step_id }, 'trigger changed while its session ran; dropping this run');
    return { goOn, held, row: written };
  }

  /**
   * Writes the session's timer for its next step (`next`: the session as just committed): due now
   * and leased to this run when it goes straight on, else at the wait's end; held if the flow was
   * paused meanwhile.
   */
  private async putNextTimer(
    trx: Kysely<Database>,
    next: SessionRow,
    timer: 'lease' | { dueAt: number; gate: TimeGate | null },
    held: boolean,
    now: number,
  ): Promise<void> {
    await putSessionTimer(
      trx,
      {
        sessionId: next.id,
        workspaceId: next.workspace_id,
        flowId: next.flow_id,
        appointmentId: next.appointment_id,
        stepId: next.step_id!,
        seq: next.seq,
        dueAt: timer === 'lease' ? now : timer.dueAt,
        anchor: timer !== 'lease' && timer.gate && this.isAppointmentWait(next.step_id) ? timer.gate : null,
        lease: timer === 'lease' && !held ? { owner: this.owner, until: now + this.ctx.config.worker.leaseMs } : null,
        held,
      },
      now,
    );
  }

  /** Timers of appointment-relative waits and of gated sends move with the appointment. */
  private isAppointmentWait(stepId: string | null): boolean {
    const step = stepId ? this.args.compiled.steps[stepId] : undefined;
    if (!step) return false;
    return step.wait?.type === 'appointment' || step.kind === 'webhook' || step.kind === 'email' || step.kind === 'send';
  }

  // ---- helpers -------------------------------------------------------------------------------

  private idempotencyKey(step: CompiledStep): string {
    // Iteration is 1: the step graph has no loops, so a session enters a step at most once.
    return `${this.session.id}.${step.id}.1`;
  }

  private nextDeliveryId: string | null = null;

  private delivery(
    step: CompiledStep,
    channel: string,
    status: string,
    r: { request: unknown; response: unknown; error: string | null; durationMs: number },
  ): DeliveryRow {
    const id = this.nextDeliveryId ?? newId('dl');
    this.nextDeliveryId = null;
    return {
      id,
      workspace_id: this.session.workspace_id,
      session_id: this.session.id,
      flow_id: this.session.flow_id,
      step_id: step.id,
      channel,
      attempt: this.session.attempt,
      idempotency_key: this.idempotencyKey(step),
      status,
      request_json: this.redact(encodeJson(r.request)),
      response_json: r.response === null ? null : this.redact(encodeJson(r.response)),
      error: r.error === null ? null : this.redact(r.error),
      duration_ms: r.durationMs,
      created_at: this.ctx.clock.now(),
    };
  }

  /** Secrets never reach the delivery log, whatever a template or a receiver echoed. */
  private redact(text: string): string {
    return this.secrets ? redactSecrets(text, this.secrets) : text;
  }

  private appointmentCache: AppointmentRow | undefined | null = null;

  private async appointment(fresh = false): Promise<AppointmentRow | undefined> {
    if (!this.session.appointment_id) return undefined;
    if (fresh || this.appointmentCache === null) {
      this.appointmentCache = await this.ctx.appointments.get(this.session.appointment_id);
    }
    return this.appointmentCache;
  }

  private async loadContact(): Promise<ContactRow | undefined> {
    if (this.contact === null) {
      this.contact = this.session.contact_id ? await this.ctx.contacts.get(this.session.contact_id) : undefined;
    }
    return this.contact;
  }

  private async zone(): Promise<string> {
    return appointmentZone({ appointment: await this.appointment(), contact: await this.loadContact(), workspace: this.args.workspace });
  }

  private async context(): Promise<TemplateContext> {
    if (this.event === null) {
      this.event = this.session.event_id ? await this.ctx.events.get(this.session.event_id) : undefined;
    }
    if (this.args.compiled.usesSecrets) this.secrets ??= await readSecrets(this.ctx.store.db, this.ctx.secretBox, this.session.workspace_id);
    return buildTemplateContext({
      workspace: this.args.workspace,
      flow: { id: this.args.flow.id, name: this.args.flow.name, version: this.session.flow_version },
      session: this.session,
      event: this.event,
      contact: await this.loadContact(),
      appointment: await this.appointment(),
    });
  }
}
