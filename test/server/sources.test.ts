/**
 * The sources API and `/hooks/:token` on SQLite and PostgreSQL: who may manage and view sources,
 * the URL shown again and the secret only on create and rotate, unknown event types acknowledged,
 * hostile bodies answered 4xx (never 5xx), redeliveries and replays idempotent, another workspace's
 * source out of reach, and the generic source's Standard Webhooks check and mapping preview.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/store/repositories/workspaces.js';
import { createHarness, T0, type Harness } from '../helpers/harness.js';
import { calcomBody, calcomHeaders, calendlyBody, calendlyHeaders, calendlyInvitee, createSource, deliver, standardHeaders } from '../helpers/source-fixtures.js';
import { testDialects } from '../helpers/test-store.js';

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const START = T0 + 48 * H;

const GENERIC_MAPPING = {
  name: { path: '$.type', map: { 'booking.created': 'appointment.created', 'booking.canceled': 'appointment.canceled' } },
  'contact.email': '$.booking.customer.email',
  'contact.first_name': '$.booking.customer.first_name',
  'appointment.id': '$.booking.id',
  'appointment.start_at': '$.booking.start',
  'appointment.service_name': { const: 'Consultation' },
  'properties.channel': '$.source',
};
const genericBody = (type: string, start: string = iso(START)) => ({
  type,
  source: 'zapier',
  booking: { id: 4711, start, customer: { email: 'ada@example.com', first_name: 'Ada' } },
});

describe.each(testDialects())('sources API on %s', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness(dialect);
  });
  afterEach(async () => {
    await h.close();
  });

  async function calcomDelivery(source: { path: string; secret: string }, trigger = 'BOOKING_CREATED') {
    const body = JSON.stringify(calcomBody(trigger, { uid: 'uid-1', start: iso(START), end: iso(START + H), createdAt: iso(T0) }));
    return deliver(h, source.path, body, calcomHeaders(source.secret, body));
  }

  it('shows the URL always and the secret only on create and rotate; a rotated secret replaces the old one', async () => {
    const source = await createSource(h, 'calcom');
    const got = await h.api('GET', `/v1/sources/${source.id}`);
    expect(got.body.data).toMatchObject({ id: source.id, kind: 'calcom', url: `http://localhost${source.path}`, last_delivery: null });
    expect(got.body.data).not.toHaveProperty('secret');
    expect(source.path).toMatch(/^\/hooks\/[A-Za-z0-9_-]{43}$/);

    const rotated = await h.api('POST', `/v1/sources/${source.id}/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.data.secret).not.toBe(source.secret);
    expect(new URL(rotated.body.data.url).pathname).toBe(source.path);
    expect((await calcomDelivery(source)).status).toBe(401);
    expect((await calcomDelivery({ path: source.path, secret: rotated.body.data.secret })).status).toBe(200);

    const moved = await h.api('POST', `/v1/sources/${source.id}/rotate`, { url: true });
    expect(new URL(moved.body.data.url).pathname).not.toBe(source.path);
    expect((await h.raw(source.path, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(404);

    const list = await h.api('GET', '/v1/sources');
    expect(list.body.data).toMatchObject([{ id: source.id, last_delivery: { outcome: 'applied', status_code: 200 } }]);
    expect((await h.api('DELETE', `/v1/sources/${source.id}`)).status).toBe(204);
    expect((await h.api('GET', `/v1/sources/${source.id}`)).status).toBe(404);
  });

  it('lets staff view sources but not create, rotate, replay or delete them; every change is audited', async () => {
    const source = await createSource(h, 'calendly');
    const { key } = await createApiKey(h.testStore.store.db, h.workspaceId, 'staff', h.clock.now(), 'staff');
    const staff = { authorization: `Bearer ${key}` };
    const as = (method: string, path: string, body?: unknown) =>
      h.raw(path, { method, headers: { ...staff, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    expect((await as('GET', '/v1/sources')).status).toBe(200);
    expect((await as('GET', `/v1/sources/${source.id}/deliveries`)).status).toBe(200);
    expect((await as('POST', '/v1/sources', { kind: 'calcom', name: 'x' })).status).toBe(403);
    expect((await as('POST', `/v1/sources/${source.id}/rotate`)).status).toBe(403);
    expect((await as('DELETE', `/v1/sources/${source.id}`)).status).toBe(403);
    const audit = await h.api('GET', '/v1/audit-log');
    expect(audit.body.data.map((e: { action: string }) => e.action)).toContain('source.created');
  });

  it('acknowledges unknown event types (200, ignored, stored) and refuses bad input with 4xx, never 5xx', async () => {
    const source = await createSource(h, 'calcom');
    const ping = await calcomDelivery(source, 'BOOKING_REQUESTED');
    expect(ping.status).toBe(200);
    expect(ping.body.data).toMatchObject({ outcome: 'ignored', reason: 'unknown event type BOOKING_REQUESTED', event_ids: [] });

    const signed = (body: string, extra: Record<string, string> = {}) => deliver(h, source.path, body, { ...calcomHeaders(source.secret, body), ...extra });
    expect((await signed('{"triggerEvent": ')).status).toBe(400);
    expect((await signed('{"triggerEvent":"BOOKING_CREATED"}', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await signed(`${'['.repeat(5000)}${']'.repeat(5000)}`)).status).toBe(400);
    const noEmail = JSON.stringify({ triggerEvent: 'BOOKING_CREATED', payload: { uid: 'u', startTime: iso(START) } });
    const unmappable = await signed(noEmail);
    expect(unmappable.status).toBe(422);
    expect(unmappable.body.error).toMatchObject({ code: 'unmappable', message: expect.stringContaining('contact') });
    const huge = JSON.stringify({ triggerEvent: 'BOOKING_CREATED', pad: 'x'.repeat(300 * 1024) });
    const large = await signed(huge);
    expect(large.status).toBe(413);
    expect((await h.raw(source.path, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect((await h.raw('/hooks/not-a-token', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(404);

    const deliveries = (await h.api('GET', `/v1/sources/${source.id}/deliveries?limit=3`)).body;
    expect(deliveries.data.map((d: { status_code: number }) => d.status_code)).toEqual([401, 413, 422]);
    expect(deliveries.data[1]).toMatchObject({ body: null, body_bytes: huge.length });
    const next = (await h.api('GET', `/v1/sources/${source.id}/deliveries?cursor=${deliveries.next_cursor}`)).body.data;
    expect(next.map((d: { status_code: number }) => d.status_code)).toEqual([400, 415, 400, 200]);
    expect((await h.api('GET', '/v1/events')).body.data).toEqual([]);
  });

  it('applies a booking without a bad optional field, and says which; a bad start still rejects it and applies nothing', async () => {
    const source = await createSource(h, 'calcom');
    const booking = (uid: string, start: string, attendee: Record<string, unknown>) =>
      JSON.stringify(calcomBody('BOOKING_CREATED', { uid, start, end: iso(START + H), createdAt: iso(T0), extra: { attendees: [{ email: 'ada@example.com', name: 'Ada', ...attendee }] } }));
    const odd = booking('uid-odd', iso(START), { timeZone: 'Mars/Olympus_Mons' });
    const res = await deliver(h, source.path, odd, calcomHeaders(source.secret, odd));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ outcome: 'applied', reason: expect.stringMatching(/^applied without contact\.timezone \(/) });
    const [appointment] = (await h.api('GET', '/v1/appointments')).body.data;
    expect(appointment).toMatchObject({ external_id: 'calcom:uid-odd', start_at: iso(START) });
    const [contact] = (await h.api('GET', '/v1/contacts')).body.data;
    expect(contact).toMatchObject({ email: 'ada@example.com', timezone: null });

    const noStart = booking('uid-bad', 'next tuesday', { timeZone: 'Mars/Olympus_Mons' });
    const refused = await deliver(h, source.path, noStart, calcomHeaders(source.secret, noStart));
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('unmappable');
    expect((await h.api('GET', '/v1/appointments')).body.data).toHaveLength(1);
  });

  it('stores at most 30 unverified attempts a minute per source; past that answers 429 and stores nothing, while signed deliveries go on', async () => {
    const source = await createSource(h, 'calcom');
    const other = await createSource(h, 'calcom');
    const forged = () => calcomDelivery({ path: source.path, secret: 'not-the-secret' });
    for (let i = 0; i < 30; i++) expect((await forged()).status).toBe(401);
    const limited = await forged();
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('too_many_unverified');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await calcomDelivery({ path: other.path, secret: 'not-the-secret' })).status).toBe(401);
    expect((await calcomDelivery(source)).status).toBe(200);
    const stored = async () => (await h.api('GET', `/v1/sources/${source.id}/deliveries?limit=100`)).body.data as Array<{ status_code: number }>;
    expect((await stored()).map((d) => d.status_code).filter((s) => s === 401)).toHaveLength(30);
    expect((await stored()).some((d) => d.status_code === 429)).toBe(false);
    h.clock.advance(60_001);
    expect((await forged()).status).toBe(401);
  });

  it('applies a redelivery and a replay once: same event, nothing new', async () => {
    const source = await createSource(h, 'calendly');
    const body = JSON.stringify(calendlyBody('invitee.created', { invitee: calendlyInvitee('A'), start: iso(START), end: iso(START + H), createdAt: iso(T0) }));
    const first = await deliver(h, source.path, body, calendlyHeaders(source.secret, body, h.clock.now()));
    h.clock.advance(10_000);
    const again = await deliver(h, source.path, body, calendlyHeaders(source.secret, body, h.clock.now()));
    expect(again.status).toBe(200);
    expect(again.body.data.event_ids).toEqual(first.body.data.event_ids);
    const replay = await h.api('POST', `/v1/sources/${source.id}/deliveries/${first.body.data.delivery_id}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body.data).toMatchObject({ outcome: 'applied', replay_of: first.body.data.delivery_id, event_ids: first.body.data.event_ids });
    expect((await h.api('GET', '/v1/events')).body.data).toHaveLength(1);

    const forgedBody = body.replace('John', 'Eve');
    const forged = await deliver(h, source.path, forgedBody, calendlyHeaders('wrong', forgedBody, h.clock.now()));
    const notReplayable = await h.api('POST', `/v1/sources/${source.id}/deliveries/${forged.body.error.delivery_id}/replay`);
    expect(notReplayable.status).toBe(409);
    expect(notReplayable.body.error.code).toBe('not_replayable');
  });

  it('Calendly: a no-show mark makes the appointment a no-show once; removing the mark changes nothing', async () => {
    const source = await createSource(h, 'calendly');
    const send = (event: Parameters<typeof calendlyBody>[0], extra: { noShow?: { uri: string; created_at: string } } = {}) => {
      const body = JSON.stringify(calendlyBody(event, { invitee: calendlyInvitee('N'), start: iso(START), end: iso(START + H), createdAt: iso(h.clock.now()), ...extra }));
      return deliver(h, source.path, body, calendlyHeaders(source.secret, body, h.clock.now()));
    };
    expect((await send('invitee.created')).status).toBe(200);
    const mark = { uri: 'https://api.calendly.com/invitee_no_shows/NS1', created_at: iso(START + H) };
    h.clock.advance(1_000);
    const marked = await send('invitee_no_show.created', { noShow: mark });
    expect(marked.status, JSON.stringify(marked.body)).toBe(200);
    expect(marked.body.data).toMatchObject({ outcome: 'applied', event_ids: [expect.any(String)] });
    const appointment = async () => (await h.api('GET', '/v1/appointments')).body.data[0];
    expect(await appointment()).toMatchObject({ external_id: `calendly:${calendlyInvitee('N')}`, status: 'no_show' });
    const events = (await h.api('GET', '/v1/events')).body.data.map((e: { name: string }) => e.name);
    expect(events).toEqual(['appointment.no_show', 'appointment.created']);

    h.clock.advance(1_000);
    expect((await send('invitee_no_show.created', { noShow: mark })).body.data.event_ids).toEqual(marked.body.data.event_ids);
    const unmarked = await send('invitee_no_show.deleted', { noShow: mark });
    expect(unmarked.status).toBe(200);
    expect(unmarked.body.data).toMatchObject({ outcome: 'ignored', event_ids: [] });
    expect(await appointment()).toMatchObject({ status: 'no_show' });
    expect((await h.api('GET', '/v1/events')).body.data).toHaveLength(2);
  });

  it('keeps another workspace’s source and its deliveries out of this workspace', async () => {
    const other = await h.otherWorkspace();
    const created = await h.raw('/v1/sources', {
      method: 'POST',
      headers: { authorization: `Bearer ${other.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'calcom', name: 'theirs' }),
    });
    const theirs = ((await created.json()) as any).data;
    const body = JSON.stringify(calcomBody('BOOKING_CREATED', { uid: 'theirs', start: iso(START), end: iso(START + H), createdAt: iso(T0) }));
    expect((await deliver(h, new URL(theirs.url).pathname, body, calcomHeaders(theirs.secret, body))).status).toBe(200);
    expect((await h.api('GET', '/v1/appointments')).body.data).toEqual([]);
    expect((await h.api('GET', '/v1/sources')).body.data).toEqual([]);
    expect((await h.api('GET', `/v1/sources/${theirs.id}`)).status).toBe(404);
    expect((await h.api('GET', `/v1/sources/${theirs.id}/deliveries`)).status).toBe(404);
    expect((await h.api('POST', `/v1/sources/${theirs.id}/rotate`)).status).toBe(404);
  });

  it('a generic source verifies Standard Webhooks, maps the body, and ignores types its table does not know', async () => {
    const source = await createSource(h, 'generic', { verification: { scheme: 'standard' }, mapping: GENERIC_MAPPING });
    expect(source.secret).toMatch(/^whsec_/);
    const body = JSON.stringify(genericBody('booking.created'));
    const res = await deliver(h, source.path, body, standardHeaders(source.secret, 'msg_1', body, h.clock.now()));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [appointment] = (await h.api('GET', '/v1/appointments')).body.data;
    expect(appointment).toMatchObject({ external_id: '4711', start_at: iso(START), service_name: 'Consultation' });
    const [event] = (await h.api('GET', '/v1/events')).body.data;
    expect(event.payload.properties).toEqual({ channel: 'zapier' });

    const again = await deliver(h, source.path, body, standardHeaders(source.secret, 'msg_1', body, h.clock.now() + 1000));
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'duplicate', data: { outcome: 'duplicate', reason: res.body.data.delivery_id } });
    // A third time still names the first delivery, not the duplicate.
    const third = await deliver(h, source.path, body, standardHeaders(source.secret, 'msg_1', body, h.clock.now() + 2000));
    expect(third.body.data.reason).toBe(res.body.data.delivery_id);
    expect((await h.api('GET', '/v1/events')).body.data).toHaveLength(1);
    const other = JSON.stringify(genericBody('booking.paid'));
    const ignored = await deliver(h, source.path, other, standardHeaders(source.secret, 'msg_2', other, h.clock.now()));
    expect(ignored.body.data).toMatchObject({ outcome: 'ignored', reason: 'unknown event type booking.paid' });
  });

  it('a generic source with a plain HMAC header checks it with its prefix and encoding', async () => {
    const source = await createSource(h, 'generic', { verification: { scheme: 'hmac', header: 'X-Signature', encoding: 'base64', prefix: 'sha256=' }, mapping: GENERIC_MAPPING });
    const { createHmac } = await import('node:crypto');
    const body = JSON.stringify(genericBody('booking.created'));
    const signature = createHmac('sha256', source.secret).update(body).digest('base64');
    expect((await deliver(h, source.path, body, { 'content-type': 'application/json', 'x-signature': signature })).status).toBe(401);
    const ok = await deliver(h, source.path, body, { 'content-type': 'application/json', 'x-signature': `sha256=${signature}` });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });

  it('previews a mapping against a sample: the event, or issues with paths', async () => {
    const source = await createSource(h, 'generic', { mapping: GENERIC_MAPPING });
    const good = await h.api('POST', `/v1/sources/${source.id}/preview`, { body: genericBody('booking.created') });
    expect(good.body.data).toMatchObject({ outcome: 'events', events: [{ name: 'appointment.created', contact: { email: 'ada@example.com' }, appointment: { id: '4711' } }] });

    const badTime = await h.api('POST', `/v1/sources/${source.id}/preview`, { body: genericBody('booking.created', 'tomorrow') });
    expect(badTime.body.data.outcome).toBe('invalid');
    expect(badTime.body.data.issues.map((i: { path: string }) => i.path)).toEqual(['mapping.appointment.start_at']);

    const objectValue = await h.api('POST', `/v1/sources/${source.id}/preview`, { body: genericBody('booking.created'), mapping: { ...GENERIC_MAPPING, 'contact.email': '$.booking' } });
    expect(objectValue.body.data.issues).toEqual([{ path: 'mapping.contact.email', message: expect.stringContaining('an object'), code: 'mapping_scalar', params: { received: 'object' } }]);

    // A bad optional value: the event without it, and the field named beside it.
    const oddZone = await h.api('POST', `/v1/sources/${source.id}/preview`, { body: genericBody('booking.created'), mapping: { ...GENERIC_MAPPING, 'contact.timezone': { const: 'Mars/Olympus_Mons' } } });
    expect(oddZone.body.data).toMatchObject({ outcome: 'events', issues: [{ path: 'mapping.contact.timezone' }] });
    expect(oddZone.body.data.events[0].contact).toEqual({ email: 'ada@example.com', first_name: 'Ada' });

    const badMapping = await h.api('POST', `/v1/sources/${source.id}/preview`, { body: {}, mapping: { name: '$.type', 'contact.emial': '$.x', 'appointment.id': '$..id' } });
    expect(badMapping.status).toBe(400);
    expect(badMapping.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['mapping.appointment.id', 'mapping.contact.emial']);
    expect(badMapping.body.error.details.map((d: { code: string }) => d.code).sort()).toEqual(['mapping_target', 'path_syntax']);

    const missing = await h.api('POST', '/v1/sources', { kind: 'generic', name: 'no mapping', config: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.error.path).toBe('config.mapping');
  });
});
