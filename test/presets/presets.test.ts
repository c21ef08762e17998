/**
 * Every preset, made into a flow with its placeholders filled, activated and run end to end from
 * a booking event to the receiver (outbox, HTTP receiver, or a service's stand-in) at the right time.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PRESETS } from '../../src/presets/index.js';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { testDialects } from '../helpers/test-store.js';
import { startKlaviyoStandIn, type KlaviyoStandIn } from '../stand-ins/klaviyo.js';
import { startOmnisendStandIn, type OmnisendStandIn } from '../stand-ins/omnisend.js';
import { startSlackStandIn, type SlackStandIn } from '../stand-ins/slack.js';
import { startTwilioStandIn, type TwilioStandIn } from '../stand-ins/twilio.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;
const START = T0 + 48 * H;

interface Peers {
  receiver: Receiver;
  slack: SlackStandIn;
  klaviyo: KlaviyoStandIn;
  omnisend: OmnisendStandIn;
  twilio: TwilioStandIn;
}

const KLAVIYO_KEY = 'pk_presets_test_0123456789';
const OMNISEND_KEY = '6467b1d2b4f0a1d2c3e4f5a6-presets-test';

/** Posts the event that starts an event-triggered marketing preset, or moves the clock for the reminder. */
function marketingRun(moment: string) {
  return async (h: Harness) => {
    await h.api('POST', '/v1/events', booked());
    if (moment === 'reminder-24h') {
      h.clock.set(START - 24 * H);
    } else if (moment !== 'created') {
      const name = `appointment.${moment}`;
      await h.api('POST', '/v1/events', appointmentEvent(name, 'p-1', iso(moment === 'rescheduled' ? START + H : START), { email: 'ada@example.com' }));
    }
    await h.drain();
  };
}

const MOMENTS = ['created', 'rescheduled', 'canceled', 'completed', 'reminder-24h'] as const;
const KLAVIYO_METRICS: Record<(typeof MOMENTS)[number], string> = {
  created: 'Sesami Appointment Created',
  rescheduled: 'Sesami Appointment Rescheduled',
  canceled: 'Sesami Appointment Canceled',
  completed: 'Sesami Appointment Completed',
  'reminder-24h': 'Sesami Appointment Reminder',
};
const OMNISEND_EVENTS: Record<(typeof MOMENTS)[number], string> = {
  created: 'appointment created',
  rescheduled: 'appointment rescheduled',
  canceled: 'appointment canceled',
  completed: 'appointment completed',
  'reminder-24h': 'appointment reminder',
};

interface Scenario {
  placeholders: (peers: Peers) => Record<string, string>;
  /** Events to post, in order, and when to look. */
  run: (h: Harness) => Promise<void>;
  check: (h: Harness, peers: Peers) => Promise<void>;
}

const booked = (extra: Parameters<typeof appointmentEvent>[3] = {}) =>
  appointmentEvent('appointment.created', 'p-1', iso(START), {
    email: 'ada@example.com',
    appointment: { customer_management_link: 'https://book.example.com/m/1', order_id: '4447608111157', service_price: '149' },
    ...extra,
  });

async function outbox(h: Harness) {
  return (await h.api('GET', '/v1/outbox')).body.data as Array<{ to: string; subject: string; html: string; text: string }>;
}

