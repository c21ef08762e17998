/**
 * Runs a session from the step its timer points at until it waits, retries or ends. What each
 * step does is decided in core (core/step-decision.ts, from facts read through session-world.ts);
 * this file makes the sends and renders the decision asks for, and commits the outcome.
 *
 * Each step's result commits in one transaction with the session's new position and its next
 * timer. Every commit is guarded by the session's `seq`: if the session was stopped, canceled
 * or advanced by someone else meanwhile, the commit does nothing and this run ends. While a
 * run goes straight on to the next step it keeps the timer leased, pointing at that step, so
 * a worker that dies mid-run is replaced at the right step once the lease expires.
 *
 * Every write goes through the session writer (session-writer/). A session a trigger just
 * started is not written before its first step runs: its first commit writes it, and until then
 * the trigger's own lease stands for it.
 */
import type { CompiledFlow, CompiledStep, CompiledStepOf } from '../core/flow-compiler.js';
import { isSendStep } from '../core/flow-compiler.js';
import { planCommit, type NextTimer, type SessionUpdate } from '../core/step-commit.js';
import {
  contactUpdated,
  decideStep,
  isLate,
  needsZone,
  type DeliveryRecord,
  type StepFacts,
  type StepOutcome,
  type TimeGate,
} from '../core/step-decision.js';
import type { ContactRow, DeliveryRow, FlowRow, SessionRow, TimerRow, Workspace } from '../store/schema.js';
import { newId } from '../store/repositories/ids.js';
import { decodeJson, encodeJson } from '../store/repositories/json.js';
import type { EngineContext } from './engine-context.js';
import type { StartedSession, TimerAfter } from './session-writer/session-writer.js';
import { performSend } from './send-steps.js';
import { SessionWorld } from './session-world.js';
import { SecretRedactor } from './template-secrets.js';
import { renderString, renderValue, TemplateError } from './templates.js';

/** Guards against a bug looping forever; no valid flow has this many steps in a row. */
const MAX_STEPS_PER_RUN = 500;

export interface SessionRunArgs {
  timer: TimerRow;
  session: SessionRow;
  flow: FlowRow;
  compiled: CompiledFlow;
  workspace: Workspace;
  /** The contact, when the caller has just read it (a trigger that fired); else read on first use. */
  contact?: ContactRow | undefined;
  /**
   * Set for a session a fired trigger just started (`session` is then its row): nothing is written
   * yet; its first commit, whatever the first step's outcome, writes it (session-writer/).
   */
  start?: StartedSession;
}

export class SessionRunner {
  private session: SessionRow;
  private readonly owner: string;
  private readonly world: SessionWorld;
  private start: StartedSession | null;

  constructor(
    private readonly ctx: EngineContext,
    private readonly args: SessionRunArgs,
  ) {
    this.session = { ...args.session };
    this.owner = args.timer.lease_owner ?? '';
    const of = { workspace: args.workspace, flow: args.flow, usesSecrets: args.compiled.usesSecrets, session: () => this.session };
    this.world = new SessionWorld(ctx, of, 'contact' in args ? { value: args.contact } : undefined);
    this.start = args.start ?? null;
  }

  async run(): Promise<void> {
    try {
      await this.runSteps();
    } finally {
      // Never written (the run failed before its first commit): the trigger fires again when its lease expires.
      if (this.start) this.ctx.writer.release(this.start);
    }
  }

  private async runSteps(): Promise<void> {
    // Steps run straight on from this timer were all due when it was: lateness counts from here.
    const dueRef = this.args.timer.scheduled_at;
    for (let i = 0; i < MAX_STEPS_PER_RUN; i++) {
      const stepId = this.session.step_id;
      const step = stepId === null ? undefined : this.args.compiled.steps[stepId];
      const now = this.ctx.clock.now();
      const outcome: StepOutcome = step
        ? await this.execute(step, now, dueRef)
        : { type: 'end', status: 'failed', reason: `step ${stepId} not found in version ${this.session.flow_version}`, logs: [] };
      const delivery = outcome.delivery ? this.delivery(this.session, outcome.delivery) : undefined;
      this.ctx.activity.stepRan(this.session, { type: outcome.type, delivery, ...(outcome.type === 'wait' ? { dueAt: outcome.dueAt } : {}) }, dueRef, now);
      const goOn = await this.apply(outcome, delivery, now);
      if (!goOn) return;
    }
    await this.apply({ type: 'end', status: 'failed', reason: `more than ${MAX_STEPS_PER_RUN} steps in one run`, logs: [] }, undefined, this.ctx.clock.now());
  }

