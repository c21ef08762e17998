/** The Klaviyo channel against a stand-in that checks Klaviyo's Create Event wire format. */
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createKlaviyoChannel } from '../../src/channels/klaviyo/klaviyo-channel.js';
import { createRenderer } from '../../src/engine/send-steps.js';
import { SecretRedactor } from '../../src/engine/template-secrets.js';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';
import { startKlaviyoStandIn, type KlaviyoStandIn } from '../stand-ins/klaviyo.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;
const KEY = 'pk_0a1b2c3d4e5f60718293a4b5c6d7e8f9ab';
const API_KEY = '{{ secrets.KLAVIYO_PRIVATE_API_KEY }}';

/** Every Sesami property filled, so the default property set can be checked value by value. */
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
  line_item_properties: { 'Skin type': 'Sensitive', 'First visit': 'yes' },
};

function sesamiProperties(id: string, datetime: string) {
  return {
    appointment_id: id,
    datetime,
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
    line_item_properties: { 'Skin type': 'Sensitive', 'First visit': 'yes' },
  };
}

describe('klaviyo channel module', () => {
  it('declares Klaviyo Create Event limits and counts them against a hash of the API key, never the key', async () => {
    const module = createKlaviyoChannel({ now: () => T0, endpoints: {} });
    expect(module.manifest.rateLimits).toEqual([
      { limit: 350, intervalMs: 1000 },
      { limit: 3500, intervalMs: 60_000 },
    ]);
    const credentials = module.manifest.credentialFields ?? [];
    const renderer = createRenderer({ contact: { email: 'a@example.com' }, event: {} }, 'steps[0].send', { redactor: new SecretRedactor({ KLAVIYO_PRIVATE_API_KEY: KEY }), credentialFields: credentials });
    const input = await module.render({ api_key: API_KEY, metric: 'Sesami Appointment Created' }, renderer);
    expect(input.url).toBe('https://a.klaviyo.com/api/events');
    expect(input.revision).toBe('2026-07-15');
    const destination = module.destination(input);
    expect(destination).toMatch(/^key-sha256:[0-9a-f]{16}$/);
    expect(destination).not.toContain(KEY);
    const other = await module.render(
      { api_key: 'pk_another_key_000000000000000000000', metric: 'x' },
      createRenderer({ contact: { email: 'a@example.com' }, event: {} }, 'steps[0].send', { credentialFields: credentials }),
    );
    expect(module.destination(other)).not.toBe(destination);
  });
});

