/**
 * Webhook bodies as the vendors document them, with times and ids the test chooses, and their
 * signatures made the way each vendor documents: Cal.com's example payload (cal.com docs,
 * "Webhooks": "An example webhook payload"), Calendly's invitee payload (developer.calendly.com,
 * webhook payloads and "how webhook payloads change when invitees reschedule").
 */
import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import type { Harness } from './harness.js';

/** Cal.com's documented BOOKING_CREATED example, with this booking's uid, times and attendee. */
export function calcomBody(
  triggerEvent: string,
  o: { uid: string; start: string; end: string; createdAt: string; email?: string; rescheduleUid?: string; extra?: Record<string, unknown> },
): Record<string, unknown> {
  return {
    triggerEvent,
    createdAt: o.createdAt,
    payload: {
      type: '60min',
      title: '60min between Pro Example and John Doe',
      description: '',
      additionalNotes: '',
      customInputs: {},
      startTime: o.start,
      endTime: o.end,
      organizer: { id: 5, name: 'Pro Example', email: 'pro@example.com', username: 'pro', timeZone: 'Asia/Kolkata', language: { locale: 'en' }, timeFormat: 'h:mma' },
      responses: {
        name: { label: 'your_name', value: 'John Doe' },
        email: { label: 'email_address', value: o.email ?? 'john.doe@example.com' },
        location: { label: 'location', value: { optionValue: '', value: 'inPerson' } },
      },
      userFieldsResponses: {},
      attendees: [{ email: o.email ?? 'john.doe@example.com', name: 'John Doe', timeZone: 'Asia/Kolkata', language: { locale: 'en' } }],
      location: 'Calcom HQ',
      hideCalendarNotes: false,
      requiresConfirmation: null,
      eventTypeId: 7,
      seatsShowAttendees: true,
      seatsPerTimeSlot: null,
      uid: o.uid,
      ...(o.rescheduleUid ? { rescheduleUid: o.rescheduleUid } : {}),
      eventTitle: '60min',
      eventDescription: '',
      price: 0,
      currency: 'usd',
      length: 60,
      bookingId: 91,
      metadata: {},
      status: 'ACCEPTED',
      ...(o.extra ?? {}),
    },
  };
}

/** `X-Cal-Signature-256`: hex HMAC-SHA256 of the body with the webhook's secret. */
export function calcomHeaders(secret: string, body: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-cal-signature-256': createHmac('sha256', secret).update(body).digest('hex') };
}

const CALENDLY_EVENT = 'https://api.calendly.com/scheduled_events/GBGBDCAADAEDCRZ2';
export const calendlyInvitee = (id: string) => `${CALENDLY_EVENT}/invitees/${id}`;

/**
 * A Calendly webhook body shaped as the documented example: `invitee.created` / `invitee.canceled`,
 * and the no-show events, whose payload is the same invitee with its `no_show` mark.
 */
export function calendlyBody(
  event: 'invitee.created' | 'invitee.canceled' | 'invitee_no_show.created' | 'invitee_no_show.deleted',
  o: { invitee: string; start: string; end: string; createdAt: string; oldInvitee?: string; newInvitee?: string; rescheduled?: boolean; noShow?: { uri: string; created_at: string } },
): Record<string, unknown> {
  return {
    created_at: o.createdAt,
    created_by: 'https://api.calendly.com/users/AAAAAAAAAAAAAAAA',
    event,
    payload: {
      cancel_url: 'https://calendly.com/cancellations/AAAAAAAAAAAAAAAA',
      created_at: o.createdAt,
      email: 'test@example.com',
      event: CALENDLY_EVENT,
      first_name: 'John',
      last_name: 'Doe',
      name: 'John Doe',
      new_invitee: o.newInvitee ?? null,
      no_show: o.noShow ?? null,
      old_invitee: o.oldInvitee ?? null,
      questions_and_answers: [],
      reschedule_url: 'https://calendly.com/reschedulings/AAAAAAAAAAAAAAAA',
      rescheduled: o.rescheduled ?? false,
      status: event === 'invitee.canceled' ? 'canceled' : 'active',
      text_reminder_number: null,
      timezone: 'America/New_York',
      updated_at: o.createdAt,
      uri: o.invitee,
      scheduled_event: {
        uri: CALENDLY_EVENT,
        name: '15 Minute Meeting',
        status: event === 'invitee.canceled' ? 'canceled' : 'active',
        start_time: o.start,
        end_time: o.end,
        event_type: 'https://api.calendly.com/event_types/GBGBDCAADAEDCRZ2',
        location: { type: 'physical', location: 'Calendly Office' },
        event_memberships: [{ user: 'https://api.calendly.com/users/GBGBDCAADAEDCRZ2', user_email: 'host@example.com', user_name: 'Host Example' }],
        event_guests: [],
      },
    },
  };
}

/** `Calendly-Webhook-Signature: t=<seconds>,v1=<hex HMAC-SHA256 of "t." + body>`. */
export function calendlyHeaders(signingKey: string, body: string, nowMs: number): Record<string, string> {
  const t = Math.floor(nowMs / 1000);
  const v1 = createHmac('sha256', signingKey).update(`${t}.${body}`).digest('hex');
  return { 'content-type': 'application/json', 'calendly-webhook-signature': `t=${t},v1=${v1}` };
}

/** Standard Webhooks: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with the `whsec_` secret's bytes. */
export function standardHeaders(secret: string, id: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
}

/** Creates a source through the API; returns its id, its URL's path and its secret. */
export async function createSource(h: Harness, kind: string, config?: unknown): Promise<{ id: string; path: string; secret: string }> {
  const res = await h.api('POST', '/v1/sources', { kind, name: `${kind} bookings`, ...(config ? { config } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.data.id, path: new URL(res.body.data.url).pathname, secret: res.body.data.secret };
}

/** Posts a webhook to a source's path as a vendor would: no API key. */
export async function deliver(h: Harness, path: string, body: string, headers: Record<string, string>) {
  const res = await h.raw(path, { method: 'POST', body, headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

