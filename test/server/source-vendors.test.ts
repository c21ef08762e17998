/**
 * Shopify, Acuity and Square sources on SQLite and PostgreSQL, with the vendors' documented
 * example payloads signed by the documented algorithms, end to end into appointments: a forged
 * signature answers 401 and applies nothing, a redelivery answers 200 duplicate and applies
 * nothing, hostile bodies answer 4xx. Acuity's appointment details come from a local stand-in of
 * its API (checking basic auth and path) through the outbound guard; Square's signature covers
 * the public URL; Shopify's previous secret verifies for an hour after a rotation.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, T0, type Harness } from '../helpers/harness.js';
import { deliver } from '../helpers/source-fixtures.js';
import { testDialects } from '../helpers/test-store.js';
import { acuityAppointment, acuityForm, acuityHeaders, shopifyHeaders, shopifyOrder, squareBody, squareHeaders } from '../helpers/vendor-fixtures.js';
import { startAcuityStandIn, type AcuityStandIn } from '../stand-ins/acuity.js';
import { startSquareStandIn, type SquareStandIn } from '../stand-ins/square.js';

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const START = T0 + 48 * H;
const PUBLIC_URL = 'https://nudge.example.com';
const ACUITY_USER = '11145481';
const ACUITY_KEY = 'acuity-api-key';
const SQUARE_TOKEN = 'EAAAl-square-access-token';

describe.each(testDialects())('vendor sources on %s', (dialect) => {
  let h: Harness;
  let acuityApi: AcuityStandIn;
  let squareApi: SquareStandIn;
  beforeAll(async () => {
    acuityApi = await startAcuityStandIn(ACUITY_USER, ACUITY_KEY);
    squareApi = await startSquareStandIn(SQUARE_TOKEN);
  });
  afterAll(async () => {
    await acuityApi.close();
    await squareApi.close();
  });
  beforeEach(async () => {
    acuityApi.appointments.clear();
    acuityApi.requests.length = 0;
    squareApi.customers.clear();
    squareApi.requests.length = 0;
    h = await createHarness(dialect, { NUDGE_CHANNEL_ENDPOINTS: `acuity=${acuityApi.url},square=${squareApi.url}`, NUDGE_PUBLIC_URL: PUBLIC_URL });
  });
  afterEach(async () => {
    await h.close();
  });

  async function source(kind: string, credentials: Record<string, string>) {
    const res = await h.api('POST', '/v1/sources', { kind, name: kind, credentials });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).not.toHaveProperty('secret');
    return { id: res.body.data.id as string, path: new URL(res.body.data.url).pathname };
  }
  const appointments = async () => (await h.api('GET', '/v1/appointments')).body.data as Array<Record<string, any>>;
  const eventCount = async () => (await h.api('GET', '/v1/events')).body.data.length as number;

  it('Shopify: booking line items become appointments; duplicates, forgeries and other topics change nothing', async () => {
    const shop = await source('shopify', { secret: 'shpss_secret' });
    const send = (body: string, topic: string, id: string, secret = 'shpss_secret') => deliver(h, shop.path, body, shopifyHeaders(secret, body, topic, id));
    const order = JSON.stringify(shopifyOrder({ id: 450789469, start: iso(START), end: iso(START + H) }));
    const created = await send(order, 'orders/create', 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043');
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.data).toMatchObject({ outcome: 'applied', event_ids: [expect.any(String)] });
    expect(await appointments()).toMatchObject([
      { external_id: 'shopify:450789469:866550311766439020', status: 'booked', start_at: iso(START), end_at: iso(START + H), service_name: 'Tattoo Removal', team_member: 'Ada', timezone: 'America/New_York' },
    ]);

    const again = await send(order, 'orders/create', 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043');
    expect(again).toMatchObject({ status: 200, body: { status: 'duplicate', data: { reason: created.body.data.delivery_id } } });
    expect((await send(order, 'orders/paid', 'second-delivery')).body.data.outcome).toBe('applied');
    expect(await eventCount()).toBe(1);

    const forgedOrder = order.replace('jon@example.com', 'eve@example.com');
    expect((await send(forgedOrder, 'orders/cancelled', 'forged', 'not-the-secret')).status).toBe(401);
    expect((await send(order, 'products/update', 'other-topic')).body.data).toMatchObject({ outcome: 'ignored', reason: 'unknown event type products/update' });
    expect((await send('{"id": ', 'orders/create', 'broken')).status).toBe(400);
    expect((await send('[]', 'orders/create', 'no-order')).status).toBe(422);
    expect((await deliver(h, shop.path, order, { ...shopifyHeaders('shpss_secret', order, 'orders/create', 'x'), 'content-type': 'text/plain' })).status).toBe(415);
    expect((await appointments())[0]!.status).toBe('booked');

    const cancelled = JSON.stringify(shopifyOrder({ id: 450789469, start: iso(START), cancelled: true }));
    expect((await send(cancelled, 'orders/cancelled', 'cancel-delivery')).status).toBe(200);
    expect((await appointments())[0]!.status).toBe('canceled');
  });

  it('Shopify: after a rotation the previous secret verifies for one hour, then only the new one', async () => {
    const shop = await source('shopify', { secret: 'old-secret' });
    expect((await h.api('POST', `/v1/sources/${shop.id}/rotate`, {})).status).toBe(400);
    const rotated = await h.api('POST', `/v1/sources/${shop.id}/rotate`, { credentials: { secret: 'new-secret' } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.data).not.toHaveProperty('secret');
    const order = (n: number) => JSON.stringify(shopifyOrder({ id: n, start: iso(START) }));
    const send = (n: number, secret: string) => deliver(h, shop.path, order(n), shopifyHeaders(secret, order(n), 'orders/create', `delivery-${n}`));
    h.clock.advance(H - 1);
    expect((await send(1, 'old-secret')).status).toBe(200);
    expect((await send(2, 'new-secret')).status).toBe(200);
    h.clock.advance(1);
    expect((await send(3, 'old-secret')).status).toBe(401);
    expect((await send(4, 'new-secret')).status).toBe(200);
    expect(await appointments()).toHaveLength(3);
  });

  it('Acuity: a form-encoded notification fetches the appointment from the API with basic auth', async () => {
    const acuity = await source('acuity', { user_id: ACUITY_USER, api_key: ACUITY_KEY });
    const send = (action: string, key = ACUITY_KEY) => {
      const body = acuityForm(action, 54321);
      return deliver(h, acuity.path, body, acuityHeaders(key, body));
    };
    acuityApi.appointments.set('54321', acuityAppointment(54321, '2026-11-25T10:15:00-0500'));
    const scheduled = await send('scheduled');
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    expect(acuityApi.requests).toEqual([{ path: '/api/v1/appointments/54321', status: 200 }]);
    expect(await appointments()).toMatchObject([
      { external_id: 'acuity:54321', status: 'booked', start_at: '2026-11-25T15:15:00.000Z', end_at: '2026-11-25T16:15:00.000Z', service_name: 'Regular Visit', team_member: 'My Calendar' },
    ]);
    expect((await send('scheduled')).body).toMatchObject({ status: 'duplicate' });
    expect((await send('changed')).body.data).toMatchObject({ outcome: 'ignored' });
    expect((await send('canceled', 'forged-key')).status).toBe(401);
    expect(acuityApi.requests).toHaveLength(1);

    acuityApi.appointments.set('54321', acuityAppointment(54321, '2026-11-26T09:00:00-0500'));
    expect((await send('rescheduled')).status).toBe(200);
    expect((await appointments())[0]).toMatchObject({ start_at: '2026-11-26T14:00:00.000Z', status: 'booked' });
    expect((await send('canceled')).status).toBe(200);
    expect((await appointments())[0]!.status).toBe('canceled');
  });

  it('Acuity: an appointment answer larger than the delivery log keeps (intake forms) is read whole', async () => {
    const acuity = await source('acuity', { user_id: ACUITY_USER, api_key: ACUITY_KEY });
    // Acuity returns every intake form answer with the appointment: 200 answers of 300 characters.
    const forms = [{ id: 1, name: 'Intake', values: Array.from({ length: 200 }, (_, i) => ({ id: i, fieldID: i, name: `Question ${i}`, value: 'x'.repeat(300) })) }];
    const answer = { ...acuityAppointment(6060, '2026-11-25T10:15:00-0500'), forms };
    expect(JSON.stringify(answer).length).toBeGreaterThan(60_000);
    acuityApi.appointments.set('6060', answer);
    const body = acuityForm('scheduled', 6060);
    const scheduled = await deliver(h, acuity.path, body, acuityHeaders(ACUITY_KEY, body));
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    expect(scheduled.body.data).toMatchObject({ outcome: 'applied' });
    expect(await appointments()).toMatchObject([{ external_id: 'acuity:6060', start_at: '2026-11-25T15:15:00.000Z', service_name: 'Regular Visit' }]);
  });

  it('Acuity: hostile bodies are 4xx; an API refusal is 502 and applies nothing; credentials are required', async () => {
    const missing = await h.api('POST', '/v1/sources', { kind: 'acuity', name: 'x' });
    expect(missing.status).toBe(400);
    expect(missing.body.error.path).toMatch(/^credentials/);
    const wrong = await source('acuity', { user_id: '1', api_key: ACUITY_KEY });
    const body = acuityForm('scheduled', 777);
    acuityApi.appointments.set('777', acuityAppointment(777, '2026-11-25T10:15:00-0500'));
    const refused = await deliver(h, wrong.path, body, acuityHeaders(ACUITY_KEY, body));
    expect(refused.status).toBe(502);
    expect(refused.body.error.code).toBe('upstream_failed');
    expect(acuityApi.requests).toEqual([{ path: '/api/v1/appointments/777', status: 401 }]);
    const json = '{"action":"scheduled","id":"777"}';
    expect((await deliver(h, wrong.path, json, { ...acuityHeaders(ACUITY_KEY, json), 'content-type': 'application/json' })).status).toBe(415);
    const badId = 'action=scheduled&id=..%2F..%2Fadmin';
    expect((await deliver(h, wrong.path, badId, acuityHeaders(ACUITY_KEY, badId))).status).toBe(422);
    expect(acuityApi.requests).toHaveLength(1);
    expect(await appointments()).toEqual([]);
  });

  it('Square: signed over the public URL and body; updates move, cancel or mark a no-show, and only when something changed', async () => {
    const sq = await source('square', { signature_key: 'sq-signature-key' });
    const url = `${PUBLIC_URL}${sq.path}`;
    const send = (type: 'booking.created' | 'booking.updated', o: Parameters<typeof squareBody>[1], signedUrl = url) => {
      const body = JSON.stringify(squareBody(type, o));
      return deliver(h, sq.path, body, squareHeaders('sq-signature-key', signedUrl, body));
    };
    const booking = { bookingId: 'zkras0xv0xwswx', start: iso(START) };
    expect((await send('booking.created', { ...booking, eventId: 'e1' }, `http://localhost${sq.path}`)).status).toBe(401);
    const created = await send('booking.created', { ...booking, eventId: 'e1' });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const [appointment] = await appointments();
    expect(appointment).toMatchObject({ external_id: 'square:zkras0xv0xwswx', status: 'booked', start_at: iso(START), end_at: iso(START + H), service_duration: 60 });
    const [contact] = (await h.api('GET', '/v1/contacts')).body.data;
    expect(contact.external_id).toBe('square:HF4YCVZW2SYT3FKYHY9ZZAEK4M');
    expect((await send('booking.created', { ...booking, eventId: 'e1' })).body).toMatchObject({ status: 'duplicate' });

    const noteOnly = await send('booking.updated', { ...booking, eventId: 'e2', version: 1 });
    expect(noteOnly.body.data).toMatchObject({ outcome: 'ignored', reason: expect.stringContaining('not its start') });
    expect((await send('booking.updated', { ...booking, start: iso(START + 2 * H), eventId: 'e3', version: 2 })).body.data.outcome).toBe('applied');
    expect((await appointments())[0]).toMatchObject({ start_at: iso(START + 2 * H), status: 'booked' });
    expect((await send('booking.updated', { ...booking, start: iso(START + 2 * H), eventId: 'e4', status: 'NO_SHOW' })).status).toBe(200);
    expect((await appointments())[0]!.status).toBe('no_show');
    expect((await send('booking.updated', { ...booking, start: iso(START + 2 * H), eventId: 'e5', status: 'CANCELLED_BY_CUSTOMER' })).status).toBe(200);
    expect((await appointments())[0]!.status).toBe('canceled');

    const noId = JSON.stringify({ type: 'booking.created', event_id: 'e6', data: { object: { booking: {} } } });
    expect((await deliver(h, sq.path, noId, squareHeaders('sq-signature-key', url, noId))).status).toBe(422);
    expect(await eventCount()).toBe(4);
  });

  it('Square: with an access token, the booking’s customer is read from the Customers API (name, email, phone)', async () => {
    const sq = await source('square', { signature_key: 'sq-signature-key', access_token: SQUARE_TOKEN });
    const url = `${PUBLIC_URL}${sq.path}`;
    squareApi.customers.set('HF4YCVZW2SYT3FKYHY9ZZAEK4M', {
      id: 'HF4YCVZW2SYT3FKYHY9ZZAEK4M',
      given_name: 'Amelia',
      family_name: 'Earhart',
      email_address: 'Amelia.Earhart@example.com',
      phone_number: '+12125550123',
      created_at: '2026-03-23T20:21:54.859Z',
    });
    const body = JSON.stringify(squareBody('booking.created', { bookingId: 'bk1', start: iso(START), eventId: 'c1' }));
    const created = await deliver(h, sq.path, body, squareHeaders('sq-signature-key', url, body));
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(squareApi.requests).toEqual([{ path: '/v2/customers/HF4YCVZW2SYT3FKYHY9ZZAEK4M', status: 200, version: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }]);
    const [contact] = (await h.api('GET', '/v1/contacts')).body.data;
    expect(contact).toMatchObject({ external_id: 'square:HF4YCVZW2SYT3FKYHY9ZZAEK4M', email: 'Amelia.Earhart@example.com', phone: '+12125550123', first_name: 'Amelia', last_name: 'Earhart' });

    // A token Square refuses: 502, nothing applied, and Square retries the delivery.
    const wrong = await source('square', { signature_key: 'sq-signature-key', access_token: 'revoked' });
    const again = JSON.stringify(squareBody('booking.created', { bookingId: 'bk2', start: iso(START), eventId: 'c2' }));
    const refused = await deliver(h, wrong.path, again, squareHeaders('sq-signature-key', `${PUBLIC_URL}${wrong.path}`, again));
    expect(refused.status).toBe(502);
    expect(refused.body.error.code).toBe('upstream_failed');
    expect(await appointments()).toHaveLength(1);
    // An empty access token from a form is no token: the contact is the customer id alone, nothing fetched.
    const none = await source('square', { signature_key: 'sq-signature-key', access_token: '' });
    const third = JSON.stringify(squareBody('booking.created', { bookingId: 'bk3', start: iso(START), eventId: 'c3' }));
    expect((await deliver(h, none.path, third, squareHeaders('sq-signature-key', `${PUBLIC_URL}${none.path}`, third))).status).toBe(200);
    expect(squareApi.requests).toHaveLength(2);
  });
});
