/**
 * The variables a template sees: `event`, `contact`, `appointment`, `workspace`, `flow`, `session`
 * (and, in credential positions only, `secrets`).
 * `event.*` carries the Sesami/Klaviyo property names (`event.service_name`, `event.datetime`,
 * `event.customer_management_link`, …) taken from the appointment as it is *now*, so a reminder
 * sent after a reschedule shows the new time; then the event's own `properties` on top.
 */
import { formatAppointmentDatetime, resolveZone } from '../core/appointment-timing.js';
import type { AppointmentRow, ContactRow, EventRow, FlowRow, SessionRow, Workspace } from '../store/schema.js';
import { APPOINTMENT_PROPERTIES } from '../store/repositories/appointments.js';
import { contactView } from '../store/repositories/contacts.js';
import { decodeJson } from '../store/repositories/json.js';
import { FORBIDDEN_SECRETS } from './template-secrets.js';
import type { TemplateContext } from './templates.js';

export interface ContextSources {
  workspace: Workspace;
  flow?: Pick<FlowRow, 'id' | 'name'> & { version: number };
  session?: Pick<SessionRow, 'id' | 'key'>;
  event?: EventRow | undefined;
  contact?: ContactRow | undefined;
  appointment?: AppointmentRow | undefined;
}

export function appointmentZone(sources: Pick<ContextSources, 'appointment' | 'contact' | 'workspace'>): string {
  return resolveZone(sources.appointment?.timezone, sources.contact?.timezone, sources.workspace.timezone);
}

export function buildTemplateContext(sources: ContextSources): TemplateContext {
  const { workspace, event, contact, appointment } = sources;
  const zone = appointmentZone(sources);
  const appointmentVars = appointment ? appointmentVariables(appointment, zone, contact?.language ?? null) : undefined;
  const payload = event ? decodeJson<{ properties?: Record<string, unknown> }>(event.payload_json, {}) : {};
  const eventVars: Record<string, unknown> = {
    ...(appointmentVars ? sesamiProperties(appointmentVars) : {}),
    ...(payload.properties ?? {}),
    name: event?.name ?? (appointment ? 'appointment.reminder' : null),
    id: event?.id ?? null,
    occurred_at: event ? new Date(event.occurred_at).toISOString() : null,
  };
  const contactVars = contact ? contactView(contact) : {};
  return {
    event: eventVars,
    contact: contactVars,
    appointment: appointmentVars ?? {},
    workspace: { id: workspace.id, name: workspace.name, timezone: workspace.timezone },
    flow: sources.flow ? { id: sources.flow.id, name: sources.flow.name, version: sources.flow.version } : {},
    session: sources.session ? { id: sources.session.id, key: sources.session.key } : {},
    // Only credential positions see the workspace's secrets (send-steps.ts); here any use is an error.
    secrets: FORBIDDEN_SECRETS,
  };
}

function appointmentVariables(row: AppointmentRow, zone: string, language: string | null): Record<string, unknown> {
  const vars: Record<string, unknown> = {
    id: row.external_id,
    nudge_id: row.id,
    status: row.status,
    start_at: new Date(row.start_at).toISOString(),
    end_at: new Date(row.end_at).toISOString(),
    timezone: zone,
    revision: row.revision,
    datetime: formatAppointmentDatetime(row.start_at, zone, language ?? 'en-US'),
    line_item_properties: decodeJson(row.line_item_properties_json, null),
    ...decodeJson<Record<string, unknown>>(row.extra_json, {}),
  };
  for (const key of APPOINTMENT_PROPERTIES) vars[key] = row[key];
  return vars;
}

/** The property names of Sesami's Klaviyo table (seeds/001). */
function sesamiProperties(a: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { appointment_id: a.id, datetime: a.datetime };
  for (const key of APPOINTMENT_PROPERTIES) out[key] = a[key];
  out.line_item_properties = a.line_item_properties;
  return out;
}

export type VariableRoot = 'event' | 'contact' | 'appointment' | 'flow' | 'workspace' | 'session';

/**
 * The variables templates can read, as dotted paths per root (`contact.first_name`), for editors'
 * autocomplete. Read off a context built by `buildTemplateContext` itself from sample rows, so the
 * list is what templates see. `event.*` also holds the event's own `properties` (any names) and
 * `contact.attributes.*` whatever attributes contacts carry; those cannot be listed ahead.
 */
export function templateVariablePaths(): Record<VariableRoot, string[]> {
  const at = 0;
  const workspace: Workspace = { id: 'ws', name: '', plan: 'unlimited', flow_limit: null, timezone: 'UTC', sender_email: null, country: null, require_two_factor: 0, created_at: at, retention_events_days: null, retention_deliveries_days: null, retention_outbox_days: null };
  const contact: ContactRow = {
    id: 'ct', workspace_id: 'ws', external_id: null, email: null, phone: null, name: null, first_name: null, last_name: null,
    language: null, timezone: null, attributes_json: '{}', created_at: at, updated_at: at,
  };
  const appointment: AppointmentRow = {
    id: 'ap', workspace_id: 'ws', external_id: 'x', contact_id: 'ct', status: 'booked', start_at: at, end_at: at, timezone: null, revision: 1,
    last_event_at: at, order_id: null, quantity: null, service_name: null, service_description: null, service_duration: null, service_price: null,
    service_location: null, service_image_url: null, team_member: null, team_member_description: null, team_member_email: null,
    team_member_phone: null, variant_title: null, customer_management_link: null, line_item_properties_json: null, extra_json: '{}',
    created_at: at, updated_at: at,
  };
  const event: EventRow = {
    id: 'ev', workspace_id: 'ws', name: 'e', idempotency_key: 'k', contact_id: 'ct', appointment_id: 'ap', occurred_at: at, received_at: at, payload_json: '{}',
  };
  const context = buildTemplateContext({ workspace, flow: { id: 'fl', name: '', version: 1 }, session: { id: 'ss', key: '' }, event, contact, appointment });
  const roots: VariableRoot[] = ['event', 'contact', 'appointment', 'flow', 'workspace', 'session'];
  return Object.fromEntries(roots.map((root) => [root, Object.keys(context[root] as object).map((key) => `${root}.${key}`)])) as Record<VariableRoot, string[]>;
}