const SCENARIOS: Record<string, Scenario> = {
  'reminder-email-24h': {
    placeholders: () => ({}),
    async run(h) {
      await h.api('POST', '/v1/events', booked());
      h.clock.set(START - 24 * H - 1);
      await h.drain();
      expect(await outbox(h)).toHaveLength(0);
      h.clock.set(START - 24 * H);
      await h.drain();
    },
    async check(h) {
      const [mail] = await outbox(h);
      expect(mail!.to).toBe('ada@example.com');
      expect(mail!.subject).toBe('Reminder: Tattoo Removal November 25, 2026 at 1:00 AM');
      expect(mail!.html).toContain('<a href="https://book.example.com/m/1">Reschedule or cancel</a>');
    },
  },
  'reminder-email-2h': {
    placeholders: () => ({}),
    async run(h) {
      await h.api('POST', '/v1/events', booked());
      h.clock.set(START - 2 * H);
      await h.drain();
    },
    async check(h) {
      expect((await outbox(h)).map((m) => m.to)).toEqual(['ada@example.com']);
    },
  },
  'thank-you-survey-email': {
    placeholders: () => ({ SURVEY_URL: 'https://reviews.example.com/r?x={{nope}}' }),
    async run(h) {
      await h.api('POST', '/v1/events', booked());
      await h.api('POST', '/v1/events', appointmentEvent('appointment.completed', 'p-1', iso(START)));
      h.clock.set(START + 30 * 60_000 + H - 1); // service_duration 30 min, then 1 h
      await h.drain();
      expect(await outbox(h)).toHaveLength(0);
      h.clock.set(START + 30 * 60_000 + H);
      await h.drain();
    },
    async check(h) {
      const [mail] = await outbox(h);
      expect(mail!.subject).toBe('Thank you for your visit');
      expect(mail!.text).toContain('https://reviews.example.com/r?x={{nope}}');
    },
  },
  'confirmation-email-multilingual': {
    placeholders: () => ({}),
    async run(h) {
      await h.api('POST', '/v1/events', booked({ contact: { language: 'fr-CA', external_id: 'fr' }, email: 'fr@example.com' }));
      await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'p-2', iso(START), { email: 'de@example.com', contact: { language: 'de' } }));
      await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'p-3', iso(START), { email: 'en@example.com', contact: { language: 'ja' } }));
      await h.drain();
    },
    async check(h) {
      const subjects = Object.fromEntries((await outbox(h)).map((m) => [m.to, m.subject]));
      expect(subjects).toEqual({
        'fr@example.com': 'Réservé : Tattoo Removal',
        'de@example.com': 'Gebucht: Tattoo Removal',
        'en@example.com': 'Booked: Tattoo Removal',
      });
    },
  },
  'slack-new-booking': {
    placeholders: ({ slack }) => ({ SLACK_WEBHOOK_URL: slack.webhookUrl() }),
    async run(h) {
      await h.api('POST', '/v1/events', booked({ contact: { name: 'Ada Lovelace' } }));
      await h.drain();
    },
    async check(_h, { slack }) {
      expect(slack.messages.map((m) => m.body.text)).toEqual(['New booking: Ada Lovelace – Tattoo Removal, November 25, 2026 at 01:00 AM']);
    },
  },
  'no-show-fee-webhook': {
    placeholders: ({ receiver }) => ({ NO_SHOW_FEE_URL: `${receiver.url}/no-show`, PAYMENTS_API_TOKEN: 'tok_live_123456' }),
    async run(h) {
      await h.api('POST', '/v1/events', booked());
      await h.api('POST', '/v1/events', appointmentEvent('appointment.no_show', 'p-1', iso(START)));
      await h.drain();
    },
    async check(h, { receiver }) {
      expect(receiver.requests.map((r) => r.path)).toEqual(['/no-show']);
      expect(receiver.requests[0]!.headers.authorization).toBe('Bearer tok_live_123456');
      expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({ appointment_id: 'p-1', order_id: '4447608111157', reason: 'no_show', service_price: 149 });
      const logged = JSON.stringify((await h.api('GET', '/v1/deliveries')).body.data);
      expect(logged).not.toContain('tok_live_123456');
    },
  },
  'check-in-payment-webhook': {
    placeholders: ({ receiver }) => ({ CHECK_IN_PAYMENT_URL: `${receiver.url}/check-in`, PAYMENTS_API_TOKEN: 'tok_live_654321' }),
    async run(h) {
      await h.api('POST', '/v1/events', booked());
      await h.api('POST', '/v1/events', appointmentEvent('appointment.checked_in', 'p-1', iso(START)));
      await h.drain();
    },
    async check(_h, { receiver }) {
      expect(receiver.requests.map((r) => r.path)).toEqual(['/check-in']);
      expect(JSON.parse(receiver.requests[0]!.body)).toMatchObject({ appointment_id: 'p-1', reason: 'check_in', service_price: 149 });
    },
  },
};

for (const moment of MOMENTS) {
  SCENARIOS[`klaviyo-appointment-${moment}`] = {
    placeholders: () => ({ KLAVIYO_PRIVATE_API_KEY: KLAVIYO_KEY }),
    run: marketingRun(moment),
    async check(h, { klaviyo }) {
      expect(klaviyo.rejected).toEqual([]);
      expect(klaviyo.events.map((e) => e.metric)).toEqual([KLAVIYO_METRICS[moment]]);
      const props = klaviyo.events[0]!.attributes.properties;
      expect(props).toMatchObject({ appointment_id: 'p-1', service_name: 'Tattoo Removal', order_id: 4447608111157, service_price: 149, customer_management_link: 'https://book.example.com/m/1' });
      expect(klaviyo.events[0]!.profile).toMatchObject({ email: 'ada@example.com' });
      expect(JSON.stringify((await h.api('GET', '/v1/deliveries')).body.data)).not.toContain(KLAVIYO_KEY);
    },
  };
  SCENARIOS[`omnisend-appointment-${moment}`] = {
    placeholders: () => ({ OMNISEND_API_KEY: OMNISEND_KEY }),
    run: marketingRun(moment),
    async check(_h, { omnisend }) {
      expect(omnisend.events.map((e: { eventName: string }) => e.eventName)).toEqual([OMNISEND_EVENTS[moment]]);
      expect(omnisend.events[0].properties).toMatchObject({ appointment_id: 'p-1', service_name: 'Tattoo Removal', order_id: 4447608111157, service_price: 149 });
      expect(omnisend.events[0].contact).toMatchObject({ email: 'ada@example.com' });
    },
  };
}

