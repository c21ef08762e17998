/** The Omnisend channel against a stand-in that checks Omnisend's events API (2026-03-15) wire format. */
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createOmnisendChannel, uuidFromKey } from '../../src/channels/omnisend/omnisend-channel.js';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';
import { startOmnisendStandIn, type OmnisendStandIn } from '../stand-ins/omnisend.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;
const KEY = '65f0c2a1b3d4e5f60718293a-Zq8XyW7vU6tS5rQ4pO3nM2lK1jI0hG9fE8dC7bA6';
const API_KEY = '{{ secrets.OMNISEND_API_KEY }}';

const FULL_APPOINTMENT = {
  order_id: '4447608111157',
  quantity: 1,
  service_description: 'Please arrive 15 minutes early',
  service_price: 149,
  service_location: '100 Beverly Hills, LA',
  service_image_url: 'https://cdn.shopify.com/s/files/1/tattoo.png',
  team_member: 'David',
  team_member_description: 'David has ten years of experience',
  team_member_email: 'david@example.com',
  team_member_phone: '0000000000',
  variant_title: '30 minutes',
  customer_management_link: 'https://r.sesami.co/1234',
  line_item_properties: [{ name: 'Skin type', value: 'Sensitive' }],
};

const SESAMI_PROPERTIES = {
  appointment_id: 'o1',
  datetime: 'November 23, 2026 at 06:00 AM',
  order_id: 4447608111157, // numbers in Sesami's table, text in the store: sent as numbers
  quantity: 1,
  service_name: 'Tattoo Removal',
  service_description: 'Please arrive 15 minutes early',
  service_duration: 30,
  service_price: 149,
  service_location: '100 Beverly Hills, LA',
  service_image_url: 'https://cdn.shopify.com/s/files/1/tattoo.png',
  team_member: 'David',
  team_member_description: 'David has ten years of experience',
  team_member_email: 'david@example.com',
  team_member_phone: '0000000000',
  variant_title: '30 minutes',
  customer_management_link: 'https://r.sesami.co/1234',
  line_item_properties: [{ name: 'Skin type', value: 'Sensitive' }],
};

describe('omnisend channel module', () => {
  it('derives eventID as a UUID v5 of the idempotency key', () => {
    // Python: uuid.uuid5(uuid.UUID('6f1c2b0e-8d4a-4c7f-9b3e-5a2d1c0f4e8b'), 'ses_01JX.omnisend.1')
    expect(uuidFromKey('ses_01JX.omnisend.1')).toBe('f2ef3c8f-b3d3-5fbb-bc87-85ccb6a5714f');
  });

  it('declares 400 requests per minute, counted against a hash of the key', () => {
    const module = createOmnisendChannel({ now: () => T0, endpoints: {} });
    expect(module.manifest.rateLimits).toEqual([{ limit: 400, intervalMs: 60_000 }]);
    expect(module.manifest.credentials).toEqual(['OMNISEND_API_KEY']);
  });
});

