/** The Slack channel against a stand-in that checks Slack's documented wire format. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';
import { startSlackStandIn, type SlackStandIn } from '../stand-ins/slack.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

describe.each(testDialects())('slack channel on %s', (dialect) => {
  let h: Harness;
  let slack: SlackStandIn;

  beforeAll(async () => {
    slack = await startSlackStandIn();
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(async () => {
    slack.reset();
    h = await createHarness(dialect);
    expect((await h.api('PUT', '/v1/secrets/SLACK_WEBHOOK_URL', { value: slack.webhookUrl('s3cr3tT0k3n') })).status).toBe(200);
    const flow = await h.api('POST', '/v1/flows?activate=true', {
      name: 'Slack on booking',
      trigger: { event: 'appointment.created' },
      steps: [
        {
          id: 'notify',
          send: {
            channel: 'slack',
            webhook_url: '{{ secrets.SLACK_WEBHOOK_URL }}',
            text: 'New booking: {{ contact.first_name }} – {{ event.service_name }}, {{ event.datetime }}',
            blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*New booking*\n{{ contact.first_name }}' } }],
          },
        },
      ],
    });
    expect(flow.status, JSON.stringify(flow.body)).toBe(201);
  });
  afterEach(async () => {
    await h.close();
  });

  it('posts text and blocks to the webhook, and keeps the URL out of the delivery log', async () => {
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 's1', iso(T0 + 5 * H)));
    await h.drain();
    expect(slack.rejected).toEqual([]);
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]!.body).toEqual({
      text: 'New booking: Ada – Tattoo Removal, November 23, 2026 at 06:00 AM',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*New booking*\nAda' } }],
    });
    const deliveries = (await h.api('GET', '/v1/deliveries')).body.data;
    expect(deliveries[0].status).toBe('succeeded');
    expect(deliveries[0].channel).toBe('slack');
    const logged = JSON.stringify(deliveries[0]);
    expect(logged).not.toContain('s3cr3tT0k3n');
    expect(deliveries[0].request.url).toBe('[secret:SLACK_WEBHOOK_URL]');
    expect(deliveries[0].response).toMatchObject({ status: 200, body: 'ok' });
  });

  it('retries 429 after Retry-After and gives up on a revoked webhook (404 no_service)', async () => {
    slack.failNext({ status: 429, body: 'rate_limited', retryAfter: 30 });
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 's2', iso(T0 + 5 * H)));
    await h.drain();
    expect(slack.messages).toHaveLength(0);
    h.clock.set(T0 + 30_000);
    await h.drain();
    expect(slack.messages).toHaveLength(1);

    h.clock.set(T0 + 31_000); // one message per second: s2 was just sent
    slack.failNext({ status: 404, body: 'no_service' });
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 's3', iso(T0 + 5 * H)));
    await h.drain();
    const failed = (await h.api('GET', '/v1/sessions?status=failed')).body.data;
    expect(failed).toHaveLength(1);
    expect(failed[0].end_reason).toBe('send notify failed: HTTP 404: no_service (permanent error)');
  });

  it('sends at most one message per second per webhook, delaying the rest without dropping any', async () => {
    for (const id of ['r1', 'r2', 'r3']) await h.api('POST', '/v1/events', appointmentEvent('appointment.created', id, iso(T0 + 5 * H)));
    await h.drain();
    expect(slack.messages).toHaveLength(1);
    h.clock.set(T0 + 999);
    await h.drain();
    expect(slack.messages).toHaveLength(1);
    h.clock.set(T0 + 1000);
    await h.drain();
    expect(slack.messages).toHaveLength(2);
    h.clock.set(T0 + 2000);
    await h.drain();
    expect(slack.messages).toHaveLength(3);
    const sessions = (await h.api('GET', '/v1/sessions?status=completed')).body.data;
    expect(sessions).toHaveLength(3);
  });

  it('refuses to activate a flow whose secret is not set, naming it', async () => {
    await h.api('DELETE', '/v1/secrets/SLACK_WEBHOOK_URL');
    const res = await h.api('POST', '/v1/flows?activate=true', {
      name: 'needs a secret',
      trigger: { event: 'x' },
      steps: [{ send: { channel: 'slack', webhook_url: '{{ secrets.OTHER_SLACK_URL }}', text: 'hi' } }],
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('missing_secret');
    expect(res.body.error.message).toMatch(/secrets\.OTHER_SLACK_URL/);
  });

  it('validates slack settings when the flow is saved', async () => {
    const res = await h.api('POST', '/v1/flows/validate', {
      name: 'bad',
      trigger: { event: 'x' },
      steps: [{ send: { channel: 'slack', webhook_url: 'x', txt: 'typo' } }, { send: { channel: 'slak', text: 'x' } }],
    });
    expect(res.body.data.errors).toEqual([
      { path: 'steps[0].send.text', message: 'required', code: 'required' },
      { path: 'steps[0].send.txt', message: 'unknown field', code: 'unknown_field' },
      {
        path: 'steps[1].send.channel',
        message: expect.stringMatching(/^unknown channel "slak" \(available: [a-z, ]*\bslack\b[a-z, ]*\)$/),
        code: 'unknown_channel',
        params: { channel: 'slak', known: expect.stringMatching(/\bslack\b/) },
      },
    ]);
  });
});
