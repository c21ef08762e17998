/**
 * Calendly: `Calendly-Webhook-Signature: t=<unix seconds>,v1=<hex>`, v1 the HMAC-SHA256 of
 * `"<t>." + raw body` with the subscription's signing key; `t` must be within 5 minutes of now.
 * The body is `{ event, created_at, payload }`, the payload an invitee with its `scheduled_event`.
 *
 * A reschedule arrives as two deliveries, in either order: `invitee.canceled` of the old invitee with
 * `rescheduled: true` and `new_invitee`, and `invitee.created` of the new one with `old_invitee`.
 * The create is the reschedule: it moves the appointment the old invitee belongs to. The cancel
 * only links the new invitee to that appointment and cancels nothing, so reminders live on
 * whichever arrives first.
 *
 * `invitee_no_show.created` carries the invitee with its `no_show` mark: the appointment becomes a
 * no-show. `invitee_no_show.deleted` (the mark removed) is acknowledged and changes nothing, as a
 * cleared no-show from Cal.com: what the no-show started has already run.
 */
import { z } from 'zod';
import { issueAt } from '../core/issue-codes.js';
import { compact, isoTime, record, text, type SourceDecision } from '../core/sources/source-decision.js';
import { anyMatches, badSignature, checkTimestamp, decodeSignature, hmacSha256, missingSignature, randomSecret } from './signatures.js';
import type { SourceVendor } from './vendor.js';

const HEADER = 'calendly-webhook-signature';

function parseHeader(value: string): { t: string | undefined; v1: string[] } {
  let t: string | undefined;
  const v1: string[] = [];
  for (const part of value.split(',')) {
    const [key, ...rest] = part.trim().split('=');
    const item = rest.join('=');
    if (key === 't') t = item;
    else if (key === 'v1') v1.push(item);
  }
  return { t, v1 };
}

function contactOf(invitee: Record<string, unknown>): Record<string, unknown> {
  return compact({
    email: text(invitee.email),
    name: text(invitee.name),
    first_name: text(invitee.first_name),
    last_name: text(invitee.last_name),
    timezone: text(invitee.timezone),
    phone: text(invitee.text_reminder_number),
  });
}

function appointmentOf(invitee: Record<string, unknown>): Record<string, unknown> {
  const scheduled = record(invitee.scheduled_event);
  const host = record(Array.isArray(scheduled.event_memberships) ? scheduled.event_memberships[0] : undefined);
  const location = record(scheduled.location);
  return compact({
    start_at: isoTime(scheduled.start_time),
    end_at: isoTime(scheduled.end_time),
    timezone: text(invitee.timezone),
    service_name: text(scheduled.name),
    service_location: text(location.location) ?? text(location.join_url),
    team_member: text(host.user_name),
    team_member_email: text(host.user_email),
    customer_management_link: text(invitee.reschedule_url),
    extra: compact({ source: 'calendly', invitee_uri: text(invitee.uri), cancel_url: text(invitee.cancel_url) }),
  });
}

/** The invitee marked as a no-show; the mark's own URI keys the event, so marking again after an unmark is a new event. */
function noShow(root: Record<string, unknown>, invitee: Record<string, unknown>, uri: string): SourceDecision {
  const type = 'invitee_no_show.created';
  const mark = record(invitee.no_show);
  const event = compact({
    name: 'appointment.no_show',
    idempotency_key: `calendly:${type}:${text(mark.uri) ?? uri}`,
    occurred_at: isoTime(mark.created_at) ?? isoTime(root.created_at),
    contact: contactOf(invitee),
    appointment: {},
  });
  return { outcome: 'events', vendorEvent: type, events: [{ event, booking: { id: uri } }] };
}

function decide(body: unknown): SourceDecision {
  const root = record(body);
  const type = text(root.event) ?? null;
  const invitee = record(root.payload);
  const uri = text(invitee.uri);
  if (type === 'invitee_no_show.deleted') {
    return { outcome: 'ignored', vendorEvent: type, reason: 'a no-show mark removed: the appointment stays as it is' };
  }
  if (type !== 'invitee.created' && type !== 'invitee.canceled' && type !== 'invitee_no_show.created') {
    return { outcome: 'ignored', vendorEvent: type, reason: `unknown event type ${type ?? '(none)'}` };
  }
  if (!uri) return { outcome: 'invalid', vendorEvent: type, issues: [issueAt('payload.uri', 'required')] };
  if (type === 'invitee_no_show.created') return noShow(root, invitee, uri);
  if (type === 'invitee.canceled' && invitee.rescheduled === true) {
    const next = text(invitee.new_invitee);
    return {
      outcome: 'ignored',
      vendorEvent: type,
      reason: 'rescheduled: the new invitee (invitee.created with old_invitee) moves the appointment; nothing is canceled',
      ...(next ? { links: [{ booking: next, sameAs: uri }] } : {}),
    };
  }
  const replaces = type === 'invitee.created' ? text(invitee.old_invitee) : undefined;
  const name = type === 'invitee.canceled' ? 'appointment.canceled' : replaces ? 'appointment.rescheduled' : 'appointment.created';
  const event = compact({
    name,
    idempotency_key: `calendly:${type}:${uri}`,
    occurred_at: isoTime(root.created_at),
    contact: contactOf(invitee),
    appointment: appointmentOf(invitee),
  });
  return { outcome: 'events', vendorEvent: type, events: [{ event, booking: { id: uri, replaces } }] };
}

export const calendly: SourceVendor<Record<string, never>> = {
  kind: 'calendly',
  label: 'Calendly',
  headers: ['content-type', 'user-agent', HEADER],
  configSchema: z.strictObject({}),
  newSecret: randomSecret,
  verify(request, secret, _config, now) {
    const given = request.headers[HEADER];
    if (!given) return missingSignature('Calendly-Webhook-Signature');
    const { t, v1 } = parseHeader(given);
    if (v1.length === 0) return missingSignature('v1 signature in Calendly-Webhook-Signature');
    const stale = checkTimestamp(t, now);
    if (stale) return stale;
    const expected = hmacSha256(secret, `${t}.`, request.body);
    if (!anyMatches(expected, v1.map((s) => decodeSignature(s, 'hex')))) {
      return badSignature('Calendly-Webhook-Signature does not match the body and the source’s signing key');
    }
    return { ok: true, deliveryId: null, replayKey: `sig:${expected.toString('hex')}` };
  },
  decide,
};
