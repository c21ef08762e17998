/** The SMS channel (Twilio Messages API) against a stand-in that checks Twilio's documented wire format. */
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { startReceiver } from '../helpers/receiver.js';
import { testDialects } from '../helpers/test-store.js';
import { startTwilioStandIn, type TwilioStandIn } from '../stand-ins/twilio.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;
const FROM = '+15005550006';
const MESSAGING_SERVICE = `MG${'a1b2c3d4'.repeat(4)}`;

function reminderFlow(send: Record<string, unknown> = {}) {
  return {
    name: 'SMS reminder 2 hours before',
    trigger: { appointment: { anchor: 'start', before: '2h' } },
    steps: [
      {
        id: 'remind',
        send: {
          channel: 'sms',
          account_sid: '{{ secrets.TWILIO_ACCOUNT_SID }}',
          auth_token: '{{ secrets.TWILIO_AUTH_TOKEN }}',
          from: FROM,
          body: 'Hi {{ contact.first_name }}, see you at {{ event.datetime }} for {{ event.service_name }}.',
          ...send,
        },
      },
    ],
  };
}

describe.each(testDialects())('sms channel on %s', (dialect) => {
  let h: Harness;
  let twilio: TwilioStandIn;

  beforeAll(async () => {
    twilio = await startTwilioStandIn();
  });
  afterAll(async () => {
    await twilio.close();
  });
  beforeEach(() => {
    twilio.reset();
  });
  afterEach(async () => {
    await h?.close();
  });

  async function setup(flow: unknown, options: { env?: Record<string, string>; secrets?: Record<string, string> } = {}) {
    h = await createHarness(dialect, options.env ?? { NUDGE_CHANNEL_ENDPOINTS: `twilio=${twilio.url}` });
    const secrets = options.secrets ?? { TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_AUTH_TOKEN: twilio.authToken };
    for (const [name, value] of Object.entries(secrets)) {
      expect((await h.api('PUT', `/v1/secrets/${name}`, { value })).status).toBe(200);
    }
    const res = await h.api('POST', '/v1/flows?activate=true', flow);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }

  /** Books an appointment (by default 5 hours after T0: its 2h-before reminder is due at T0 + 3h). */
  async function book(id: string, contact: Record<string, unknown> = { phone: '+1 (415) 555-0123' }, start = T0 + 5 * H) {
    const res = await h.api('POST', '/v1/events', appointmentEvent('appointment.created', id, iso(start), { contact }));
    expect([200, 202], JSON.stringify(res.body)).toContain(res.status);
  }

  async function onlySession() {
    const list = (await h.api('GET', '/v1/sessions')).body.data;
    expect(list).toHaveLength(1);
    return (await h.api('GET', `/v1/sessions/${list[0].id}`)).body.data;
  }

  it('sends a 2h-before reminder at its time, form-encoded with Basic auth, and keeps credentials out of the log', async () => {
    await setup(reminderFlow());
    await book('a1');
    h.clock.set(T0 + 3 * H - 1);
    await h.drain();
    expect(twilio.messages).toHaveLength(0);

    h.clock.set(T0 + 3 * H);
    await h.drain();
    expect(twilio.rejected).toEqual([]);
    expect(twilio.messages).toHaveLength(1);
    const m = twilio.messages[0]!;
    expect(m.params).toEqual({
      To: '+14155550123',
      From: FROM,
      Body: 'Hi Ada, see you at November 23, 2026 at 06:00 AM for Tattoo Removal.',
    });
    expect(m.username).toBe(twilio.accountSid);
    expect(m.headers.authorization).toBe(`Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}`);
    expect(m.headers['content-type']).toBe('application/x-www-form-urlencoded');

    const s = await onlySession();
    expect(s.status).toBe('completed');
    expect(s.deliveries).toHaveLength(1);
    const d = s.deliveries[0];
    expect(d.status).toBe('succeeded');
    expect(d.channel).toBe('sms');
    expect(d.request.method).toBe('POST');
    expect(d.request.url).toBe(`${twilio.url}/2010-04-01/Accounts/[secret:TWILIO_ACCOUNT_SID]/Messages.json`);
    expect(d.request.headers.authorization).toBe('Basic [redacted]');
    expect(d.request.body).toBe('To=%2B14155550123&From=%2B15005550006&Body=Hi+Ada%2C+see+you+at+November+23%2C+2026+at+06%3A00+AM+for+Tattoo+Removal.');
    expect(d.response.status).toBe(201);
    const resource = JSON.parse(d.response.body);
    expect(resource).toMatchObject({ sid: m.sid, status: 'queued', to: '+14155550123', from: FROM, direction: 'outbound-api', num_segments: '1' });
    const logged = JSON.stringify(s);
    expect(logged).not.toContain(twilio.authToken);
    expect(logged).not.toContain(twilio.accountSid);
    expect(logged).not.toContain(Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64'));
  });

  it('sends through a messaging service with an API key and a status callback', async () => {
    await setup(
      reminderFlow({
        from: undefined,
        messaging_service_sid: MESSAGING_SERVICE,
        api_key_sid: '{{ secrets.TWILIO_API_KEY_SID }}',
        auth_token: '{{ secrets.TWILIO_API_KEY_SECRET }}',
        status_callback: 'https://flows.example.com/twilio/status?appointment={{ appointment.id }}',
      }),
      {
        // `sms=` (the channel id) works as well as `twilio=`.
        env: { NUDGE_CHANNEL_ENDPOINTS: `sms=${twilio.url}` },
        secrets: { TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_API_KEY_SID: twilio.apiKeySid, TWILIO_API_KEY_SECRET: twilio.apiKeySecret },
      },
    );
    await book('a2');
    h.clock.set(T0 + 3 * H);
    await h.drain();
    expect(twilio.rejected).toEqual([]);
    expect(twilio.messages).toHaveLength(1);
    expect(twilio.messages[0]!.username).toBe(twilio.apiKeySid);
    expect(twilio.messages[0]!.params).toEqual({
      To: '+14155550123',
      MessagingServiceSid: MESSAGING_SERVICE,
      Body: 'Hi Ada, see you at November 23, 2026 at 06:00 AM for Tattoo Removal.',
      StatusCallback: 'https://flows.example.com/twilio/status?appointment=a2',
    });
    const s = await onlySession();
    expect(JSON.parse(s.deliveries[0].response.body).status).toBe('accepted');
    expect(JSON.stringify(s)).not.toContain(twilio.apiKeySecret);
  });

  it('retries 429 after Retry-After and 5xx with backoff, then sends once', async () => {
    await setup(reminderFlow());
    twilio.failNext({ status: 429, code: 20429, message: 'Too Many Requests', retryAfter: 30 }, { status: 503, code: 20503, message: 'Service Unavailable' });
    await book('a3');
    h.clock.set(T0 + 3 * H);
    await h.drain();
    expect(twilio.messages).toHaveLength(0);
    h.clock.set(T0 + 3 * H + 29_999);
    await h.drain();
    expect(twilio.messages).toHaveLength(0);
    h.clock.set(T0 + 3 * H + 30_000);
    await h.drain();
    expect(twilio.messages).toHaveLength(0);
    // Attempt 2 got 503: NUDGE_RETRY_BASE_MS is 60 s in the harness, so the cap is 120 s and the
    // delay 90 s with random 0.5.
    h.clock.set(T0 + 3 * H + 30_000 + 89_999);
    await h.drain();
    expect(twilio.messages).toHaveLength(0);
    h.clock.set(T0 + 3 * H + 30_000 + 90_000);
    await h.drain();
    expect(twilio.messages).toHaveLength(1);
    const s = await onlySession();
    expect(s.status).toBe('completed');
    expect(s.deliveries.map((d: { status: string; error: string | null }) => `${d.status}: ${d.error}`)).toEqual([
      'retrying: HTTP 429: Twilio error 20429: Too Many Requests',
      'retrying: HTTP 503: Twilio error 20503: Service Unavailable',
      'succeeded: null',
    ]);
  });

  it('gives up at once on a 4xx: an opted-out recipient, a number Twilio refuses, bad credentials', async () => {
    await setup(reminderFlow());
    twilio.failNext({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    await book('a4');
    await book('a5', { phone: '12345' });
    await book('a6', { phone: '+14155550199' }, T0 + 6 * H);
    h.clock.set(T0 + 3 * H);
    await h.drain();
    // A number that is no phone number at all is refused by Nudge before Twilio sees it (phone-numbers.test.ts).
    expect(twilio.rejected).toEqual([]);
    const failed = (await h.api('GET', '/v1/sessions?status=failed')).body.data;
    expect(failed.map((s: { end_reason: string }) => s.end_reason).sort()).toEqual([
      'send remind failed: HTTP 400: Twilio error 21610: Attempt to send to unsubscribed recipient (permanent error)',
      `send remind failed: to: "12345" has no country code and the workspace has no default country: write it as +<country code> … or set the workspace's country (permanent error)`,
    ]);

    await h.api('PUT', '/v1/secrets/TWILIO_AUTH_TOKEN', { value: 'a-wrong-token-0000' });
    h.clock.set(T0 + 4 * H);
    await h.drain();
    const sessions = (await h.api('GET', '/v1/sessions?status=failed')).body.data;
    expect(sessions).toHaveLength(3);
    expect(sessions.map((s: { end_reason: string }) => s.end_reason)).toContain('send remind failed: HTTP 401: Twilio error 20003: Authenticate (permanent error)');
    expect(twilio.messages).toHaveLength(0);
  });

  it('skips the step without calling Twilio when the contact has no phone number, and the flow goes on', async () => {
    await setup(reminderFlow());
    await book('a7', { phone: undefined });
    h.clock.set(T0 + 3 * H);
    await h.drain();
    expect(twilio.messages).toHaveLength(0);
    expect(twilio.rejected).toEqual([]);
    const s = await onlySession();
    expect(s.status).toBe('completed');
    expect(s.deliveries.map((d: { status: string; error: string }) => [d.status, d.error])).toEqual([['skipped', 'no recipient']]);
    expect(s.timeline.map((e: { type: string; message: string }) => `${e.type}: ${e.message}`)).toContain('skipped: skipped: no recipient');
    expect(s.deliveries[0].request.body).toBe('To=&From=%2B15005550006&Body=Hi+Ada%2C+see+you+at+November+23%2C+2026+at+06%3A00+AM+for+Tattoo+Removal.');
  });

  it('does not retry when the answer is lost (Twilio may have sent it), but retries when the request never left', async () => {
    await setup(reminderFlow());
    twilio.hangUpNext();
    await book('a8');
    h.clock.set(T0 + 3 * H);
    await h.drain();
    const s = await onlySession();
    expect(s.status).toBe('failed');
    expect(s.end_reason).toMatch(
      /^send remind failed: request failed: \w+: Twilio may have sent the message; not retried, since Twilio has no idempotency key and a retry could send it twice \(permanent error\)$/,
    );
    await h.close();

    const closed = await startReceiver();
    await closed.close();
    await setup(reminderFlow(), { env: { NUDGE_CHANNEL_ENDPOINTS: `twilio=${closed.url}` } });
    await book('a9');
    h.clock.set(T0 + 3 * H);
    await h.drain();
    const t = await onlySession();
    expect(t.status).toBe('waiting');
    expect(t.deliveries.map((d: { status: string; error: string }) => `${d.status}: ${d.error}`)).toEqual(['retrying: request failed: ECONNREFUSED']);
  });

  it('validates sms settings when the flow is saved, with paths', async () => {
    h = await createHarness(dialect);
    const res = await h.api('POST', '/v1/flows/validate', {
      name: 'bad',
      trigger: { event: 'x' },
      steps: [
        { send: { channel: 'sms', account_sid: 'AC123', auth_token: 't', from: FROM, messaging_service_sid: 'MG1', bdoy: 'typo' } },
        { send: { channel: 'sms', account_sid: '{{ secrets.TWILIO_ACCOUNT_SID }}', auth_token: 't', body: 'hi' } },
        { send: { channel: 'sms', account_sid: '{{ secrets.TWILIO_ACCOUNT_SID }}', auth_token: 't', from: FROM, body: 'Hi {{ contact.first_name' } },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.data.errors).toEqual([
      { path: 'steps[0].send.account_sid', message: 'expected AC followed by 32 hex digits, or a template', code: 'sid_format', params: { prefix: 'AC' } },
      { path: 'steps[0].send.messaging_service_sid', message: 'expected MG followed by 32 hex digits, or a template', code: 'sid_format', params: { prefix: 'MG' } },
      { path: 'steps[0].send.body', message: 'required', code: 'required' },
      { path: 'steps[0].send.bdoy', message: 'unknown field', code: 'unknown_field' },
      {
        path: 'steps[1].send.from',
        message: 'give exactly one of from / messaging_service_sid',
        code: 'exactly_one',
        params: { keys: 'from, messaging_service_sid' },
      },
      expect.objectContaining({ path: 'steps[2].send.body' }),
    ]);
  });

  it('accepts the example flow in docs/channels/sms.md', async () => {
    h = await createHarness(dialect);
    const markdown = await readFile(new URL('../../docs/channels/sms.md', import.meta.url), 'utf8');
    const examples = [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1]!) as Record<string, unknown>);
    expect(examples).toHaveLength(1);
    const res = await h.api('POST', '/v1/flows/validate', examples[0]);
    expect(res.status).toBe(200);
    expect(res.body.data.errors).toEqual([]);
  });
});