describe('omnisend stand-in', () => {
  let omnisend: OmnisendStandIn;
  beforeAll(async () => {
    omnisend = await startOmnisendStandIn({ apiKeys: [KEY] });
  });
  afterAll(async () => {
    await omnisend.close();
  });

  const valid = () => ({ eventName: 'e', origin: 'api', contact: { email: 'a@example.com' } }) as Record<string, unknown>;
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${omnisend.url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Omnisend-API-Key ${KEY}`, 'omnisend-version': '2026-03-15', 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, type: res.headers.get('content-type'), problem: text ? JSON.parse(text) : null };
  };

  it('refuses what Omnisend refuses, with problem details', async () => {
    expect(await post(valid())).toEqual({ status: 202, type: null, problem: null });
    expect(await post(valid(), { authorization: `X-API-KEY ${KEY}` })).toMatchObject({ status: 401, type: 'application/problem+json' });
    expect((await post(valid(), { 'omnisend-version': 'v5' })).status).toBe(400);
    expect((await post(valid(), { 'content-type': 'text/plain' })).status).toBe(415);
    const bad = { ...valid(), origin: undefined, eventID: 'abc', contact: { phone: '+1234567890123456', firstName: 'x'.repeat(51) } };
    expect((await post(bad)).problem.errors).toEqual([
      { field: 'origin', code: 'required', message: 'Field is required' },
      { field: 'eventID', code: 'invalid_format', message: 'Must be a UUID (v4, v5, v6 or v7)' },
      { field: 'contact.phone', code: 'max_length', message: 'Must be at most 15 characters' },
      { field: 'contact.firstName', code: 'max_length', message: 'Must be at most 50 characters' },
      { field: 'contact.phone', code: 'invalid_format', message: 'Must be a phone number in E.164 format' },
    ]);
    expect((await post({ ...valid(), contact: { firstName: 'Ada' } })).problem.errors).toEqual([
      { field: 'contact', code: 'required', message: 'Contact must have an email, phone or id' },
    ]);
  });
});

describe.each(testDialects())('omnisend channel on %s', (dialect) => {
  let h: Harness;
  let omnisend: OmnisendStandIn;

  beforeAll(async () => {
    omnisend = await startOmnisendStandIn({ apiKeys: [KEY] });
  });
  afterAll(async () => {
    await omnisend.close();
  });
  beforeEach(async () => {
    omnisend.reset();
    h = await createHarness(dialect, { NUDGE_CHANNEL_ENDPOINTS: `omnisend=${omnisend.url}` });
    expect((await h.api('PUT', '/v1/secrets/OMNISEND_API_KEY', { value: KEY })).status).toBe(200);
  });
  afterEach(async () => {
    await h.close();
  });

  async function createFlow(send: Record<string, unknown>) {
    const flow = await h.api('POST', '/v1/flows?activate=true', {
      name: 'Omnisend event',
      trigger: { event: 'appointment.created' },
      steps: [{ id: 'omnisend', send: { channel: 'omnisend', api_key: API_KEY, ...send } }],
    });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
  }

  async function book(id: string, contact: Record<string, unknown> = {}) {
    const res = await h.api(
      'POST',
      '/v1/events',
      appointmentEvent('appointment.created', id, iso(T0 + 5 * H), {
        contact: { last_name: 'Lovelace', phone: '+1 415-555-0123', ...contact },
        appointment: FULL_APPOINTMENT,
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  }

  const deliveryKey = async () => `${(await h.api('GET', '/v1/sessions')).body.data[0].id}.omnisend.1`;

  it('sends the event with every Sesami property and the contact, and keeps the key out of the log', async () => {
    await createFlow({ event_name: 'appointment created' });
    await book('o1');
    await h.drain();
    expect(omnisend.rejected).toEqual([]);
    expect(omnisend.received).toHaveLength(1);
    const { headers, body } = omnisend.received[0]!;
    expect(headers.authorization).toBe(`Omnisend-API-Key ${KEY}`);
    expect(headers['omnisend-version']).toBe('2026-03-15');
    expect(headers['content-type']).toBe('application/json');
    const eventID = uuidFromKey(await deliveryKey());
    expect(eventID).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(body).toEqual({
      eventName: 'appointment created',
      origin: 'api',
      eventID,
      eventTime: '2026-11-23T09:00:00.000Z',
      contact: { email: 'cust-o1@example.com', phone: '+14155550123', firstName: 'Ada', lastName: 'Lovelace' },
      properties: SESAMI_PROPERTIES,
    });
    const deliveries = (await h.api('GET', '/v1/deliveries')).body.data;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ channel: 'omnisend', status: 'succeeded', error: null });
    expect(JSON.stringify(deliveries)).not.toContain(KEY);
    expect(deliveries[0].request.headers.authorization).toBe('Omnisend-API-Key [secret:OMNISEND_API_KEY]');
    expect(deliveries[0].response).toMatchObject({ status: 202, body: '' });
  });

  it('applies contact overrides, Omnisend field limits and extra properties', async () => {
    await createFlow({
      event_name: 'Booked {{ event.service_name }}',
      properties: { service: '{{ event.service_name }}' },
      extra_properties: { price: '{{ event.service_price }}' },
      contact: { firstName: '{{ contact.first_name }} {{ "x" | append: "yz" }}', lastName: '{{ contact.attributes.long_name }}', tags: ['booked', '{{ event.service_name }}', '{{ contact.attributes.none }}'], customProperties: { vip: true } },
      time: '{{ appointment.start_at }}',
      origin: 'sesami',
    });
    await book('o2', { phone: '12345', attributes: { long_name: 'L'.repeat(60) } });
    await h.drain();
    expect(omnisend.rejected).toEqual([]);
    expect(omnisend.received[0]!.body).toEqual({
      eventName: 'Booked Tattoo Removal',
      origin: 'sesami',
      eventID: uuidFromKey(await deliveryKey()),
      eventTime: '2026-11-23T14:00:00.000Z',
      // The phone is not E.164, so it is left out; the last name is cut to Omnisend's 50 characters.
      contact: { email: 'cust-o2@example.com', firstName: 'Ada xyz', lastName: 'L'.repeat(50), tags: ['booked', 'Tattoo Removal'], customProperties: { vip: true } },
      properties: { service: 'Tattoo Removal', price: '149' },
    });
  });

  it('retries a 429 at its Retry-After header, with the same eventID', async () => {
    await createFlow({ event_name: 'appointment created' });
    omnisend.failNext({ status: 429, retryAfterHeader: 20 });
    await book('o3');
    await h.drain();
    h.clock.set(T0 + 19_999);
    await h.drain();
    expect(omnisend.received.map((r) => r.status)).toEqual([429]);
    h.clock.set(T0 + 20_000);
    await h.drain();
    expect(omnisend.received.map((r) => r.status)).toEqual([429, 202]);
    expect(omnisend.received[1]!.body).toEqual(omnisend.received[0]!.body);
    const deliveries = (await h.api('GET', '/v1/deliveries')).body.data.sort((a: any, b: any) => a.attempt - b.attempt);
    expect(deliveries.map((d: any) => [d.attempt, d.status])).toEqual([
      [1, 'retrying'],
      [2, 'succeeded'],
    ]);
    expect(deliveries[0].error).toBe('HTTP 429 Too Many Requests: Rate limit exceeded: 400 requests per minute');
  });

  it('retries a 429 after the problem body retryAfter when there is no header', async () => {
    await createFlow({ event_name: 'appointment created' });
    omnisend.failNext({ status: 429, retryAfterBody: 7 });
    await book('o4');
    await h.drain();
    h.clock.set(T0 + 6_999);
    await h.drain();
    expect(omnisend.received).toHaveLength(1);
    h.clock.set(T0 + 7_000);
    await h.drain();
    expect(omnisend.received.map((r) => r.status)).toEqual([429, 202]);
  });

  it('retries a 5xx with backoff', async () => {
    await createFlow({ event_name: 'appointment created' });
    omnisend.failNext({ status: 500, detail: 'Something went wrong' }, { status: 503 });
    await book('o5');
    await h.drain();
    // Retry base 60 s in the harness, random 0.5: 45 s after the first failure, 90 s after the second.
    h.clock.set(T0 + 44_999);
    await h.drain();
    expect(omnisend.received).toHaveLength(1);
    h.clock.set(T0 + 45_000);
    await h.drain();
    expect(omnisend.received).toHaveLength(2);
    h.clock.set(T0 + 134_999);
    await h.drain();
    expect(omnisend.received).toHaveLength(2);
    h.clock.set(T0 + 135_000);
    await h.drain();
    expect(omnisend.received.map((r) => r.status)).toEqual([500, 503, 202]);
    expect(new Set(omnisend.received.map((r) => r.body.eventID)).size).toBe(1);
    const errors = (await h.api('GET', '/v1/deliveries?status=retrying')).body.data.map((d: any) => d.error).sort();
    expect(errors).toEqual(['HTTP 500 Internal Server Error: Something went wrong', 'HTTP 503 Service Unavailable: Scripted failure']);
  });

  it('gives up at once on a 400, naming the fields Omnisend refused', async () => {
    await createFlow({ event_name: 'appointment created', contact: { email: 'not-an-email', gender: 'x' } });
    await book('o6');
    await h.drain();
    expect(omnisend.received).toHaveLength(0);
    expect(omnisend.rejected.map((p) => p.status)).toEqual([400]);
    const failed = (await h.api('GET', '/v1/sessions?status=failed')).body.data;
    expect(failed[0].end_reason).toBe(
      'send omnisend failed: HTTP 400 Validation failed: The request contains invalid fields (contact.email: invalid_format; contact.gender: invalid_value) (permanent error)',
    );
    h.clock.set(T0 + 2 * H);
    await h.drain();
    expect(omnisend.rejected).toHaveLength(1);
  });

  it('gives up at once on a 401 (wrong key) without writing the key to the log', async () => {
    const wrong = '65f0c2a1b3d4e5f60718293a-revokedrevokedrevokedrevoked';
    expect((await h.api('PUT', '/v1/secrets/OMNISEND_API_KEY', { value: wrong })).status).toBe(200);
    await createFlow({ event_name: 'appointment created' });
    await book('o7');
    await h.drain();
    expect(omnisend.rejected.map((p) => p.status)).toEqual([401]);
    const failed = (await h.api('GET', '/v1/sessions?status=failed')).body.data;
    expect(failed[0].end_reason).toBe(
      'send omnisend failed: HTTP 401 Unauthorized: Provide a valid API key in the Authorization header: Omnisend-API-Key <key> (permanent error)',
    );
    expect(JSON.stringify((await h.api('GET', '/v1/deliveries')).body.data)).not.toContain(wrong);
  });

  it('fails without sending when the contact has no email or phone', async () => {
    await createFlow({ event_name: 'appointment created' });
    await book('o8', { email: undefined, phone: undefined });
    await h.drain();
    expect(omnisend.received).toHaveLength(0);
    expect(omnisend.rejected).toHaveLength(0);
    const failed = (await h.api('GET', '/v1/sessions?status=failed')).body.data;
    expect(failed[0].end_reason).toBe('send omnisend failed: contact: no identifier: Omnisend needs an email, phone or id (permanent error)');
  });

  it('validates omnisend settings when the flow is saved', async () => {
    const res = await h.api('POST', '/v1/flows/validate', {
      name: 'bad',
      trigger: { event: 'appointment.created' },
      steps: [
        { send: { channel: 'omnisend', event_name: 'x', eventName: 'y' } },
        { send: { channel: 'omnisend', api_key: API_KEY, event_name: '', version: 'v5', contact: { first_name: 'x' }, tags: ['a'] } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.data.errors).toEqual([
      { path: 'steps[0].send.api_key', message: 'required', code: 'required' },
      { path: 'steps[0].send.eventName', message: 'unknown field', code: 'unknown_field' },
      { path: 'steps[1].send.event_name', message: 'must not be empty', code: 'too_small', params: { origin: 'string', minimum: 1 } },
      { path: 'steps[1].send.contact.first_name', message: 'unknown field', code: 'unknown_field' },
      { path: 'steps[1].send.version', message: 'expected a version such as 2026-03-15', code: 'format_example', params: { example: '2026-03-15' } },
      { path: 'steps[1].send.tags', message: 'unknown field', code: 'unknown_field' },
    ]);
  });

  it('accepts the example flows of docs/channels/omnisend.md', async () => {
    const doc = await readFile(new URL('../../docs/channels/omnisend.md', import.meta.url), 'utf8');
    const flows = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!));
    expect(flows.length).toBeGreaterThan(0);
    for (const flow of flows) {
      const res = await h.api('POST', '/v1/flows/validate', flow);
      expect(res.body.data, flow.name).toMatchObject({ valid: true, errors: [] });
    }
  });
});