  /** Decides the step (core/step-decision.ts) and does what the decision asks first: send, render. */
  private async execute(step: CompiledStep, now: number, dueRef: number): Promise<StepOutcome> {
    const facts = await this.facts(step, now, dueRef);
    const decision = decideStep(step, facts, now);
    if (decision.type === 'send') return this.send(step, facts);
    if (decision.type === 'update_contact') return this.updateContact(step as CompiledStepOf<'update_contact'>, decision.contactId);
    return decision;
  }

  /** What deciding `step` reads, read as lazily as the decision allows. */
  private async facts(step: CompiledStep, now: number, dueRef: number): Promise<StepFacts> {
    const s = this.session;
    const gate = decodeJson<TimeGate | null>(s.gate_json, null);
    // A send re-reads the appointment just before sending: a cancel or reschedule that raced this run wins.
    const fresh = isSendStep(step) && !isLate(step, dueRef, now);
    const appointment = step.kind === 'wait' || fresh ? await this.world.appointment(fresh) : undefined;
    const facts: StepFacts = {
      session: s,
      gate,
      appointment,
      zone: '',
      dueRef,
      retry: { baseMs: this.ctx.config.retry.baseMs, maxMs: this.ctx.config.retry.maxMs, random: this.ctx.random },
    };
    if (needsZone(step, facts, now)) facts.zone = await this.world.zone();
    if (step.kind === 'branch') facts.context = await this.world.context();
    return facts;
  }

  // ---- steps -------------------------------------------------------------------------------

  private async updateContact(step: CompiledStepOf<'update_contact'>, contactId: string): Promise<StepOutcome> {
    const context = await this.world.context();
    const { attributes, ...fields } = step.updateContact;
    const rendered: Record<string, unknown> = {};
    try {
      for (const [k, v] of Object.entries(fields)) {
        if (typeof v === 'string') rendered[k] = await renderString(v, context, 'text', `${step.path}.update_contact.${k}`);
      }
      if (attributes) rendered.attributes = await renderValue(attributes, context, `${step.path}.update_contact.attributes`);
    } catch (error) {
      // A template that fails (over a render limit, a bad filter) fails the same way every time.
      if (!(error instanceof TemplateError)) throw error;
      return { type: 'end', status: 'failed', reason: `update_contact ${step.id} failed: ${error.message} (permanent error)`, logs: [] };
    }
    return contactUpdated(step, contactId, rendered);
  }

  /** Makes the send the decision asked for, then decides again with the channel's answer. */
  private async send(step: CompiledStep, facts: StepFacts): Promise<StepOutcome> {
    const context = await this.world.context();
    // Known before sending, so what the channel writes (an outbox message) can point at its delivery.
    this.nextDeliveryId = newId('dl');
    const channelContext = {
      idempotencyKey: sessionIdempotencyKey(this.session.id, step.id),
      workspaceId: this.session.workspace_id,
      sessionId: this.session.id,
      deliveryId: this.nextDeliveryId,
    };
    const answer = await performSend(this.ctx, step, this.args.workspace, context, channelContext, new SecretRedactor(this.world.secrets ?? {}));
    // Delays count from the answer, not from the step's start: a slow answer must not eat into a
    // Retry-After or the backoff's floor.
    const outcome = decideStep(step, { ...facts, answer }, this.ctx.clock.now());
    if (outcome.type === 'send' || outcome.type === 'update_contact') throw new Error(`step ${step.id}: a decision after sending asked for ${outcome.type}`);
    const status = outcome.delivery?.status;
    if (status !== undefined && status !== 'skipped') this.ctx.metrics.deliveries.inc({ channel: outcome.delivery!.channel, status });
    return outcome;
  }

