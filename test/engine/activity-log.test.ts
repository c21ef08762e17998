/**
 * The activity log as an operator reads it (the pino output of a real engine, on SQLite and
 * PostgreSQL): an info line per event accepted, session started and ended, delivery sent,
 * retrying and failed, with ids, flow, step, status, attempt and lateness; and never a body, a
 * contact's email, phone or name, or a secret.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { testDialects } from '../helpers/test-store.js';

const SECRET = 's3cr3t-token-4711';
const EMAIL = 'ada.lovelace@example.com';
const PHONE = '+41791234567';
const NAME = 'Adaline';
const BODY = 'BODY-MARKER-42';

describe.each(testDialects())('activity log (%s)', (dialect) => {
  let h: Harness;
  let receiver: Receiver;
  let lines: Array<Record<string, any>>;
  let raw: string;

  beforeEach(async () => {
    lines = [];
    raw = '';
    const logger = pino({ level: 'info' }, {
      write(chunk: string) {
        raw += chunk;
        lines.push(JSON.parse(chunk) as Record<string, any>);
      },
    });
    receiver = await startReceiver();
    h = await createHarness(dialect, { NUDGE_RETRY_BASE_MS: '1000' }, {}, { logger });
  });
  afterEach(async () => {
    await h.close();
    await receiver.close();
  });

  const activity = () => lines.filter((l) => l.activity === true);

  it('logs each moment with ids and never bodies, contact data or secrets', async () => {
    expect((await h.api('PUT', '/v1/secrets/API_TOKEN', { value: SECRET })).status).toBe(200);
    const flow = await h.api('POST', '/v1/flows?activate=true', {
      name: 'Welcome',
      trigger: { event: 'signup' },
      steps: [
        { id: 'mail', email: { to: '{{ contact.email }}', subject: `Hi {{ contact.first_name }}`, text: `${BODY} {{ contact.phone }}` } },
        {
          id: 'hook',
          retry: { max_attempts: 2 },
          webhook: { url: `${receiver.url}/h`, headers: { authorization: 'Bearer {{ secrets.API_TOKEN }}' }, body: { email: '{{ contact.email }}', note: BODY } },
        },
      ],
    });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
    receiver.respondWith({ status: 500, body: `${BODY} ${EMAIL}` }, { status: 500, body: `${BODY} ${EMAIL}` });

    const sent = await h.api('POST', '/v1/events', { name: 'signup', contact: { email: EMAIL, phone: PHONE, first_name: NAME } });
    expect(sent.status, JSON.stringify(sent.body)).toBe(202);
    const eventId = sent.body.data.event_id;
    const sessionId = sent.body.data.sessions_started[0];
    h.clock.advance(250);
    await h.drain();
    h.clock.set(T0 + 3_600_000);
    await h.drain();

    const seen = activity().map((l) => [l.msg, l.status ?? null]);
    expect(seen).toEqual([
      ['event accepted', null],
      ['session started', null],
      ['delivery sent', 'succeeded'],
      ['delivery failed; retrying', 'retrying'],
      ['delivery failed', 'failed'],
      ['session ended', 'failed'],
    ]);
    const [accepted, started, mail, retrying, failed, ended] = activity();
    expect(accepted).toMatchObject({ level: 30, workspace: h.workspaceId, event: eventId, name: 'signup', duplicate: false, sessions_started: 1 });
    expect(started).toMatchObject({ level: 30, session: sessionId, event: eventId });
    expect(mail).toMatchObject({ level: 30, session: sessionId, flow: flow.body.data.id, step: 'mail', channel: 'email', attempt: 1, late_ms: 250 });
    expect(retrying).toMatchObject({ level: 30, session: sessionId, step: 'hook', channel: 'webhook', attempt: 1, next_attempt_at: expect.any(String) });
    expect(failed).toMatchObject({ level: 40, session: sessionId, step: 'hook', attempt: 2, due_at: retrying!.next_attempt_at });
    expect(failed!.late_ms).toBe(T0 + 3_600_000 - Date.parse(retrying!.next_attempt_at));
    expect(ended).toMatchObject({ session: sessionId, flow: flow.body.data.id, status: 'failed' });

    for (const forbidden of [SECRET, EMAIL, PHONE, NAME, BODY]) expect(raw).not.toContain(forbidden);
    expect(receiver.requests.map((r) => r.headers.authorization)).toEqual([`Bearer ${SECRET}`, `Bearer ${SECRET}`]);
  });

  it('logs sessions canceled by an appointment event and stopped by a request', async () => {
    await h.api('POST', '/v1/flows?activate=true', { name: 'Wait', trigger: { event: 'appointment.created' }, steps: [{ wait: { duration: '1h' } }, { exit: null }] });
    const start = new Date(T0 + 48 * 3_600_000).toISOString();
    const one = (await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'a1', start, { email: EMAIL }))).body.data;
    const two = (await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'a2', start, { email: EMAIL }))).body.data;
    const canceled = (await h.api('POST', '/v1/events', appointmentEvent('appointment.canceled', 'a1', start, { email: EMAIL }))).body.data;
    expect(canceled.sessions_canceled).toEqual(one.sessions_started);
    expect((await h.api('POST', `/v1/sessions/${two.sessions_started[0]}/stop`)).status).toBe(200);

    const ended = activity().filter((l) => l.msg === 'session ended');
    expect(ended).toEqual([
      expect.objectContaining({ session: one.sessions_started[0], status: 'canceled', event: canceled.event_id }),
      expect.objectContaining({ session: two.sessions_started[0], status: 'stopped', request: 'stop' }),
    ]);
    expect(raw).not.toContain(EMAIL);
  });

  it('logs a duplicate event as such', async () => {
    const event = { name: 'signup', idempotency_key: 'k-1', contact: { email: EMAIL } };
    await h.api('POST', '/v1/events', event);
    await h.api('POST', '/v1/events', event);
    expect(activity().map((l) => [l.msg, l.duplicate])).toEqual([
      ['event accepted', false],
      ['event accepted (duplicate, nothing done again)', true],
    ]);
    expect(raw).not.toContain(EMAIL);
  });
});
