/**
 * Signed webhooks (Standard Webhooks v1): headers verified with the `standardwebhooks` package,
 * the spec's test vector, a retry keeping its webhook-id with a fresh timestamp, and a secret
 * that never reaches the delivery log.
 */
import { Webhook } from 'standardwebhooks';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { signingKey, signWebhook, webhookId } from '../../src/channels/webhook/webhook-signature.js';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../helpers/receiver.js';
import { testDialects } from '../helpers/test-store.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const H = 3_600_000;

/** Verifies as a receiver would, at the moment the request was signed (the library checks ±5 min against Date.now). */
function verify(request: ReceivedRequest, secret = SECRET): unknown {
  const timestamp = Number(request.headers['webhook-timestamp']);
  vi.useFakeTimers({ toFake: ['Date'] });
  try {
    vi.setSystemTime(timestamp * 1000);
    return new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
  } finally {
    vi.useRealTimers();
  }
}

describe('Standard Webhooks signature', () => {
  it('matches the library test vector', () => {
    const signature = signWebhook(signingKey(SECRET), 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}');
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
    expect(new Webhook(SECRET).sign('msg_p5jXN8AQM9LWM0D4loKWxJek', new Date(1614265330_000), '{"test": 2432232314}')).toBe(signature);
  });

  it('uses the idempotency key as webhook-id, without the full stops the spec forbids', () => {
    expect(webhookId('ss_01jd2abc.remind.24h.1')).toBe('ss_01jd2abc:remind:24h:1');
  });

  it('refuses secrets that are not whsec_ base64 of 24 to 64 bytes', () => {
    expect(() => signingKey('whsec_not base64!')).toThrow('expected whsec_ followed by base64');
    expect(() => signingKey('whsec_c2hvcnQ=')).toThrow('expected a secret of 24 to 64 bytes, got 5');
    expect(signingKey('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toHaveLength(24); // the prefix may be left out
  });
});

describe.each(testDialects())('signed webhook steps on %s', (dialect) => {
  let h: Harness;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
  });
  afterEach(async () => {
    await h?.close();
  });

  async function setup(webhook: Record<string, unknown>, secret: string | null = SECRET) {
    h = await createHarness(dialect, { NUDGE_RETRY_BASE_MS: '10000' });
    if (secret !== null) expect((await h.api('PUT', '/v1/secrets/WEBHOOK_SIGNING_SECRET', { value: secret })).status).toBe(200);
    return h.api('POST', '/v1/flows?activate=true', {
      name: 'signed',
      trigger: { event: 'appointment.created' },
      steps: [{ id: 'hook', webhook: { url: `${receiver.url}/hook`, signing_secret: '{{ secrets.WEBHOOK_SIGNING_SECRET }}', ...webhook } }],
    });
  }

  it('signs a test send to an override URL (POST /v1/flows/{id}/test) as the live send would be signed', async () => {
    const res = await setup({ body: { name: '{{ contact.first_name }}' } });
    expect(res.status).toBe(201);
    const test = await h.api('POST', `/v1/flows/${res.body.data.id}/test`, { step_id: 'hook', url: `${receiver.url}/elsewhere` });
    expect(test.status, JSON.stringify(test.body)).toBe(200);
    expect(receiver.requests.map((r) => r.path)).toEqual(['/elsewhere']);
    expect(verify(receiver.requests[0]!)).toEqual({ name: 'Ada' });
    expect(JSON.stringify(test.body)).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  });

  it('signs every attempt: the same webhook-id, a fresh timestamp from the engine clock, a valid signature', async () => {
    expect((await setup({ body: { type: 'appointment.created', name: '{{ contact.first_name }}' } })).status).toBe(201);
    receiver.respondWith({ status: 503 });
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'w1', new Date(T0 + 5 * H).toISOString()));
    await h.drain();
    h.clock.set(T0 + 7_500); // first retry: 10 s cap, equal jitter at 0.5
    await h.drain();
    expect(receiver.requests).toHaveLength(2);
    const [first, retry] = receiver.requests as [ReceivedRequest, ReceivedRequest];

    expect(verify(first)).toEqual({ type: 'appointment.created', name: 'Ada' });
    expect(verify(retry)).toEqual({ type: 'appointment.created', name: 'Ada' });
    expect(first.headers['webhook-timestamp']).toBe(String(T0 / 1000));
    expect(retry.headers['webhook-timestamp']).toBe(String((T0 + 7_500 - 500) / 1000)); // whole seconds, floored
    expect(retry.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(first.headers['webhook-id']).toBe(webhookId(first.headers['idempotency-key'] as string));
    expect(retry.headers['webhook-signature']).not.toBe(first.headers['webhook-signature']);
    expect(first.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);

    // A receiver with another secret, or a body changed in transit, is refused.
    expect(() => verify(first, 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).toThrow('No matching signature found');
    expect(() => verify({ ...first, body: first.body.replace('Ada', 'Eve') })).toThrow('No matching signature found');

    const deliveries = JSON.stringify((await h.api('GET', '/v1/deliveries')).body.data);
    expect(deliveries).toContain('webhook-signature');
    expect(deliveries).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
  });

  it('sends no signature headers without a signing secret', async () => {
    expect((await setup({ signing_secret: undefined })).status).toBe(201);
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'w0', new Date(T0 + 5 * H).toISOString()));
    await h.drain();
    expect(Object.keys(receiver.requests[0]!.headers).filter((name) => name.startsWith('webhook-'))).toEqual([]);
  });

  it('signs form bodies and body-less GETs exactly as sent', async () => {
    expect((await setup({ form: { name: '{{ contact.first_name }}', note: 'a&b=c' } })).status).toBe(201);
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'w2', new Date(T0 + 5 * H).toISOString()));
    await h.drain();
    const [form] = receiver.requests;
    expect(form!.body).toBe('name=Ada&note=a%26b%3Dc');
    expect(() => new Webhook(SECRET).verify(form!.body, form!.headers as Record<string, string>)).toThrow(/too old|too new/); // real time is far from T0
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    try {
      // jsonParse off: the body is a form, not JSON.
      expect(() => new Webhook(SECRET).verify(form!.body, form!.headers as Record<string, string>, { jsonParse: false })).not.toThrow();
    } finally {
      vi.useRealTimers();
    }
    await h.close();

    expect((await setup({ method: 'GET' })).status).toBe(201);
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'w3', new Date(T0 + 5 * H).toISOString()));
    await h.drain();
    const get = receiver.requests[1]!;
    expect(get.method).toBe('GET');
    expect(get.headers['webhook-signature']).toBe(signWebhook(signingKey(SECRET), get.headers['webhook-id'] as string, T0 / 1000, ''));
  });

  it('accepts the example flows of docs/channels/webhook.md', async () => {
    h = await createHarness(dialect);
    const doc = await readFile(new URL('../../docs/channels/webhook.md', import.meta.url), 'utf8');
    const flows = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parse(m[1]!));
    expect(flows.length).toBeGreaterThan(0);
    for (const flow of flows) {
      const res = await h.api('POST', '/v1/flows/validate', flow);
      expect(res.body.data, flow.name).toMatchObject({ valid: true, errors: [] });
    }
  });

  it('rejects a malformed literal secret when the flow is saved', async () => {
    const res = await setup({ signing_secret: 'whsec_tooShort' }, null);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      path: 'steps[0].webhook.signing_secret',
      message: 'steps[0].webhook.signing_secret: expected a secret of 24 to 64 bytes, got 6',
    });
  });

  it('fails the step, without sending, when the secret it names is not a signing secret', async () => {
    expect((await setup({}, 'not-a-secret')).status).toBe(201);
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'w4', new Date(T0 + 5 * H).toISOString()));
    await h.drain();
    expect(receiver.requests).toHaveLength(0);
    const [session] = (await h.api('GET', '/v1/sessions?status=failed')).body.data;
    expect(session.end_reason).toBe(
      'webhook hook failed: steps[0].webhook.signing_secret: expected whsec_ followed by base64 (a Standard Webhooks secret) (permanent error)',
    );
  });
});
