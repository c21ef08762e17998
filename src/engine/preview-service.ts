/**
 * Trying a flow before it goes live: render a step against a sample or a real past event
 * (preview), send one step for real to an address or URL of your choosing (test send), and
 * dry-run a whole flow for an appointment: the timeline of what would be sent when, sending nothing.
 */
import { NudgeError, ValidationError } from '../core/errors.js';
import { issueAt } from '../core/issue-codes.js';
import { applyAppointmentChange } from '../core/appointment-change.js';
import { isSendStep, type CompiledFlow, type CompiledStep } from '../core/flow-compiler.js';
import { decideStep } from '../core/step-decision.js';
import { decideFiredTrigger, matchEventTrigger, scheduleTrigger } from '../core/trigger-decision.js';
import { ChannelError, type ChannelModule } from '../channels/channel.js';
import type { AppointmentRow, ContactRow, EventRow, FlowRow, Workspace } from '../store/schema.js';
import { getAppointmentById } from '../store/repositories/appointments.js';
import { getContactById } from '../store/repositories/contacts.js';
import { getEvent } from '../store/repositories/events.js';
import { getFlow } from '../store/repositories/flows.js';
import { plainWork } from '../store/unit-of-work.js';
import { validateFlow } from '../core/flow-validation.js';
import { encodeJson } from '../store/repositories/json.js';
import { appointmentChangeOf, parseEventInput, type EventInput } from './event-input.js';
import type { EngineContext } from './engine-context.js';
import { readSecrets } from './secrets.js';
import { renderStepInput } from './send-steps.js';
import { appointmentZone, buildTemplateContext } from './template-context.js';
import { SecretRedactor } from './template-secrets.js';

/** Where a preview's data comes from: a stored event, an event given inline, or Sesami's sample booking. */
export interface PreviewSource {
  event_id?: string | undefined;
  event?: unknown;
  /**
   * An unsaved draft of the flow (the editor's): previewed and dry-run instead of the saved
   * version, after the same validation as a save (a 400 with the bad field's path otherwise).
   */
  definition?: unknown;
}

interface Rows {
  event: EventRow;
  contact: ContactRow;
  appointment: AppointmentRow | undefined;
}

/** Sesami's example booking (seeds/001), three days ahead. */
export function sampleEvent(now: number): EventInput {
  const start = new Date(Math.ceil((now + 3 * 86_400_000) / 3_600_000) * 3_600_000);
  return {
    name: 'appointment.created',
    contact: { external_id: 'sample-customer', email: 'customer@example.com', name: 'Ada Lovelace', first_name: 'Ada', last_name: 'Lovelace', language: 'en', phone: '+14155550123' },
    appointment: {
      id: '62e144124a6d0b9ed42ffb55',
      start_at: start.toISOString(),
      end_at: new Date(start.getTime() + 30 * 60_000).toISOString(),
      timezone: 'America/Los_Angeles',
      order_id: '4447608111157',
      quantity: 1,
      service_name: 'Tattoo Removal',
      service_description: 'Please arrive 15 minutes early',
      service_duration: 30,
      service_price: '149',
      service_location: '100 Beverly Hills, LA',
      team_member: 'David',
      team_member_description: 'David has ten years of experience',
      team_member_email: 'david@example.com',
      team_member_phone: '0000000000',
      variant_title: '30 minutes',
      customer_management_link: 'https://example.com/manage/1234',
    },
  };
}

/**
 * The step rendered for a preview, test send or dry-run. A channel refusing what a setting rendered
 * to (a Klaviyo `value` of "€49,90", a phone number that is none) is a fault of the flow or the
 * booking, not of the server: a 400 naming the setting, as the live send fails the step with it.
 */
async function renderForTrial(ctx: EngineContext, step: CompiledStep, workspace: Workspace, context: Record<string, unknown>, redactor: SecretRedactor) {
  try {
    return await renderStepInput(ctx, step, workspace, context, redactor);
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    const path = `${step.path}.${step.kind}${error.field ? `.${error.field}` : ''}`;
    const message = error.field && error.message.startsWith(`${error.field}: `) ? error.message.slice(error.field.length + 2) : error.message;
    throw new ValidationError('invalid_step_input', [issueAt(path, 'step_input', { detail: message })], error);
  }
}