describe('klaviyo stand-in', () => {
  let klaviyo: KlaviyoStandIn;
  beforeAll(async () => {
    klaviyo = await startKlaviyoStandIn({ apiKeys: [KEY] });
  });
  afterAll(async () => {
    await klaviyo.close();
  });

  const valid = () => ({
    data: {
      type: 'event',
      attributes: {
        properties: {},
        metric: { data: { type: 'metric', attributes: { name: 'M' } } },
        profile: { data: { type: 'profile', attributes: { email: 'a@example.com' } } },
      },
    },
  });
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${klaviyo.url}/api/events`, {
      method: 'POST',
      headers: { authorization: `Klaviyo-API-Key ${KEY}`, revision: '2026-07-15', 'content-type': 'application/vnd.api+json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, error: text ? JSON.parse(text).errors[0] : null };
  };

  it('refuses what Klaviyo refuses, with JSON:API errors', async () => {
    expect(await post(valid())).toEqual({ status: 202, error: null });
    expect(await post(valid(), { authorization: `Bearer ${KEY}` })).toMatchObject({ status: 401, error: { code: 'not_authenticated' } });
    expect(await post(valid(), { revision: '' })).toMatchObject({ status: 400, error: { source: { parameter: 'revision' } } });
    expect(await post(valid(), { 'content-type': 'text/plain' })).toMatchObject({ status: 415 });
    const noName = valid();
    delete (noName.data.attributes.metric.data.attributes as { name?: string }).name;
    expect(await post(noName)).toMatchObject({ status: 400, error: { source: { pointer: '/data/attributes/metric/data/attributes/name' } } });
    const noIdentifier = valid();
    noIdentifier.data.attributes.profile.data.attributes = { first_name: 'Ada' } as never;
    expect(await post(noIdentifier)).toMatchObject({ status: 400, error: { source: { pointer: '/data/attributes/profile/data/attributes' } } });
    const extra = valid();
    (extra.data.attributes as Record<string, unknown>).unique = 'x';
    expect(await post(extra)).toMatchObject({ status: 400, error: { source: { pointer: '/data/attributes/unique' } } });
    expect(await post({ ...valid(), data: { ...valid().data, type: 'events' } })).toMatchObject({ status: 400, error: { source: { pointer: '/data/type' } } });
  });
});

describe.each(testDialects())('klaviyo channel on %s', (dialect) => {
  let h: Harness;
  let klaviyo: KlaviyoStandIn;

  beforeAll(async () => {
    klaviyo = await startKlaviyoStandIn({ apiKeys: [KEY] });
  });
  afterAll(async () => {
    await klaviyo.close();
  });
  beforeEach(async () => {
    klaviyo.reset();
    h = await createHarness(dialect, { NUDGE_CHANNEL_ENDPOINTS: `klaviyo=${klaviyo.url}` });
    expect((await h.api('PUT', '/v1/secrets/KLAVIYO_PRIVATE_API_KEY', { value: KEY })).status).toBe(200);
  });
  afterEach(async () => {
    await h.close();
  });

  async function createFlow(send: Record<string, unknown>, trigger: unknown = { event: 'appointment.created' }) {
    const flow = await h.api('POST', '/v1/flows?activate=true', {
      name: 'Klaviyo event',
      trigger,
      steps: [{ id: 'klaviyo', send: { channel: 'klaviyo', api_key: API_KEY, ...send } }],
    });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
  }

  async function book(id: string, extra: Parameters<typeof appointmentEvent>[3] = {}) {
    const res = await h.api(
      'POST',
      '/v1/events',
      appointmentEvent('appointment.created', id, iso(T0 + 5 * H), {
        contact: { last_name: 'Lovelace', phone: '+1 (415) 555-0123' },
        appointment: FULL_APPOINTMENT,
        ...extra,
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  }

  const sessionId = async () => (await h.api('GET', '/v1/sessions')).body.data[0].id as string;

  it('sends the JSON:API event with every Sesami property, the profile and the metric, and keeps the key out of the log', async () => {
    await createFlow({ metric: 'Sesami Appointment Created' });
    await book('s1');
    await h.drain();
    expect(klaviyo.rejected).toEqual([]);
    expect(klaviyo.received).toHaveLength(1);
    const { headers, body, path } = klaviyo.received[0]!;
    const uniqueId = `${await sessionId()}.klaviyo.1`;
    expect(path).toBe('/api/events');
    expect(headers.authorization).toBe(`Klaviyo-API-Key ${KEY}`);
    expect(headers.revision).toBe('2026-07-15');
    expect(headers['content-type']).toBe('application/vnd.api+json');
    expect(headers.accept).toBe('application/vnd.api+json');
    expect(body).toEqual({
      data: {
        type: 'event',
        attributes: {
          properties: sesamiProperties('s1', 'November 23, 2026 at 06:00 AM'),
          time: '2026-11-23T09:00:00.000Z',
          metric: { data: { type: 'metric', attributes: { name: 'Sesami Appointment Created' } } },
          profile: {
            data: {
              type: 'profile',
              attributes: {
                email: 'cust-s1@example.com',
                phone_number: '+14155550123',
                external_id: 'cust-s1',
                first_name: 'Ada',
                last_name: 'Lovelace',
              },
            },
          },
          unique_id: uniqueId,
        },
      },
    });
    expect(klaviyo.events).toHaveLength(1);

    const deliveries = (await h.api('GET', '/v1/deliveries')).body.data;
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ channel: 'klaviyo', status: 'succeeded', idempotency_key: uniqueId, error: null });
    expect(JSON.stringify(deliveries)).not.toContain(KEY);
    expect(deliveries[0].request.headers.authorization).toBe('Klaviyo-API-Key [secret:KLAVIYO_PRIVATE_API_KEY]');
    expect(deliveries[0].request.url).toBe(`${klaviyo.url}/api/events`);
    expect(deliveries[0].response).toMatchObject({ status: 202, body: '' });
    expect(deliveries[0].response.headers['ratelimit-limit']).toBe('3500');
  });

  it('sends custom properties, profile overrides, value and time as configured', async () => {
    await createFlow({
      metric: 'Booked {{ event.service_name }}',
      properties: { service: '{{ event.service_name }}', minutes: '{{ event.service_duration }}', note: 'Hi "{{ contact.first_name }}"' },
      extra_properties: { source: 'nudge' },
      profile: { external_id: 'crm-{{ contact.external_id }}', locale: 'en-US', phone_number: 'not a phone', properties: { vip: true } },
      value: '{{ event.service_price }}',
      value_currency: 'USD',
      time: '{{ appointment.start_at }}',
      revision: '2026-04-15',
    });
    await book('s2');
    await h.drain();
    expect(klaviyo.rejected).toEqual([]);
    const { headers, body } = klaviyo.received[0]!;
    expect(headers.revision).toBe('2026-04-15');
    expect(body.data.attributes).toEqual({
      properties: { service: 'Tattoo Removal', minutes: 30, note: 'Hi "Ada"', source: 'nudge' },
      time: '2026-11-23T14:00:00.000Z',
      value: 149,
      value_currency: 'USD',
      metric: { data: { type: 'metric', attributes: { name: 'Booked Tattoo Removal' } } },
      profile: {
        data: {
          type: 'profile',
          // The phone is not E.164, so it is left out rather than failing the whole event.
          attributes: {
            email: 'cust-s2@example.com',
            external_id: 'crm-cust-s2',
            first_name: 'Ada',
            last_name: 'Lovelace',
            locale: 'en-US',
            properties: { vip: true },
          },
        },
      },
      unique_id: `${await sessionId()}.klaviyo.1`,
    });
  });

  it('retries a 429 exactly at Retry-After, with the same unique_id', async () => {
    await createFlow({ metric: 'Sesami Appointment Created' });
    klaviyo.failNext({ status: 429, retryAfter: 30 });
    await book('s3');
    await h.drain();
    expect(klaviyo.received.map((r) => r.status)).toEqual([429]);
    h.clock.set(T0 + 29_999);
    await h.drain();
    expect(klaviyo.received).toHaveLength(1);
    h.clock.set(T0 + 30_000);
    await h.drain();
    expect(klaviyo.received.map((r) => r.status)).toEqual([429, 202]);
    const ids = klaviyo.received.map((r) => r.body.data.attributes.unique_id);
    expect(ids[0]).toBe(`${await sessionId()}.klaviyo.1`);
    expect(ids[1]).toBe(ids[0]);
    const deliveries = (await h.api('GET', '/v1/deliveries')).body.data.sort((a: any, b: any) => a.attempt - b.attempt);
    expect(deliveries.map((d: any) => [d.attempt, d.status])).toEqual([
      [1, 'retrying'],
      [2, 'succeeded'],
    ]);
    expect(deliveries[0].error).toBe('HTTP 429 throttled: Request was throttled. Expected available in 30 seconds.');
    expect(deliveries[0].response.headers['retry-after']).toBe('30');
    expect(deliveries[0].response.headers['ratelimit-limit']).toBeUndefined();
  });

  it('retries a 5xx with backoff, and Klaviyo records the event once when the lost attempt had gone through', async () => {
    await createFlow({ metric: 'Sesami Appointment Created' });
    klaviyo.failNext({ status: 503, processed: true });
    await book('s4');
    await h.drain();
    expect(klaviyo.received.map((r) => r.status)).toEqual([503]);
    // Retry base 60 s in the harness, random 0.5: the first retry waits 45 s.
    h.clock.set(T0 + 44_999);
    await h.drain();
    expect(klaviyo.received).toHaveLength(1);
    h.clock.set(T0 + 45_000);
    await h.drain();
    expect(klaviyo.received.map((r) => r.status)).toEqual([503, 202]);
    expect(klaviyo.received[1]!.body).toEqual(klaviyo.received[0]!.body);
    expect(klaviyo.events).toHaveLength(1);
    expect((await h.api('GET', '/v1/sessions?status=completed')).body.data).toHaveLength(1);
  });

  it('gives up at once on a 400, with the JSON:API detail and pointer in the reason', async () => {
    await createFlow({ metric: 'Sesami Appointment Created', profile: { email: 'not-an-email' } });
    await book('s5');
    await h.drain();
    expect(klaviyo.received).toHaveLength(0);
    expect(klaviyo.rejected.map((r) => r.status)).toEqual([400]);
    const failed = (await h.api('GET', '/v1/sessions?status=failed')).body.data;
    expect(failed).toHaveLength(1);
    expect(failed[0].end_reason).toBe(
      'send klaviyo failed: HTTP 400 invalid: Invalid email address (at /data/attributes/profile/data/attributes/email) (permanent error)',
    );
    h.clock.set(T0 + 2 * H);
    await h.drain();
    expect(klaviyo.rejected).toHaveLength(1);
  });

  it('gives up at once on a 401 (wrong key) without writing the key to the log', async () => {
    const wrong = 'pk_revoked_000000000000000000000000000';
    expect((await h.api('PUT', '/v1/secrets/KLAVIYO_PRIVATE_API_KEY', { value: wrong })).status).toBe(200);
    await createFlow({ metric: 'Sesami Appointment Created' });
    await book('s6');
    await h.drain();
    expect(klaviyo.rejected.map((r) => [r.status, r.errors[0]!.code])).toEqual([[401, 'not_authenticated']]);
    const failed = (await h.api('GET', '/v1/sessions?status=failed')).body.data;
    expect(failed[0].end_reason).toBe(
      'send klaviyo failed: HTTP 401 not_authenticated: Incorrect authentication credentials. (check the private API key: it starts with pk_) (permanent error)',
    );
    const deliveries = (await h.api('GET', '/v1/deliveries')).body.data;
    expect(deliveries.map((d: any) => d.status)).toEqual(['failed']);
    expect(JSON.stringify(deliveries)).not.toContain(wrong);
    h.clock.set(T0 + 2 * H);
    await h.drain();
    expect(klaviyo.rejected).toHaveLength(1);
  });

  it('gives up at once on a scripted 403 (key without events:write)', async () => {
    await createFlow({ metric: 'Sesami Appointment Created' });
    klaviyo.failNext({ status: 403, detail: 'You do not have permission to perform this action.' });
    await book('s7');
    await h.drain();
    const failed = (await h.api('GET', '/v1/sessions?status=failed')).body.data;
    expect(failed[0].end_reason).toBe(
      'send klaviyo failed: HTTP 403 permission_denied: You do not have permission to perform this action. (the API key needs the events:write scope, or full access) (permanent error)',
    );
  });

  it('validates klaviyo settings when the flow is saved', async () => {
    const res = await h.api('POST', '/v1/flows/validate', {
      name: 'bad',
      trigger: { event: 'appointment.created' },
      steps: [
        { send: { channel: 'klaviyo', api_key: API_KEY, metrc: 'typo' } },
        {
          send: {
            channel: 'klaviyo',
            api_key: API_KEY,
            metric: 'x'.repeat(128),
            revision: 'latest',
            profile: { emial: '{{ contact.email }}' },
            properties: 'appointment',
            time: '{{ event.occurred_at ',
          },
        },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.data.errors).toEqual([
      { path: 'steps[0].send.metric', message: 'required', code: 'required' },
      { path: 'steps[0].send.metrc', message: 'unknown field', code: 'unknown_field' },
      { path: 'steps[1].send.time', message: expect.stringMatching(/^template error: /), code: 'template', params: { detail: expect.any(String) } },
      { path: 'steps[1].send.metric', message: 'must be less than 128 characters', code: 'at_most_chars', params: { count: 127 } },
      { path: 'steps[1].send.properties', message: 'expected record, got string', code: 'invalid_type', params: { expected: 'record', received: 'string' } },
      { path: 'steps[1].send.profile.emial', message: 'unknown field', code: 'unknown_field' },
      { path: 'steps[1].send.revision', message: 'expected a revision date such as 2026-07-15', code: 'format_example', params: { example: '2026-07-15' } },
    ]);
  });

  it('sends a reminder 24 hours before the appointment, at its new time after a reschedule', async () => {
    await createFlow({ metric: 'Sesami Appointment Reminder' }, { appointment: { anchor: 'start', before: '24h' } });
    await h.api(
      'POST',
      '/v1/events',
      appointmentEvent('appointment.created', 'r1', iso(T0 + 48 * H), { contact: { last_name: 'Lovelace' }, appointment: FULL_APPOINTMENT }),
    );
    await h.drain();
    expect(klaviyo.received).toHaveLength(0);
    h.clock.set(T0 + H);
    await h.api('POST', '/v1/events', appointmentEvent('appointment.rescheduled', 'r1', iso(T0 + 50 * H), { contact: { last_name: 'Lovelace' } }));
    await h.drain();
    h.clock.set(T0 + 24 * H);
    await h.drain();
    expect(klaviyo.received).toHaveLength(0);
    h.clock.set(T0 + 26 * H - 1);
    await h.drain();
    expect(klaviyo.received).toHaveLength(0);
    h.clock.set(T0 + 26 * H);
    await h.drain();
    expect(klaviyo.rejected).toEqual([]);
    expect(klaviyo.received).toHaveLength(1);
    expect(klaviyo.received[0]!.body.data.attributes).toEqual({
      properties: sesamiProperties('r1', 'November 25, 2026 at 03:00 AM'),
      // No event started this session: the reminder happens when it is sent.
      time: iso(T0 + 26 * H),
      metric: { data: { type: 'metric', attributes: { name: 'Sesami Appointment Reminder' } } },
      profile: {
        data: {
          type: 'profile',
          attributes: { email: 'cust-r1@example.com', external_id: 'cust-r1', first_name: 'Ada', last_name: 'Lovelace' },
        },
      },
      unique_id: `${await sessionId()}.klaviyo.1`,
    });
    expect((await h.api('GET', '/v1/sessions?status=completed')).body.data).toHaveLength(1);
  });

  it('accepts the example flows of docs/channels/klaviyo.md', async () => {
    const doc = await readFile(new URL('../../docs/channels/klaviyo.md', import.meta.url), 'utf8');
    const flows = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!));
    expect(flows.length).toBeGreaterThan(0);
    for (const flow of flows) {
      const res = await h.api('POST', '/v1/flows/validate', flow);
      expect(res.body.data, flow.name).toMatchObject({ valid: true, errors: [] });
    }
  });
});
