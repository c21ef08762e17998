/**
 * Delivery attempts: retries with backoff and Retry-After, permanent 4xx, stable idempotency keys
 * and Message-IDs, email over real SMTP and to the outbox, and escaping of customer data.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { startSmtpSink, type SmtpSink } from '../helpers/smtp.js';
import { testDialects } from '../helpers/test-store.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

describe.each(testDialects())('deliveries on %s', (dialect) => {
  let h: Harness;
  let receiver: Receiver;
  let smtp: SmtpSink;

  beforeAll(async () => {
    receiver = await startReceiver();
    smtp = await startSmtpSink();
  });
  afterAll(async () => {
    await receiver.close();
    await smtp.close();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
    smtp.messages.length = 0;
  });
  afterEach(async () => {
    await h?.close();
  });

  async function setup(steps: unknown[], env: Record<string, string> = {}) {
    h = await createHarness(dialect, env);
    const res = await h.api('POST', '/v1/flows?activate=true', { name: 'f', trigger: { event: 'appointment.created' }, steps });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }

  async function onlySession() {
    const list = (await h.api('GET', '/v1/sessions')).body.data;
    expect(list).toHaveLength(1);
    return (await h.api('GET', `/v1/sessions/${list[0].id}`)).body.data;
  }

  it('retries 5xx with exponential backoff and honours Retry-After on 429, with one idempotency key', async () => {
    await setup([{ id: 'hook', webhook: { url: `${receiver.url}/h` } }], { NUDGE_RETRY_BASE_MS: '10000' });
    receiver.respondWith({ status: 503 }, { status: 429, headers: { 'retry-after': '120' } });
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'r1', iso(T0 + 5 * H)));
    await h.drain();
    expect(receiver.requests).toHaveLength(1);
    // Attempt 1 failed: the cap is 10 s, equal jitter with random 0.5 gives 7.5 s.
    h.clock.set(T0 + 7_499);
    await h.drain();
    expect(receiver.requests).toHaveLength(1);
    h.clock.set(T0 + 7_500);
    await h.drain();
    expect(receiver.requests).toHaveLength(2);
    // Attempt 2 got 429 Retry-After: 120.
    h.clock.set(T0 + 7_500 + 119_999);
    await h.drain();
    expect(receiver.requests).toHaveLength(2);
    h.clock.set(T0 + 7_500 + 120_000);
    await h.drain();
    expect(receiver.requests).toHaveLength(3);
    const keys = new Set(receiver.requests.map((r) => r.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    const s = await onlySession();
    expect(s.status).toBe('completed');
    expect(s.deliveries.map((d: { status: string; attempt: number }) => `${d.attempt}:${d.status}`)).toEqual([
      '1:retrying',
      '2:retrying',
      '3:succeeded',
    ]);
    expect(s.deliveries[1].response.status).toBe(429);
  });

  it('gives up at once on a 4xx other than 408/409/425/429', async () => {
    await setup([{ id: 'hook', webhook: { url: `${receiver.url}/h` } }, { id: 'next', webhook: { url: `${receiver.url}/next` } }]);
    receiver.respondWith({ status: 400, body: '{"error":"bad"}' });
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'r2', iso(T0 + 5 * H)));
    await h.drain();
    h.clock.set(T0 + 24 * H);
    await h.drain();
    expect(receiver.requests.map((r) => r.path)).toEqual(['/h']);
    const s = await onlySession();
    expect(s.status).toBe('failed');
    expect(s.end_reason).toBe('webhook hook failed: HTTP 400: {"error":"bad"} (permanent error)');
    expect(s.deliveries[0]).toMatchObject({ status: 'failed', error: 'HTTP 400: {"error":"bad"}', response: { status: 400, body: '{"error":"bad"}' } });
  });

  it('stops after max_attempts and records each attempt', async () => {
    await setup([{ id: 'hook', retry: { max_attempts: 2 }, webhook: { url: `${receiver.url}/h` } }], { NUDGE_RETRY_BASE_MS: '1000' });
    receiver.respondWith({ status: 500 }, { status: 500 });
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'r3', iso(T0 + 5 * H)));
    await h.drain();
    h.clock.set(T0 + H);
    await h.drain();
    const s = await onlySession();
    expect(s.status).toBe('failed');
    expect(s.end_reason).toBe('webhook hook failed: HTTP 500 (gave up after 2 attempts)');
    expect(s.deliveries.map((d: { status: string }) => d.status)).toEqual(['retrying', 'failed']);
  });

  it('treats an unreachable receiver as retryable', async () => {
    const closed = await startReceiver();
    await closed.close();
    await setup([{ id: 'hook', webhook: { url: `${closed.url}/nothing-listens-here` } }]);
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'r4', iso(T0 + 5 * H)));
    await h.drain();
    const s = await onlySession();
    expect(s.status).toBe('waiting');
    expect(s.deliveries[0].status).toBe('retrying');
    expect(s.deliveries[0].error).toMatch(/^request failed: ECONNREFUSED/);
  });

  it('keeps a customer name with quotes, newlines and {{ valid in JSON and HTML', async () => {
    const nasty = 'Zoë "The \\ Hammer"\n<script>{{ contact.email }}';
    await setup(
      [
        { id: 'string-body', webhook: { url: `${receiver.url}/s`, body: '{"name": "{{ contact.first_name }}", "n": {{ appointment.quantity }}}' } },
        { id: 'object-body', webhook: { url: `${receiver.url}/o`, body: { name: '{{ contact.first_name }}', quantity: '{{ appointment.quantity }}' } } },
        { id: 'mail', email: { to: '{{ contact.email }}', subject: 'Hi {{ contact.first_name }}', html: '<p>Hi {{ contact.first_name }}</p>', text: 'Hi {{ contact.first_name }}' } },
      ],
    );
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'x1', iso(T0 + 5 * H), { contact: { first_name: nasty }, appointment: { quantity: 2 } }));
    await h.drain();
    expect(JSON.parse(receiver.requests[0]!.body)).toEqual({ name: nasty, n: 2 });
    expect(JSON.parse(receiver.requests[1]!.body)).toEqual({ name: nasty, quantity: 2 });
    const mail = (await h.api('GET', '/v1/outbox')).body.data[0];
    const mailDelivery = (await h.api('GET', `/v1/deliveries/${mail.delivery_id}`)).body.data;
    expect(mailDelivery).toMatchObject({ channel: 'email', status: 'succeeded', step_id: 'mail', response: { outbox_id: mail.id } });
    expect(mail.html).toBe('<p>Hi Zoë &quot;The \\ Hammer&quot;\n&lt;script&gt;{{ contact.email }}</p>');
    expect(mail.text).toBe(`Hi ${nasty}`);
    expect(mail.subject).toBe('Hi Zoë "The \\ Hammer" <script>{{ contact.email }}');
  });

  it('sends email over real SMTP with a Message-ID stable across retries', async () => {
    await setup(
      [{ id: 'confirm', email: { to: '{{ contact.email }}', from: 'Studio <hello@studio.test>', subject: 'Booked: {{ event.service_name }}', html: '<b>{{ event.datetime }}</b>', text: 'See you {{ event.datetime }}' } }],
      { NUDGE_SMTP_URL: smtp.url, NUDGE_RETRY_BASE_MS: '1000' },
    );
    smtp.failNext(1, 451);
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'm1', iso(T0 + 5 * H), { email: 'ada@example.com' }));
    await h.drain();
    expect(smtp.messages).toHaveLength(0);
    h.clock.set(T0 + 60_000);
    await h.drain();
    const [mail] = await smtp.waitFor(1);
    expect(mail!.envelopeTo).toEqual(['ada@example.com']);
    expect(mail!.parsed.subject).toBe('Booked: Tattoo Removal');
    expect(mail!.parsed.from?.address).toBe('hello@studio.test');
    expect(mail!.parsed.html).toContain('<b>November 23, 2026 at 06:00 AM</b>');
    expect(mail!.parsed.text?.trim()).toBe('See you November 23, 2026 at 06:00 AM');
    const s = await onlySession();
    expect(s.deliveries.map((d: { status: string }) => d.status)).toEqual(['retrying', 'succeeded']);
    const ids = s.deliveries.map((d: { request: { messageId: string } }) => d.request.messageId);
    expect(ids[0]).toBe(ids[1]);
    expect(mail!.parsed.messageId).toBe(ids[0]);
    expect(ids[0]).toMatch(/^<[0-9a-f]{32}@studio\.test>$/);
  });

  it('fails the step on a permanent SMTP error (5xx)', async () => {
    await setup([{ id: 'confirm', email: { to: '{{ contact.email }}', subject: 's', text: 't' } }], { NUDGE_SMTP_URL: smtp.url });
    smtp.failNext(1, 550);
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'm2', iso(T0 + 5 * H)));
    await h.drain();
    const s = await onlySession();
    expect(s.status).toBe('failed');
    expect(s.deliveries[0].status).toBe('failed');
  });

  it('skips an email step when the contact has no address, and goes on', async () => {
    await setup([
      { id: 'mail', email: { to: '{{ contact.email }}', subject: 's', text: 't' } },
      { id: 'hook', webhook: { url: `${receiver.url}/after` } },
    ]);
    await h.api('POST', '/v1/events', { name: 'appointment.created', contact: { phone: '+14155550100' }, appointment: { id: 'n1', start_at: iso(T0 + 5 * H) } });
    await h.drain();
    expect(receiver.requests.map((r) => r.path)).toEqual(['/after']);
    const s = await onlySession();
    expect(s.deliveries.map((d: { status: string; error: string }) => `${d.status}:${d.error}`)).toEqual(['skipped:no recipient', 'succeeded:null']);
  });

  it('records a template error at send time on the delivery', async () => {
    await setup([{ id: 'hook', webhook: { url: `${receiver.url}/{{ event.service_name | nosuchfilter }}` } }]);
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 't1', iso(T0 + 5 * H)));
    await h.drain();
    const s = await onlySession();
    expect(s.status).toBe('failed');
    expect(s.deliveries[0].error).toMatch(/^steps\[0\]\.webhook\.url: /);
  });
});
