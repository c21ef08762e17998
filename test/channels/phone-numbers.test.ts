/**
 * Phone numbers: one reading (phone-number.ts, libphonenumber-js) for every channel that sends
 * one. `+44 (0)20 7946 0958` is +442079460958 everywhere (stripping separators by hand sent
 * +4402079460958, a wrong number); a national number is read in the workspace's country; a number
 * that is not valid fails the step (SMS, WhatsApp) or is left out of the profile (Klaviyo,
 * Omnisend), and an empty one skips the step as before.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { builtinChannels } from '../../src/channels/builtin.js';
import { ChannelError, type ChannelModule } from '../../src/channels/channel.js';
import { createOutboundGuard, withOutboundGuard } from '../../src/channels/http/outbound-guard.js';
import { readPhoneNumber } from '../../src/channels/phone-number.js';
import { createRenderer } from '../../src/engine/send-steps.js';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';
import { startKlaviyoStandIn, type KlaviyoStandIn } from '../stand-ins/klaviyo.js';
import { startOmnisendStandIn, type OmnisendStandIn } from '../stand-ins/omnisend.js';
import { startTwilioStandIn, type TwilioStandIn } from '../stand-ins/twilio.js';
import { startWhatsAppStandIn, type WhatsAppStandIn } from '../stand-ins/whatsapp.js';

describe('readPhoneNumber', () => {
  it.each([
    ['+44 (0)20 7946 0958', null, '+442079460958'],
    ['+4402079460958', null, '+442079460958'],
    ['0044 20 7946 0958', 'DE', '+442079460958'],
    ['020 7946 0958', 'GB', '+442079460958'],
    ['020 7946 0958', 'gb', '+442079460958'],
    ['(415) 555-0123', 'US', '+14155550123'],
    ['+1 (415) 555-0123', 'GB', '+14155550123'],
    ['+49 151 1234-5678', null, '+4915112345678'],
  ])('%s (default country %s) is %s', (raw, country, e164) => {
    expect(readPhoneNumber(raw, country)).toEqual({ kind: 'valid', e164 });
  });

  it('says why a number is not valid, and that an empty one is empty', () => {
    expect(readPhoneNumber('  ', 'GB')).toEqual({ kind: 'empty' });
    expect(readPhoneNumber('020 7946 0958', null)).toEqual({
      kind: 'invalid',
      reason: `"020 7946 0958" has no country code and the workspace has no default country: write it as +<country code> … or set the workspace's country`,
    });
    expect(readPhoneNumber('+1 555 0100', null)).toEqual({ kind: 'invalid', reason: '"+1 555 0100" is not a valid phone number' });
    expect(readPhoneNumber('0000000000', 'US')).toEqual({ kind: 'invalid', reason: '"0000000000" is not a valid phone number for US' });
    expect(readPhoneNumber('call me', 'US').kind).toBe('invalid');
  });
});

describe('every channel that sends a phone number reads it the same way', () => {
  let twilio: TwilioStandIn;
  let wa: WhatsAppStandIn;
  let klaviyo: KlaviyoStandIn;
  let omnisend: OmnisendStandIn;
  const guard = createOutboundGuard({ allow: ['127.0.0.1'] });
  let modules: Record<string, ChannelModule>;

  beforeAll(async () => {
    twilio = await startTwilioStandIn();
    wa = await startWhatsAppStandIn([{ name: 'appointment_reminder', languages: ['en_US'], body: 1 }]);
    klaviyo = await startKlaviyoStandIn({ apiKeys: ['pk_test'] });
    omnisend = await startOmnisendStandIn({ apiKeys: ['om-key'] });
    const endpoints = { sms: twilio.url, whatsapp: wa.url, klaviyo: klaviyo.url, omnisend: omnisend.url };
    modules = Object.fromEntries(builtinChannels({ now: () => T0, endpoints }).map((m) => [m.manifest.id, withOutboundGuard(m, guard)]));
  });
  afterAll(async () => {
    await Promise.all([twilio.close(), wa.close(), klaviyo.close(), omnisend.close(), guard.close()]);
  });
  beforeEach(() => {
    twilio.reset();
    wa.reset();
    klaviyo.reset();
    omnisend.reset();
  });

  const settings: Record<string, Record<string, unknown>> = {
    sms: { account_sid: '', auth_token: '', from: '+1 (415) 555-0100', body: 'Hi' },
    whatsapp: { access_token: '', phone_number_id: '', template: 'appointment_reminder', language: 'en_US', parameters: ['Ada'] },
    klaviyo: { api_key: 'pk_test', metric: 'Sesami Appointment Created', properties: {} },
    omnisend: { api_key: 'om-key', event_name: 'appointment created', properties: {} },
  };

  let sent = 0;
  async function send(channel: string, phone: string, country: string | null) {
    const s = { ...settings[channel] };
    if (channel === 'sms') Object.assign(s, { account_sid: twilio.accountSid, auth_token: twilio.authToken });
    if (channel === 'whatsapp') Object.assign(s, { access_token: wa.accessToken, phone_number_id: wa.phoneNumberId });
    const module = modules[channel]!;
    const context = { contact: { phone, email: 'ada@example.com' }, event: {} };
    const input = await module.render(module.settings.parse(s), createRenderer(context, 'steps[0].send', { country }));
    sent += 1;
    return module.send({ idempotencyKey: `ss_${sent}.s.1`, workspaceId: 'ws_1', sessionId: `ss_${sent}` }, input);
  }

  const received = () => ({
    sms: twilio.messages.map((m) => m.params.To),
    whatsapp: wa.messages.map((m) => m.body.to),
    klaviyo: klaviyo.events.map((e) => e.profile.phone_number),
    omnisend: omnisend.events.map((e) => e.contact.phone),
  });

  it('sends +44 (0)20 7946 0958 as +442079460958 (WhatsApp: digits), and a national number in the workspace country', async () => {
    for (const channel of ['sms', 'whatsapp', 'klaviyo', 'omnisend']) {
      await send(channel, '+44 (0)20 7946 0958', null);
      await send(channel, '020 7946 0958', 'GB');
    }
    expect(received()).toEqual({
      sms: ['+442079460958', '+442079460958'],
      whatsapp: ['442079460958', '442079460958'],
      klaviyo: ['+442079460958', '+442079460958'],
      omnisend: ['+442079460958', '+442079460958'],
    });
    expect(twilio.messages[0]!.params.From).toBe('+14155550100');
  });

  it("keeps Twilio's whatsapp: prefix and an alphanumeric sender ID", async () => {
    const sms = settings.sms!;
    try {
      settings.sms = { ...sms, from: 'whatsapp:+1 (415) 555-0100' };
      await send('sms', 'whatsapp:+44 (0)20 7946 0958', null);
      settings.sms = { ...sms, from: 'Studio' };
      await send('sms', '+44 (0)20 7946 0958', null);
    } finally {
      settings.sms = sms;
    }
    expect(twilio.rejected).toEqual([]);
    expect(twilio.messages.map((m) => [m.params.To, m.params.From])).toEqual([
      ['whatsapp:+442079460958', 'whatsapp:+14155550100'],
      ['+442079460958', 'Studio'],
    ]);
  });

  it('fails an SMS or WhatsApp step permanently for a number that is not valid, naming the field; leaves it out of a profile', async () => {
    for (const channel of ['sms', 'whatsapp']) {
      const error = await send(channel, '020 7946 0958', 'US').then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ChannelError);
      expect(error).toMatchObject({ retryable: false, noRecipient: false, field: 'to', message: 'to: "020 7946 0958" is not a valid phone number for US' });
    }
    await send('klaviyo', '020 7946 0958', null);
    await send('omnisend', '020 7946 0958', null);
    expect(received()).toEqual({ sms: [], whatsapp: [], klaviyo: [undefined], omnisend: [undefined] });
  });
});

describe.each(testDialects())('the workspace country reaches the channels on %s', (dialect) => {
  let h: Harness;
  let twilio: TwilioStandIn;

  beforeAll(async () => {
    twilio = await startTwilioStandIn();
  });
  afterAll(async () => {
    await twilio.close();
  });
  afterEach(async () => {
    await h?.close();
  });

  it('texts a national number in the workspace country, and fails (not texts) one it cannot read', async () => {
    h = await createHarness(dialect, { NUDGE_CHANNEL_ENDPOINTS: `sms=${twilio.url}` });
    await h.testStore.store.db.updateTable('workspaces').set({ country: 'GB' }).where('id', '=', h.workspaceId).execute();
    await h.api('PUT', '/v1/secrets/TWILIO_AUTH_TOKEN', { value: twilio.authToken });
    const flow = {
      name: 'SMS on booking',
      trigger: { event: 'appointment.created' },
      steps: [{ id: 'text', send: { channel: 'sms', account_sid: twilio.accountSid, auth_token: '{{ secrets.TWILIO_AUTH_TOKEN }}', from: '+15005550006', body: 'Hi' } }],
    };
    expect((await h.api('POST', '/v1/flows?activate=true', flow)).status).toBe(201);
    const start = new Date(T0 + 86_400_000).toISOString();
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'a1', start, { contact: { phone: '020 7946 0958' } }));
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'a2', start, { contact: { phone: '+44 20 7946' } }));
    await h.drain();
    expect(twilio.messages.map((m) => m.params.To)).toEqual(['+442079460958']);
    const failed = (await h.api('GET', '/v1/sessions?status=failed')).body.data;
    expect(failed.map((s: { end_reason: string }) => s.end_reason)).toEqual([
      'send text failed: to: "+44 20 7946" is not a valid phone number (permanent error)',
    ]);
  });
});