/** Row-shaped data for an event that is not stored (previews and dry-runs write nothing). */
function rowsFromInput(workspace: Workspace, input: EventInput, now: number): Rows {
  const c = input.contact;
  const contact: ContactRow = {
    id: 'ct_preview',
    workspace_id: workspace.id,
    external_id: c.external_id ?? null,
    email: c.email ?? null,
    phone: c.phone ?? null,
    name: c.name ?? null,
    first_name: c.first_name ?? null,
    last_name: c.last_name ?? null,
    language: c.language ?? null,
    timezone: c.timezone ?? null,
    attributes_json: encodeJson(c.attributes ?? {}),
    created_at: now,
    updated_at: now,
  };
  let appointment: AppointmentRow | undefined;
  if (input.appointment) {
    const change = appointmentChangeOf(input.name, input.appointment);
    appointment = applyAppointmentChange<AppointmentRow>(undefined, change, { workspaceId: workspace.id, contactId: contact.id, newId: 'ap_preview' }, now, now).row;
  }
  const event: EventRow = {
    id: 'ev_preview',
    workspace_id: workspace.id,
    name: input.name,
    idempotency_key: 'preview',
    contact_id: contact.id,
    appointment_id: appointment?.id ?? null,
    occurred_at: input.occurred_at ? Date.parse(input.occurred_at) : now,
    received_at: now,
    payload_json: encodeJson(input),
  };
  return { event, contact, appointment };
}

async function loadRows(ctx: EngineContext, workspace: Workspace, source: PreviewSource): Promise<Rows> {
  const now = ctx.clock.now();
  if (source.event_id) {
    const event = await getEvent(ctx.store.db, workspace.id, source.event_id);
    const contact = event.contact_id ? await getContactById(plainWork(ctx.store.db), event.contact_id) : undefined;
    if (!contact) throw new NudgeError('not_found', `event ${source.event_id} has no contact`, { status: 404 });
    const appointment = event.appointment_id ? await getAppointmentById(plainWork(ctx.store.db), event.appointment_id) : undefined;
    return { event, contact, appointment };
  }
  const input = source.event === undefined ? sampleEvent(now) : parseEventInput(source.event, ['event']);
  return rowsFromInput(workspace, input, now);
}

async function loadFlow(ctx: EngineContext, workspace: Workspace, flowId: string, draft?: unknown): Promise<{ flow: FlowRow; compiled: CompiledFlow }> {
  const flow = await getFlow(ctx.store.db, workspace.id, flowId);
  if (draft === undefined) {
    const { compiled } = await ctx.flows.get(ctx.store.db, flow.id, flow.version);
    return { flow, compiled };
  }
  const result = validateFlow(draft, { channels: ctx.registry.validators });
  if (!result.ok) throw new ValidationError('invalid_flow', result.errors.map((e) => ({ ...e, path: e.path ? `definition.${e.path}` : 'definition' })));
  return { flow: { ...flow, name: result.flow.name }, compiled: result.compiled };
}

function sendStep(compiled: CompiledFlow, stepId: string): CompiledStep {
  const step = Object.hasOwn(compiled.steps, stepId) ? compiled.steps[stepId] : undefined;
  if (!step) throw new ValidationError('invalid_request', [issueAt('step_id', 'unknown_step', { id: stepId, known: Object.keys(compiled.steps).join(', ') })]);
  if (!isSendStep(step)) {
    throw new ValidationError('invalid_request', [issueAt('step_id', 'not_send_step', { id: stepId, kind: step.kind })]);
  }
  return step;
}

async function contextFor(ctx: EngineContext, workspace: Workspace, flow: FlowRow, rows: Rows) {
  const redactor = new SecretRedactor(await readSecrets(ctx.store.db, ctx.secretBox, workspace.id));
  const context = buildTemplateContext({ ...rows, workspace, flow: { id: flow.id, name: flow.name, version: flow.version } });
  return { context, redactor, redact: (value: unknown) => redactor.redactValue(value) };
}

