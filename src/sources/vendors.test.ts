import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { calcom } from './calcom.js';
import { calendly } from './calendly.js';
import type { SourceDecision } from '../core/sources/source-decision.js';
import { generic, genericConfigSchema } from './generic.js';
import type { SourceVendor, VendorContext } from './vendor.js';

const NOW = Date.parse('2026-11-23T09:00:00Z');
const bytes = (text: string) => new TextEncoder().encode(text);
const request = (body: string, headers: Record<string, string>) => ({ body: bytes(body), headers, url: 'https://nudge.example/hooks/t' });
const CONTEXT: VendorContext<unknown> = {
  headers: {},
  credentials: null,
  getJson: () => Promise.reject(new Error('no API in unit tests')),
  endpoint: (_name, fallback) => fallback,
};
/** A synchronous vendor's decision. */
const decide = (vendor: SourceVendor<any, any>, body: unknown, config: unknown = {}) => vendor.decide(body, config, CONTEXT) as SourceDecision;

describe('Cal.com', () => {
  const body = '{"triggerEvent":"BOOKING_CREATED"}';
  const sig = createHmac('sha256', 'secret').update(body).digest('hex');

  it('accepts the hex HMAC of the raw body and nothing else', () => {
    expect(calcom.verify(request(body, { 'x-cal-signature-256': sig }), 'secret', {}, NOW)).toMatchObject({ ok: true, replayKey: `sig:${sig}` });
    expect(calcom.verify(request(`${body} `, { 'x-cal-signature-256': sig }), 'secret', {}, NOW)).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(calcom.verify(request(body, { 'x-cal-signature-256': 'zz' }), 'secret', {}, NOW)).toMatchObject({ ok: false, code: 'bad_signature' });
    expect(calcom.verify(request(body, {}), 'secret', {}, NOW)).toMatchObject({ ok: false, code: 'missing_signature' });
  });

  it('makes a reschedule replace the original booking, and a no-show from the attendee list', () => {
    const rescheduled = decide(calcom, { triggerEvent: 'BOOKING_RESCHEDULED', payload: { uid: 'new', rescheduleUid: 'old', attendees: [{ email: 'a@example.com' }] } });
    expect(rescheduled).toMatchObject({ outcome: 'events', events: [{ event: { name: 'appointment.rescheduled' }, booking: { id: 'new', replaces: 'old' } }] });
    const noShow = decide(calcom, { triggerEvent: 'BOOKING_NO_SHOW_UPDATED', payload: { bookingUid: 'b', attendees: [{ email: 'a@example.com', noShow: true }] } });
    expect(noShow).toMatchObject({ outcome: 'events', events: [{ event: { name: 'appointment.no_show', contact: { email: 'a@example.com' } }, booking: { id: 'b' } }] });
    expect(decide(calcom, { triggerEvent: 'BOOKING_NO_SHOW_UPDATED', payload: { bookingUid: 'b', attendees: [{ email: 'a@example.com', noShow: false }] } }).outcome).toBe('ignored');
    expect(decide(calcom, { triggerEvent: 'MEETING_ENDED', payload: { uid: 'b' } })).toMatchObject({ events: [{ event: { name: 'appointment.completed' } }] });
  });
});

describe('Calendly', () => {
  const body = '{"event":"invitee.created"}';
  const header = (t: number, key = 'key') => `t=${t},v1=${createHmac('sha256', key).update(`${t}.${body}`).digest('hex')}`;
  const t = Math.floor(NOW / 1000);

  it('checks v1 over "t." + body and holds t to five minutes either side', () => {
    expect(calendly.verify(request(body, { 'calendly-webhook-signature': header(t) }), 'key', {}, NOW).ok).toBe(true);
    expect(calendly.verify(request(body, { 'calendly-webhook-signature': header(t - 301) }), 'key', {}, NOW)).toMatchObject({ code: 'stale_timestamp' });
    expect(calendly.verify(request(body, { 'calendly-webhook-signature': header(t + 301) }), 'key', {}, NOW)).toMatchObject({ code: 'stale_timestamp' });
    expect(calendly.verify(request(body, { 'calendly-webhook-signature': header(t, 'other') }), 'key', {}, NOW)).toMatchObject({ code: 'bad_signature' });
    const moved = header(t).replace(`t=${t}`, `t=${t + 1}`);
    expect(calendly.verify(request(body, { 'calendly-webhook-signature': moved }), 'key', {}, NOW)).toMatchObject({ code: 'bad_signature' });
  });

  it('pairs a reschedule: the cancel links and cancels nothing, the create reschedules the old invitee', () => {
    const cancel = decide(calendly, { event: 'invitee.canceled', payload: { uri: 'old', rescheduled: true, new_invitee: 'new' } });
    expect(cancel).toMatchObject({ outcome: 'ignored', links: [{ booking: 'new', sameAs: 'old' }] });
    const create = decide(calendly, { event: 'invitee.created', payload: { uri: 'new', old_invitee: 'old', email: 'a@example.com' } });
    expect(create).toMatchObject({ outcome: 'events', events: [{ event: { name: 'appointment.rescheduled' }, booking: { id: 'new', replaces: 'old' } }] });
    const plainCancel = decide(calendly, { event: 'invitee.canceled', payload: { uri: 'x', rescheduled: false } });
    expect(plainCancel).toMatchObject({ outcome: 'events', events: [{ event: { name: 'appointment.canceled' } }] });
  });
});

describe('generic', () => {
  const config = genericConfigSchema.parse({ mapping: { name: 'appointment.created' } });

  it('verifies Standard Webhooks over "id.timestamp.body" with the whsec_ key, any of several signatures', () => {
    const secret = generic.newSecret(config);
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const ts = Math.floor(NOW / 1000);
    const body = '{"a":1}';
    const sig = createHmac('sha256', key).update(`msg_1.${ts}.${body}`).digest('base64');
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(ts), 'webhook-signature': `v1,AAAA v1,${sig}` };
    expect(generic.verify(request(body, headers), secret, config, NOW)).toEqual({ ok: true, deliveryId: 'msg_1', replayKey: 'id:msg_1' });
    expect(generic.verify(request(body, { ...headers, 'webhook-id': 'msg_2' }), secret, config, NOW)).toMatchObject({ code: 'bad_signature' });
    expect(generic.verify(request(body, { ...headers, 'webhook-timestamp': String(ts - 600) }), secret, config, NOW)).toMatchObject({ code: 'stale_timestamp' });
  });
});
