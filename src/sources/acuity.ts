/**
 * Acuity Scheduling: a form-encoded body `action=scheduled&id=…&calendarID=…&appointmentTypeID=…`
 * signed in `X-Acuity-Signature`, the base64 HMAC-SHA256 of the raw body with the account's API
 * key. The body names only the appointment, so its details are fetched from
 * `GET /api/v1/appointments/:id` with basic auth (user id and API key, stored encrypted on the
 * source) through the engine's outbound guard. `scheduled` creates, `rescheduled` moves,
 * `canceled` cancels; `changed` is sent beside each of those and is ignored. Webhooks made through
 * Acuity's API name the same actions `appointment.scheduled` and so on.
 */
import { z } from 'zod';
import { codedPattern, issueAt } from '../core/issue-codes.js';
import { compact, isoTime, record, text, type SourceDecision } from '../core/sources/source-decision.js';
import { checkBase64Hmac } from './signatures.js';
import type { SourceVendor, VendorContext } from './vendor.js';

const SIGNATURE = { name: 'x-acuity-signature', label: 'X-Acuity-Signature' };
/** Acuity's API; NUDGE_CHANNEL_ENDPOINTS `acuity=<url>` replaces it (tests, a self-hosted stand-in). */
export const ACUITY_API = 'https://acuityscheduling.com';

export interface AcuityCredentials {
  user_id: string;
  api_key: string;
}

const NAMES: Record<string, string> = {
  scheduled: 'appointment.created',
  rescheduled: 'appointment.rescheduled',
  canceled: 'appointment.canceled',
};

/** Acuity writes offsets without a colon (`2013-07-02T10:15:00-0700`); events take ISO 8601's `-07:00`. */
function acuityTime(value: unknown): string | undefined {
  const t = text(value);
  return isoTime(t?.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
}

function appointmentOf(a: Record<string, unknown>, start: string): Record<string, unknown> {
  const duration = Number(text(a.duration) ?? a.duration);
  const minutes = Number.isInteger(duration) && duration > 0 ? duration : undefined;
  return compact({
    start_at: start,
    end_at: minutes ? new Date(Date.parse(start) + minutes * 60_000).toISOString() : undefined,
    timezone: text(a.timezone),
    service_name: text(a.type),
    service_duration: minutes,
    service_price: text(a.price),
    service_location: text(a.location),
    team_member: text(a.calendar),
    customer_management_link: text(a.confirmationPage),
    extra: compact({ source: 'acuity', appointment_id: String(a.id), calendar_id: a.calendarID === undefined ? undefined : String(a.calendarID) }),
  });
}

async function decide(body: unknown, context: VendorContext<AcuityCredentials>): Promise<SourceDecision> {
  const form = record(body);
  const action = text(form.action)?.replace(/^appointment\./, '') ?? null;
  const name = action ? NAMES[action] : undefined;
  if (!name) return { outcome: 'ignored', vendorEvent: action, reason: action === 'changed' ? 'changed repeats a scheduled, rescheduled or canceled notification' : `unknown event type ${action ?? '(none)'}` };
  const id = text(form.id);
  if (!id || !/^\d{1,20}$/.test(id)) return { outcome: 'invalid', vendorEvent: action, issues: [issueAt('id', 'vendor_id', { vendor: 'Acuity' })] };
  const credentials = context.credentials;
  if (!credentials) return { outcome: 'invalid', vendorEvent: action, issues: [issueAt('credentials', 'source_credentials_missing', { vendor: 'Acuity' })] };
  const auth = Buffer.from(`${credentials.user_id}:${credentials.api_key}`).toString('base64');
  const url = `${context.endpoint('acuity', ACUITY_API)}/api/v1/appointments/${id}`;
  const appointment = record(await context.getJson(url, { authorization: `Basic ${auth}`, accept: 'application/json' }));
  const start = acuityTime(appointment.datetime);
  if (!start) return { outcome: 'invalid', vendorEvent: action, issues: [issueAt('datetime', 'vendor_no_start', { vendor: 'Acuity' })] };
  const event = compact({
    name,
    // A rescheduled appointment can move again: each move is its own event.
    idempotency_key: `acuity:${action}:${id}${action === 'rescheduled' ? `:${start}` : ''}`,
    contact: compact({ email: text(appointment.email), phone: text(appointment.phone), first_name: text(appointment.firstName), last_name: text(appointment.lastName), timezone: text(appointment.timezone) }),
    appointment: appointmentOf(appointment, start),
  });
  return { outcome: 'events', vendorEvent: action, events: [{ event, booking: { id } }] };
}

export const acuity: SourceVendor<Record<string, never>, AcuityCredentials> = {
  kind: 'acuity',
  label: 'Acuity Scheduling',
  headers: ['content-type', 'user-agent', SIGNATURE.name],
  configSchema: z.strictObject({}),
  newSecret: () => '',
  credentials: {
    schema: z.strictObject({ user_id: z.string().trim().regex(codedPattern(/^\d{1,20}$/, 'digits'), { message: 'expected the numeric user id' }), api_key: z.string().trim().min(1).max(200) }),
    signingSecret: (c) => c.api_key,
  },
  bodyFormat: 'form',
  verify(request, secret) {
    const failed = checkBase64Hmac(request.headers, SIGNATURE, secret, [request.body]);
    return failed ?? { ok: true, deliveryId: null, replayKey: `sig:${request.headers[SIGNATURE.name]!.trim()}` };
  },
  decide: (body, _config, context) => decide(body, context),
};
