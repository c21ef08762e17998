/**
 * Trying a flow before it goes live: render a step against a sample or a real past event
 * (preview), send one step for real to an address or URL of your choosing (test send), and
 * dry-run a whole flow for an appointment: the timeline of what would be sent when, sending nothing.
 */
import { anchorTime } from '../core/appointment-timing.js';
import { evaluateConditions } from '../core/conditions.js';
import { NudgeError, ValidationError } from '../core/errors.js';
import type { CompiledFlow, CompiledStep } from '../core/flow-compiler.js';
import { waitTarget } from '../core/wait-target.js';
import { ChannelError } from '../channels/channel.js';
import type { AppointmentRow, ContactRow, EventRow, FlowRow, Workspace } from '../store/schema.js';
import { getAppointmentById } from '../store/repositories/appointments.js';
import { getContactById } from '../store/repositories/contacts.js';
import { getEvent } from '../store/repositories/events.js';
import { getFlow } from '../store/repositories/flows.js';
import { validateFlow } from '../core/flow-validation.js';
import { encodeJson } from '../store/repositories/json.js';
import { APPOINTMENT_EVENTS, parseEventInput, type EventInput } from './event-input.js';
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
    throw new ValidationError('invalid_step_input', [{ path, message }], error);
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
    const { id, start_at, end_at, timezone, line_item_properties, extra, quantity, service_duration, ...rest } = input.appointment;
    const start = start_at ? Date.parse(start_at) : now;
    appointment = {
      id: 'ap_preview',
      workspace_id: workspace.id,
      external_id: id,
      contact_id: contact.id,
      status: APPOINTMENT_EVENTS[input.name as keyof typeof APPOINTMENT_EVENTS] ?? 'booked',
      start_at: start,
      end_at: end_at ? Date.parse(end_at) : start + (service_duration ?? 0) * 60_000,
      timezone: timezone ?? null,
      revision: 1,
      last_event_at: now,
      order_id: rest.order_id ?? null,
      quantity: quantity ?? null,
      service_name: rest.service_name ?? null,
      service_description: rest.service_description ?? null,
      service_duration: service_duration ?? null,
      service_price: rest.service_price ?? null,
      service_location: rest.service_location ?? null,
      service_image_url: rest.service_image_url ?? null,
      team_member: rest.team_member ?? null,
      team_member_description: rest.team_member_description ?? null,
      team_member_email: rest.team_member_email ?? null,
      team_member_phone: rest.team_member_phone ?? null,
      variant_title: rest.variant_title ?? null,
      customer_management_link: rest.customer_management_link ?? null,
      line_item_properties_json: line_item_properties === undefined ? null : encodeJson(line_item_properties),
      extra_json: encodeJson(extra ?? {}),
      created_at: now,
      updated_at: now,
    };
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
    const contact = event.contact_id ? await getContactById(ctx.store.db, event.contact_id) : undefined;
    if (!contact) throw new NudgeError('not_found', `event ${source.event_id} has no contact`, { status: 404 });
    const appointment = event.appointment_id ? await getAppointmentById(ctx.store.db, event.appointment_id) : undefined;
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
  if (!step) throw new ValidationError('invalid_request', [{ path: 'step_id', message: `no step "${stepId}" in this flow (${Object.keys(compiled.steps).join(', ')})` }]);
  if (!step.webhook && !step.email && !step.send) {
    throw new ValidationError('invalid_request', [{ path: 'step_id', message: `step "${stepId}" is a ${step.kind} step; only send steps can be previewed` }]);
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
  const { channel, input } = await renderForTrial(ctx, step, workspace, context, redactor);
  const channelContext = { idempotencyKey: `test.${flow.id}.${step.id}.${ctx.clock.now()}`, workspaceId: workspace.id, sessionId: 'test' };
  let sendInput = input as Record<string, unknown>;
  if (step.email) {
    if (!target.to) throw new ValidationError('invalid_request', [{ path: 'to', message: 'give the address to send the test email to' }]);
    sendInput = { ...sendInput, to: target.to, cc: undefined, bcc: undefined };
  } else if (step.webhook) {
    if (target.url) sendInput = withUrl(sendInput, target.url);
  } else if (target.to || target.url) {
    throw new ValidationError('invalid_request', [{ path: target.to ? 'to' : 'url', message: `${channel} steps send to the destination in their settings` }]);
  }
  try {
    const result = step.email
      ? await ctx.channels.email.send(channelContext, sendInput as never)
      : step.webhook
        ? await ctx.channels.webhook.send(channelContext, sendInput as never)
        : await ctx.registry.get(channel)!.send(channelContext, sendInput);
    return { step_id: step.id, channel, ok: true, request: redact(result.request), response: redact(result.response), error: null };
  } catch (error) {
    if (!(error instanceof ChannelError)) throw redactor.redactError(error);
    return { step_id: step.id, channel, ok: false, request: redact(error.request ?? sendInput), response: redact(error.response), error: redactor.redact(error.message) };
  }
}