  // ---- committing ----------------------------------------------------------------------------

  /** Commits an outcome through the session writer; returns true when the run should go straight on to the next step. */
  private async apply(outcome: StepOutcome, delivery: DeliveryRow | undefined, now: number): Promise<boolean> {
    const s = this.session;
    const plan = planCommit(outcome, s, now);
    const patch = sessionRowPatch(plan.update);
    const next: SessionRow = { ...s, ...patch };
    const effect = outcome.type === 'move' ? outcome.effect : undefined;
    const logs = plan.logs.map((l) => ({ ...l, workspace_id: s.workspace_id, session_id: s.id, at: now }));
    const start = this.start ?? undefined;
    this.start = null;
    const { applied, held } = await this.ctx.writer.commit({ session: s, patch, timer: this.timerAfter(next, plan.timer, now), delivery, logs, effect, now, start });
    if (effect?.type === 'update_contact') this.world.forgetContact(); // later steps see the update
    if (!applied) {
      const what = start ? 'trigger changed while its session ran' : 'session changed while running';
      this.ctx.logger.info({ session: s.id, step: s.step_id }, `${what}; dropping this run`);
      return false;
    }
    this.session = next;
    if (plan.end) this.ctx.activity.sessionEnded(next);
    if (held) return false;
    if (plan.timer !== 'lease' && plan.timer !== 'delete') this.ctx.wake(plan.timer.dueAt);
    return plan.timer === 'lease';
  }

  /**
   * The session's timer after the commit (`next`: the session as it will be): due now and leased
   * to this run when it goes straight on, else at the wait's end.
   */
  private timerAfter(next: SessionRow, timer: NextTimer, now: number): TimerAfter {
    if (timer === 'delete') return 'delete';
    if (timer === 'lease') return { dueAt: now, anchor: null, lease: { owner: this.owner, until: now + this.ctx.config.worker.leaseMs } };
    return { dueAt: timer.dueAt, anchor: timer.gate && this.isAppointmentWait(next.step_id) ? timer.gate : null, lease: null };
  }

  /** Timers of appointment-relative waits and of gated sends move with the appointment. */
  private isAppointmentWait(stepId: string | null): boolean {
    const step = stepId ? this.args.compiled.steps[stepId] : undefined;
    if (!step) return false;
    return step.wait?.type === 'appointment' || step.kind === 'webhook' || step.kind === 'email' || step.kind === 'send';
  }

  // ---- helpers -------------------------------------------------------------------------------

  private nextDeliveryId: string | null = null;

  /** The delivery row of a step's attempt (`record`), its texts redacted. */
  private delivery(s: SessionRow, record: DeliveryRecord): DeliveryRow {
    const id = this.nextDeliveryId ?? newId('dl');
    this.nextDeliveryId = null;
    const stepId = s.step_id!;
    return {
      id,
      workspace_id: s.workspace_id,
      session_id: s.id,
      flow_id: s.flow_id,
      step_id: stepId,
      channel: record.channel,
      attempt: s.attempt,
      idempotency_key: sessionIdempotencyKey(s.id, stepId),
      status: record.status,
      request_json: this.world.redact(encodeJson(record.request)),
      response_json: record.response === null ? null : this.world.redact(encodeJson(record.response)),
      error: record.error === null ? null : this.world.redact(record.error),
      duration_ms: record.durationMs,
      created_at: this.ctx.clock.now(),
    };
  }

}

/** A send's idempotency key. Iteration is 1: the step graph has no loops, so a session enters a step at most once. */
function sessionIdempotencyKey(sessionId: string, stepId: string): string {
  return `${sessionId}.${stepId}.1`;
}

/** The session row's columns for a planned update (the gate is stored as JSON). */
function sessionRowPatch(update: SessionUpdate): Partial<SessionRow> {
  const { gate, ...rest } = update;
  return gate === undefined ? rest : { ...rest, gate_json: encodeJson(gate) };
}