/** The request a send step would make, rendered (secrets redacted), without sending. */
export async function previewStep(ctx: EngineContext, workspace: Workspace, flowId: string, stepId: string, source: PreviewSource) {
  const { flow, compiled } = await loadFlow(ctx, workspace, flowId, source.definition);
  const step = sendStep(compiled, stepId);
  const rows = await loadRows(ctx, workspace, source);
  const { context, redactor, redact } = await contextFor(ctx, workspace, flow, rows);
  const { channel, input } = await renderForTrial(ctx, step, workspace, context, redactor);
  return { step_id: step.id, channel, request: redact(input) };
}

/**
 * Sends one step for real, to `to` (an email address, for email steps) or `url` (for webhook
 * steps) instead of the flow's recipient. Nothing is recorded on any session.
 */
export async function testSend(
  ctx: EngineContext,
  workspace: Workspace,
  flowId: string,
  stepId: string,
  source: PreviewSource,
  target: { to?: string | undefined; url?: string | undefined },
) {
  const { flow, compiled } = await loadFlow(ctx, workspace, flowId, source.definition);
  const step = sendStep(compiled, stepId);
  const rows = await loadRows(ctx, workspace, source);
  const { context, redactor, redact } = await contextFor(ctx, workspace, flow, rows);
  const { channel, module, input } = await renderForTrial(ctx, step, workspace, context, redactor);
  const channelContext = { idempotencyKey: `test.${flow.id}.${step.id}.${ctx.clock.now()}`, workspaceId: workspace.id, sessionId: 'test' };
  const sendInput = aimTest(module, input, target);
  try {
    const result = await module.send(channelContext, sendInput);
    return { step_id: step.id, channel, ok: true, request: redact(result.request), response: redact(result.response), error: null };
  } catch (error) {
    if (!(error instanceof ChannelError)) throw redactor.redactError(error);
    return { step_id: step.id, channel, ok: false, request: redact(error.request ?? sendInput), response: redact(error.response), error: redactor.redact(error.message) };
  }
}

/** The input aimed where the test asks (`to` for email, `url` for a webhook), as the channel allows. */
function aimTest(module: ChannelModule, input: unknown, target: { to?: string | undefined; url?: string | undefined }): unknown {
  const aim = module.testTarget;
  if (!aim) {
    if (!target.to && !target.url) return input;
    throw new ValidationError('invalid_request', [issueAt(target.to ? 'to' : 'url', 'fixed_destination', { channel: module.manifest.id })]);
  }
  const value = target[aim.field];
  if (value) return aim.aim(input, value);
  if (aim.required) throw new ValidationError('invalid_request', [issueAt(aim.field, aim.required)]);
  return input;
}

export interface TimelineEntry {
  at: string;
  step_id: string | null;
  action: 'trigger' | 'wait' | 'branch' | 'send' | 'update_contact' | 'end' | 'skip';
  detail: Record<string, unknown>;
}

/** What the flow would do for this event (default: the sample booking), from `now`, sending nothing. */
export async function dryRun(ctx: EngineContext, workspace: Workspace, flowId: string, source: PreviewSource, nowOverride?: number) {
  const { flow, compiled } = await loadFlow(ctx, workspace, flowId, source.definition);
  const rows = await loadRows(ctx, workspace, source);
  const trial = await contextFor(ctx, workspace, flow, rows);
  const now = nowOverride ?? ctx.clock.now();
  const zone = appointmentZone({ appointment: rows.appointment, contact: rows.contact, workspace });
  const start = dryRunStart(compiled, rows, trial.context, zone, now);
  if (start.type === 'skip') return { timeline: [{ at: iso(start.at), step_id: null, action: 'skip' as const, detail: { reason: start.reason } }] };
  const timeline: TimelineEntry[] = [{ at: iso(start.at), step_id: null, action: 'trigger', detail: start.detail }];
  const end = await dryRunSteps(ctx, { compiled, workspace, rows, zone, trial }, start.at, timeline);
  timeline.push({ at: iso(end), step_id: null, action: 'end', detail: {} });
  return { timeline };
}