/**
 * The webhook input aimed at `url`, keeping its non-enumerable signing secret (a spread would drop
 * it, and the test request would go out unsigned where the live one is signed).
 */
function withUrl(input: Record<string, unknown>, url: string): Record<string, unknown> {
  return Object.defineProperties({}, { ...Object.getOwnPropertyDescriptors(input), url: { value: url, enumerable: true, writable: true, configurable: true } });
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
  const { context, redactor, redact } = await contextFor(ctx, workspace, flow, rows);
  const now = nowOverride ?? ctx.clock.now();
  const zone = appointmentZone({ appointment: rows.appointment, contact: rows.contact, workspace });
  const timeline: TimelineEntry[] = [];
  const at = (t: number) => new Date(t).toISOString();
  const trigger = compiled.trigger;
  let t = now;
  if (trigger.type === 'event') {
    if (!trigger.events.includes(rows.event.name) && !trigger.events.includes('*')) {
      return { timeline: [{ at: at(now), step_id: null, action: 'skip' as const, detail: { reason: `the flow starts on ${trigger.events.join(', ')}, not ${rows.event.name}` } }] };
    }
    if (!evaluateConditions(trigger.conditions, context, now)) {
      return { timeline: [{ at: at(now), step_id: null, action: 'skip' as const, detail: { reason: 'the trigger’s conditions do not hold' } }] };
    }
    timeline.push({ at: at(now), step_id: null, action: 'trigger', detail: { event: rows.event.name } });
  } else {
    if (!rows.appointment) {
      return { timeline: [{ at: at(now), step_id: null, action: 'skip' as const, detail: { reason: 'the flow starts at an appointment time; the event has no appointment' } }] };
    }
    const due = anchorTime(rows.appointment, trigger.anchor, trigger.offset, zone);
    if (due <= now && trigger.ifPast === 'skip') {
      return { timeline: [{ at: at(due), step_id: null, action: 'skip' as const, detail: { reason: 'the trigger time has passed (if_past: skip)' } }] };
    }
    t = Math.max(due, now);
    if (!evaluateConditions(trigger.conditions, context, t)) {
      return { timeline: [{ at: at(t), step_id: null, action: 'skip' as const, detail: { reason: 'the trigger’s conditions do not hold' } }] };
    }
    timeline.push({ at: at(t), step_id: null, action: 'trigger', detail: { anchor: trigger.anchor, offset: trigger.offset } });
  }
  let stepId = compiled.first;
  for (let guard = 0; stepId !== null && guard < 500; guard++) {
    const step: CompiledStep = compiled.steps[stepId]!;
    let next = step.next;
    if (step.wait) {
      const target = waitTarget(step.wait, t, rows.appointment, zone);
      if (target !== null && target > t) {
        timeline.push({ at: at(t), step_id: step.id, action: 'wait', detail: { until: at(target) } });
        t = target;
      }
    } else if (step.branches) {
      const chosen = step.branches.findIndex((b) => evaluateConditions(b.when, context, t));
      const branch = chosen >= 0 ? step.branches[chosen]! : undefined;
      timeline.push({ at: at(t), step_id: step.id, action: 'branch', detail: { took: branch ? (branch.name ?? `branch ${chosen + 1}`) : 'otherwise' } });
      next = branch ? (branch.first ?? step.next) : (step.otherwise ?? step.next);
    } else if (step.webhook || step.email || step.send) {
      const { channel, input } = await renderForTrial(ctx, step, workspace, context, redactor);
      timeline.push({ at: at(t), step_id: step.id, action: 'send', detail: { channel, request: redact(input) } });
    } else if (step.updateContact) {
      timeline.push({ at: at(t), step_id: step.id, action: 'update_contact', detail: { fields: Object.keys(step.updateContact) } });
    } else if (step.exit) {
      next = null;
    }
    stepId = next;
  }
  timeline.push({ at: at(t), step_id: null, action: 'end', detail: {} });
  return { timeline };
}
