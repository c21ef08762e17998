/**
 * Square Appointments: `x-square-hmacsha256-signature` is the base64 HMAC-SHA256 of the
 * notification URL followed by the raw body, with the subscription's signature key (the Developer
 * Console shows it). The URL must be the one Square called: receive.ts passes NUDGE_PUBLIC_URL
 * plus the path (or the request's own URL when no public URL is set), so behind a proxy
 * NUDGE_PUBLIC_URL must be set. The body is `{ merchant_id, type, event_id, created_at, data:
 * { object: { booking } } }`; `event_id` stays the same when Square retries.
 *
 * `booking.created` creates; `booking.updated` cancels when the status is a cancellation
 * (`CANCELLED_BY_SELLER`, `CANCELLED_BY_CUSTOMER`, `DECLINED`), marks a no-show on `NO_SHOW`, and
 * otherwise moves the appointment only when its start changed (the engine compares with the stored
 * start: Square does not say what changed). A booking names its customer only by `customer_id`,
 * so the contact is `external_id: square:<customer_id>`. With an access token among the source's
 * credentials (a Square application's, with CUSTOMERS_READ), the customer's name, email and phone
 * are fetched from the Customers API (`GET /v2/customers/:id`, through the outbound guard) of the
 * environment the `square-environment` header names; without one, the contact has only its id.
 */
import { z } from 'zod';
import { issueAt } from '../core/issue-codes.js';
import { compact, isoTime, record, text, type SourceDecision } from '../core/sources/source-decision.js';
import { checkBase64Hmac } from './signatures.js';
import type { SourceVendor, VendorContext } from './vendor.js';

const SIGNATURE = { name: 'x-square-hmacsha256-signature', label: 'x-square-hmacsha256-signature' };

const CANCELED = new Set(['CANCELLED_BY_SELLER', 'CANCELLED_BY_CUSTOMER', 'DECLINED']);

/** Square's API by environment; NUDGE_CHANNEL_ENDPOINTS `square=<url>` replaces both (tests, a proxy). */
export const SQUARE_API = { production: 'https://connect.squareup.com', sandbox: 'https://connect.squareupsandbox.com' } as const;
/** The API version the Customers call is written against (its `customer` fields). */
export const SQUARE_VERSION = '2025-10-16';

export interface SquareCredentials {
  signature_key: string;
  /** Optional: reads the booking's customer. */
  access_token?: string | undefined;
}

/** The event id of a body whose signature checked out; null when it is not JSON or has none. */
function eventIdOf(body: Uint8Array): string | null {
  try {
    return text(record(JSON.parse(new TextDecoder().decode(body))).event_id) ?? null;
  } catch {
    return null;
  }
}

function appointmentOf(booking: Record<string, unknown>): Record<string, unknown> {
  const segments = Array.isArray(booking.appointment_segments) ? booking.appointment_segments.map(record) : [];
  const minutes = segments.reduce((sum, s) => sum + (typeof s.duration_minutes === 'number' ? s.duration_minutes : 0), 0);
  const start = isoTime(booking.start_at);
  return compact({
    start_at: start,
    end_at: start && minutes > 0 ? new Date(Date.parse(start) + minutes * 60_000).toISOString() : undefined,
    service_duration: minutes > 0 ? minutes : undefined,
    extra: compact({
      source: 'square',
      booking_id: text(booking.id),
      status: text(booking.status),
      location_id: text(booking.location_id),
      service_variation_id: text(segments[0]?.service_variation_id),
      team_member_id: text(segments[0]?.team_member_id),
      customer_note: text(booking.customer_note),
    }),
  });
}

function nameOf(type: string, status: string | undefined): string {
  if (type === 'booking.created') return 'appointment.created';
  if (status && CANCELED.has(status)) return 'appointment.canceled';
  return status === 'NO_SHOW' ? 'appointment.no_show' : 'appointment.rescheduled';
}

/** The booking's customer as a contact: its id, plus name, email and phone when the source can read them. */
async function contactOf(customerId: string | undefined, context: VendorContext<SquareCredentials>): Promise<Record<string, unknown>> {
  if (!customerId) return {};
  const contact = { external_id: `square:${customerId}` };
  const token = context.credentials?.access_token;
  if (!token || !/^[A-Za-z0-9_-]{1,191}$/.test(customerId)) return contact;
  const base = context.endpoint('square', context.headers['square-environment']?.toLowerCase() === 'sandbox' ? SQUARE_API.sandbox : SQUARE_API.production);
  const answer = record(await context.getJson(`${base}/v2/customers/${customerId}`, { authorization: `Bearer ${token}`, 'square-version': SQUARE_VERSION, accept: 'application/json' }));
  const customer = record(answer.customer);
  return compact({
    ...contact,
    email: text(customer.email_address),
    phone: text(customer.phone_number),
    first_name: text(customer.given_name),
    last_name: text(customer.family_name),
  });
}

async function decide(body: unknown, context: VendorContext<SquareCredentials>): Promise<SourceDecision> {
  const root = record(body);
  const type = text(root.type) ?? null;
  if (type !== 'booking.created' && type !== 'booking.updated') return { outcome: 'ignored', vendorEvent: type, reason: `unknown event type ${type ?? '(none)'}` };
  const booking = record(record(record(root.data).object).booking);
  const id = text(booking.id);
  const eventId = text(root.event_id);
  if (!id || !eventId) return { outcome: 'invalid', vendorEvent: type, issues: [issueAt(id ? 'event_id' : 'data.object.booking.id', 'required')] };
  const name = nameOf(type, text(booking.status));
  const event = compact({
    name,
    idempotency_key: `square:${eventId}`,
    occurred_at: isoTime(root.created_at),
    contact: await contactOf(text(booking.customer_id), context),
    appointment: appointmentOf(booking),
  });
  return { outcome: 'events', vendorEvent: type, events: [{ event, booking: { id }, ...(name === 'appointment.rescheduled' ? { ifStartChanged: true } : {}) }] };
}

export const square: SourceVendor<Record<string, never>, SquareCredentials> = {
  kind: 'square',
  label: 'Square Appointments',
  headers: ['content-type', 'user-agent', SIGNATURE.name, 'square-environment', 'square-retry-number', 'square-retry-reason'],
  configSchema: z.strictObject({}),
  newSecret: () => '',
  credentials: {
    schema: z.strictObject({
      signature_key: z.string().trim().min(1).max(500),
      // An empty field of a form means none.
      access_token: z.string().trim().max(500).optional().transform((v) => v || undefined),
    }),
    signingSecret: (c) => c.signature_key,
  },
  verify(request, secret) {
    const failed = checkBase64Hmac(request.headers, SIGNATURE, secret, [request.url, request.body]);
    if (failed) return failed;
    const eventId = eventIdOf(request.body);
    return { ok: true, deliveryId: eventId, replayKey: eventId ? `id:${eventId}` : `sig:${request.headers[SIGNATURE.name]!.trim()}` };
  },
  decide: (body, _config, context) => decide(body, context),
};
