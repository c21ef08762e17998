/**
 * Cal.com: `X-Cal-Signature-256` is the hex HMAC-SHA256 of the raw body with the webhook's secret.
 * The body is `{ triggerEvent, createdAt, payload }`. A reschedule makes a new booking: its
 * BOOKING_RESCHEDULED payload carries the new `uid` and the original booking's `rescheduleUid`
 * (cal.com `handleNewBooking`: `rescheduleUid` is the booking it replaces), so the event moves the
 * appointment of the original booking, and later events about the new uid find it through the link.
 */
import { z } from 'zod';
import { issueAt } from '../core/issue-codes.js';
import { compact, isoTime, record, text, type BookingEvent, type SourceDecision } from '../core/sources/source-decision.js';
import { badSignature, decodeSignature, hmacSha256, missingSignature, randomSecret, sameBytes } from './signatures.js';
import type { SourceVendor } from './vendor.js';

const HEADER = 'x-cal-signature-256';

const NAMES: Record<string, string> = {
  BOOKING_CREATED: 'appointment.created',
  BOOKING_RESCHEDULED: 'appointment.rescheduled',
  BOOKING_CANCELLED: 'appointment.canceled',
  MEETING_ENDED: 'appointment.completed',
};

/** Cal.com sends `language: { locale: "en" }` on people; some versions a plain string. */
function locale(value: unknown): string | undefined {
  return text(value) ?? text(record(value).locale);
}

function contactOf(payload: Record<string, unknown>): Record<string, unknown> {
  const attendees = Array.isArray(payload.attendees) ? payload.attendees : [];
  const first = record(attendees[0]);
  const responses = record(payload.responses);
  return compact({
    email: text(first.email),
    name: text(first.name),
    timezone: text(first.timeZone),
    language: locale(first.language),
    phone: text(first.phoneNumber) ?? text(payload.smsReminderNumber) ?? text(record(responses.attendeePhoneNumber).value),
  });
}

function priceOf(payload: Record<string, unknown>): string | undefined {
  const price = payload.price;
  if (typeof price !== 'number' || price <= 0) return undefined;
  const currency = text(payload.currency);
  return `${(price / 100).toFixed(2)}${currency ? ` ${currency.toUpperCase()}` : ''}`;
}

function appointmentOf(payload: Record<string, unknown>): Record<string, unknown> {
  const organizer = record(payload.organizer);
  const uid = text(payload.uid);
  const bookerUrl = text(payload.bookerUrl);
  const length = payload.length;
  return compact({
    start_at: isoTime(payload.startTime),
    end_at: isoTime(payload.endTime),
    timezone: text(organizer.timeZone),
    service_name: text(payload.eventTitle) ?? text(payload.title) ?? text(payload.type),
    service_description: text(payload.eventDescription),
    service_duration: typeof length === 'number' && Number.isInteger(length) && length > 0 ? length : undefined,
    service_price: priceOf(payload),
    service_location: text(payload.location),
    team_member: text(organizer.name),
    team_member_email: text(organizer.email),
    customer_management_link: bookerUrl && uid ? `${bookerUrl.replace(/\/+$/, '')}/booking/${uid}` : undefined,
    extra: compact({ source: 'calcom', booking_uid: uid, video_call_url: text(record(payload.metadata).videoCallUrl) }),
  });
}

/** BOOKING_NO_SHOW_UPDATED: `{ bookingUid, attendees: [{ email, noShow }] }`; a cleared no-show changes nothing. */
function noShow(trigger: string, createdAt: string | undefined, payload: Record<string, unknown>): SourceDecision {
  const bookingUid = text(payload.bookingUid);
  const attendees = Array.isArray(payload.attendees) ? payload.attendees.map(record) : [];
  const absent = attendees.find((a) => a.noShow === true && text(a.email));
  if (!bookingUid || !absent) return { outcome: 'ignored', vendorEvent: trigger, reason: 'no attendee marked as a no-show' };
  const event = {
    name: 'appointment.no_show',
    idempotency_key: `calcom:${trigger}:${bookingUid}:${text(absent.email)}:${createdAt ?? ''}`,
    occurred_at: createdAt,
    contact: { email: text(absent.email) },
    appointment: {},
  };
  return { outcome: 'events', vendorEvent: trigger, events: [{ event: compact(event), booking: { id: bookingUid } }] };
}

export const calcom: SourceVendor<Record<string, never>> = {
  kind: 'calcom',
  label: 'Cal.com',
  headers: ['content-type', 'user-agent', HEADER],
  configSchema: z.strictObject({}),
  newSecret: randomSecret,
  verify(request, secret) {
    const given = request.headers[HEADER];
    if (!given) return missingSignature('X-Cal-Signature-256');
    const expected = hmacSha256(secret, request.body);
    if (!sameBytes(expected, decodeSignature(given.trim(), 'hex'))) return badSignature('X-Cal-Signature-256 does not match the body and the source’s secret');
    return { ok: true, deliveryId: null, replayKey: `sig:${given.trim().toLowerCase()}` };
  },
  decide(body) {
    const root = record(body);
    const trigger = text(root.triggerEvent) ?? null;
    const payload = record(root.payload);
    const createdAt = isoTime(root.createdAt);
    if (trigger === 'BOOKING_NO_SHOW_UPDATED') return noShow(trigger, createdAt, payload);
    const name = trigger ? NAMES[trigger] : undefined;
    if (!name || !trigger) return { outcome: 'ignored', vendorEvent: trigger, reason: `unknown event type ${trigger ?? '(none)'}` };
    const uid = text(payload.uid);
    if (!uid) return { outcome: 'invalid', vendorEvent: trigger, issues: [issueAt('payload.uid', 'required')] };
    // A reschedule also ends the original booking; Cal.com marks such a cancel `rescheduled`. The move is the reschedule's.
    if (trigger === 'BOOKING_CANCELLED' && payload.rescheduled === true) {
      return { outcome: 'ignored', vendorEvent: trigger, reason: 'the booking was rescheduled: BOOKING_RESCHEDULED moves the appointment' };
    }
    const replaces = trigger === 'BOOKING_RESCHEDULED' ? text(payload.rescheduleUid) : undefined;
    const event: BookingEvent = {
      event: compact({
        name,
        idempotency_key: `calcom:${trigger}:${uid}`,
        occurred_at: createdAt,
        contact: contactOf(payload),
        appointment: appointmentOf(payload),
      }),
      booking: { id: uid, replaces },
    };
    return { outcome: 'events', vendorEvent: trigger, events: [event] };
  },
};