const iso = (t: number) => new Date(t).toISOString();

type DryRunStart = { type: 'skip'; at: number; reason: string } | { type: 'start'; at: number; detail: Record<string, unknown> };

/** Whether and when the flow starts for this event, as the live trigger decides it. */
function dryRunStart(compiled: CompiledFlow, rows: Rows, context: Record<string, unknown>, zone: string, now: number): DryRunStart {
  const trigger = compiled.trigger;
  if (trigger.type === 'event') {
    const match = matchEventTrigger(trigger, rows.event.name, () => context, now);
    return match.match ? { type: 'start', at: now, detail: { event: rows.event.name } } : { type: 'skip', at: now, reason: match.reason };
  }
  const appointment = rows.appointment;
  // Scheduled as a booking schedules it: a passed time is judged by if_past.
  const schedule = appointment ? scheduleTrigger(trigger, appointment, zone, now, 'record') : undefined;
  if (schedule?.type === 'past') return { type: 'skip', at: schedule.dueAt, reason: 'the trigger time has passed (if_past: skip)' };
  const at = schedule?.type === 'at' ? schedule.dueAt : now;
  const fired = decideFiredTrigger(trigger, { appointment, zone, context: () => context }, at);
  if (fired.type === 'skip') return { type: 'skip', at, reason: fired.reason };
  return { type: 'start', at, detail: { anchor: trigger.anchor, offset: trigger.offset } };
}

interface DryRunInput {
  compiled: CompiledFlow;
  workspace: Workspace;
  rows: Rows;
  zone: string;
  trial: Awaited<ReturnType<typeof contextFor>>;
}

/**
 * Walks the steps from the first, each decided as the live run decides it (core/step-decision.ts)
 * with the session's time moved on by every wait; sends are rendered, not made. Returns the time
 * the walk ends.
 */
async function dryRunSteps(ctx: EngineContext, input: DryRunInput, from: number, timeline: TimelineEntry[]): Promise<number> {
  const { compiled, rows, zone, trial } = input;
  const appointment = rows.appointment;
  const session = { id: 'ss_preview', status: 'active', wake_at: null as number | null, attempt: 1, contact_id: rows.contact.id, appointment_id: appointment?.id ?? null, appointment_revision: appointment?.revision ?? null };
  const retry = { baseMs: ctx.config.retry.baseMs, maxMs: ctx.config.retry.maxMs, random: ctx.random };
  let t = from;
  let stepId = compiled.first;
  for (let guard = 0; stepId !== null && guard < 500; guard++) {
    const step: CompiledStep = compiled.steps[stepId]!;
    const decision = decideStep(step, { session, gate: null, appointment, zone, context: trial.context, dueRef: t, retry }, t);
    switch (decision.type) {
      case 'wait':
        timeline.push({ at: iso(t), step_id: step.id, action: 'wait', detail: { until: iso(decision.dueAt) } });
        t = decision.dueAt;
        Object.assign(session, { status: 'waiting', wake_at: t });
        continue;
      case 'move':
        if (decision.took !== undefined) timeline.push({ at: iso(t), step_id: step.id, action: 'branch', detail: { took: decision.took } });
        stepId = decision.target;
        break;
      case 'send': {
        const { channel, input: request } = await renderForTrial(ctx, step, input.workspace, trial.context, trial.redactor);
        timeline.push({ at: iso(t), step_id: step.id, action: 'send', detail: { channel, request: trial.redact(request) } });
        stepId = step.next;
        break;
      }
      case 'update_contact':
        timeline.push({ at: iso(t), step_id: step.id, action: 'update_contact', detail: { fields: Object.keys(step.updateContact ?? {}) } });
        stepId = step.next;
        break;
      case 'end':
        stepId = null;
        break;
      default: {
        const unhandled: never = decision;
        throw new Error(`unhandled decision ${(unhandled as { type: string }).type}`);
      }
    }
    Object.assign(session, { status: 'active', wake_at: null });
  }
  return t;
}