SCENARIOS['sms-reminder-24h'] = {
  placeholders: ({ twilio }) => ({ TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_AUTH_TOKEN: twilio.authToken, SMS_FROM: '+14155550100' }),
  async run(h) {
    await h.api('POST', '/v1/events', booked({ contact: { phone: '+14155550123' } }));
    h.clock.set(START - 24 * H);
    await h.drain();
  },
  async check(_h, { twilio }) {
    expect(twilio.rejected).toEqual([]);
    expect(twilio.messages.map((m) => [m.params.To, m.params.From])).toEqual([['+14155550123', '+14155550100']]);
    expect(twilio.messages[0]!.params.Body).toBe('Reminder: Tattoo Removal 11/25/26, 1:00 AM. Manage: https://book.example.com/m/1');
  },
};

describe('presets', () => {
  it('every preset has an end-to-end scenario', () => {
    expect(PRESETS.map((p) => p.id).sort()).toEqual(Object.keys(SCENARIOS).sort());
  });
});

describe.each(testDialects())('presets end to end on %s', (dialect) => {
  let h: Harness;
  const peers = {} as Peers;

  beforeAll(async () => {
    peers.receiver = await startReceiver();
    peers.slack = await startSlackStandIn();
    peers.klaviyo = await startKlaviyoStandIn({ apiKeys: [KLAVIYO_KEY] });
    peers.omnisend = await startOmnisendStandIn({ apiKeys: [OMNISEND_KEY] });
    peers.twilio = await startTwilioStandIn();
  });
  afterAll(async () => {
    await Promise.all([peers.receiver.close(), peers.slack.close(), peers.klaviyo.close(), peers.omnisend.close(), peers.twilio.close()]);
  });
  beforeEach(async () => {
    peers.receiver.requests.length = 0;
    for (const p of [peers.slack, peers.klaviyo, peers.omnisend, peers.twilio]) p.reset();
    h = await createHarness(dialect, {
      NUDGE_CHANNEL_ENDPOINTS: `klaviyo=${peers.klaviyo.url},omnisend=${peers.omnisend.url},twilio=${peers.twilio.url}`,
    });
  });
  afterEach(async () => {
    await h.close();
  });

  it.each(PRESETS.map((p) => p.id))('%s', async (id) => {
    const scenario = SCENARIOS[id]!;
    const made = await h.api('POST', `/v1/presets/${id}/flows`, { placeholders: scenario.placeholders(peers), activate: true });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.data).toMatchObject({ flow: { status: 'active' }, missing_placeholders: [], missing_secrets: [] });
    await scenario.run(h);
    await scenario.check(h, peers);
    const sessions = (await h.api('GET', '/v1/sessions')).body.data as Array<{ status: string }>;
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((s) => s.status === 'completed')).toBe(true);
  });

  it('a preset with an unfilled placeholder or unset secret is made as a draft that cannot be activated', async () => {
    const made = await h.api('POST', '/v1/presets/no-show-fee-webhook/flows', {});
    expect(made.status).toBe(201);
    expect(made.body.data).toMatchObject({ flow: { status: 'draft' }, missing_placeholders: ['NO_SHOW_FEE_URL'], missing_secrets: ['PAYMENTS_API_TOKEN'] });
    const activate = await h.api('POST', `/v1/flows/${made.body.data.flow.id}/activate`);
    expect(activate.status).toBe(409);
    expect(activate.body.error).toMatchObject({ code: 'unfilled_placeholder' });
    expect(activate.body.error.message).toMatch(/placeholders\.NO_SHOW_FEE_URL/);

    const refused = await h.api('POST', '/v1/presets/slack-new-booking/flows', { activate: true });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('missing_secret');
    expect((await h.api('GET', '/v1/flows')).body.data.map((f: { name: string }) => f.name)).toEqual(['Charge a no-show fee by webhook']);
  });

  it('rejects unknown placeholders and unknown presets', async () => {
    const bad = await h.api('POST', '/v1/presets/slack-new-booking/flows', { placeholders: { SLACK_URL: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_placeholders', path: 'placeholders.SLACK_URL' });
    expect((await h.api('GET', '/v1/presets/nope')).status).toBe(404);
    const list = await h.api('GET', '/v1/presets');
    expect(list.body.data.map((p: { id: string }) => p.id)).toEqual(PRESETS.map((p) => p.id));
  });
});
