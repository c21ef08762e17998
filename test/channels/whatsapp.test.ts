/** The WhatsApp channel (Cloud API template messages) against a stand-in that checks Meta's wire format. */
import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';
import { startWhatsAppStandIn, type WhatsAppStandIn } from '../stand-ins/whatsapp.js';
import { metaLanguageCode } from '../../src/channels/whatsapp/template-language.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

describe('template language codes', () => {
  it.each([
    ['pt-BR', 'pt_BR'],
    [' pt_br ', 'pt_BR'],
    ['EN-us', 'en_US'],
    ['de', 'de'],
    ['fil', 'fil'],
    ['prs-af', 'prs_AF'],
    ['English', 'English'],
  ])('%s is sent as %s', (given, sent) => {
    expect(metaLanguageCode(given)).toBe(sent);
  });
});

describe.each(testDialects())('whatsapp channel on %s', (dialect) => {
  let h: Harness;
  let wa: WhatsAppStandIn;

  beforeAll(async () => {
    wa = await startWhatsAppStandIn([
      { name: 'appointment_reminder', languages: ['en_US', 'de'], body: 3 },
      { name: 'booking_confirmed', languages: ['en'], header: ['service'], body: ['first_name', 'when'] },
    ]);
  });
  afterAll(async () => {
    await wa.close();
  });
  beforeEach(() => {
    wa.reset();
  });
  afterEach(async () => {
    await h?.close();
  });

  async function setup(send: Record<string, unknown>) {
    h = await createHarness(dialect, { NUDGE_CHANNEL_ENDPOINTS: `whatsapp=${wa.url}` });
    expect((await h.api('PUT', '/v1/secrets/WHATSAPP_ACCESS_TOKEN', { value: wa.accessToken })).status).toBe(200);
    const res = await h.api('POST', '/v1/flows?activate=true', {
      name: 'WhatsApp on booking',
      trigger: { event: 'appointment.created' },
      steps: [
        {
          id: 'notify',
          send: {
            channel: 'whatsapp',
            access_token: '{{ secrets.WHATSAPP_ACCESS_TOKEN }}',
            phone_number_id: wa.phoneNumberId,
            template: 'appointment_reminder',
            language: 'en_US',
            parameters: ['{{ contact.first_name }}', '{{ event.service_name }}', '{{ event.datetime }}'],
            ...send,
          },
        },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }

  async function book(id: string, contact: Record<string, unknown> = { phone: '+49 151 1234-5678' }) {
    const res = await h.api('POST', '/v1/events', appointmentEvent('appointment.created', id, iso(T0 + 5 * H), { contact }));
    expect([200, 202], JSON.stringify(res.body)).toContain(res.status);
  }

  async function onlySession() {
    const list = (await h.api('GET', '/v1/sessions')).body.data;
    expect(list).toHaveLength(1);
    return (await h.api('GET', `/v1/sessions/${list[0].id}`)).body.data;
  }

  it('sends a template message with body parameters, and keeps the token out of the log', async () => {
    await setup({});
    await book('w1');
    await h.drain();
    expect(wa.rejected).toEqual([]);
    expect(wa.messages).toHaveLength(1);
    const m = wa.messages[0]!;
    expect(m.version).toBe('v24.0');
    expect(m.phoneNumberId).toBe(wa.phoneNumberId);
    expect(m.headers.authorization).toBe(`Bearer ${wa.accessToken}`);
    expect(m.headers['content-type']).toBe('application/json');
    expect(m.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '4915112345678',
      type: 'template',
      template: {
        name: 'appointment_reminder',
        language: { code: 'en_US' },
        components: [
          {
            type: 'body',
            parameters: [
              { type: 'text', text: 'Ada' },
              { type: 'text', text: 'Tattoo Removal' },
              { type: 'text', text: 'November 23, 2026 at 06:00 AM' },
            ],
          },
        ],
      },
    });

    const s = await onlySession();
    expect(s.status).toBe('completed');
    const d = s.deliveries[0];
    expect(d).toMatchObject({ status: 'succeeded', channel: 'whatsapp' });
    expect(d.request.url).toBe(`${wa.url}/v24.0/${wa.phoneNumberId}/messages`);
    expect(d.request.headers.authorization).toBe('Bearer [redacted]');
    expect(JSON.parse(d.request.body)).toEqual(m.body);
    expect(d.response.status).toBe(200);
    expect(JSON.parse(d.response.body)).toEqual({
      messaging_product: 'whatsapp',
      contacts: [{ input: '4915112345678', wa_id: '4915112345678' }],
      messages: [{ id: m.id, message_status: 'accepted' }],
    });
    expect(JSON.stringify(s)).not.toContain(wa.accessToken);
  });

  it('sends named header and body parameters, folding new lines and tabs Meta would refuse', async () => {
    await setup({
      api_version: '23.0',
      template: 'booking_confirmed',
      language: '{{ contact.language }}',
      header_parameters: { service: '{{ event.service_name }}' },
      parameters: { first_name: '{{ contact.first_name }}', when: '{{ appointment.start_at }}' },
    });
    await book('w2', { phone: '+4915112345678', first_name: 'Ada\tMarie\nLovelace      Jr', language: 'en' });
    await h.drain();
    expect(wa.rejected).toEqual([]);
    expect(wa.messages).toHaveLength(1);
    expect(wa.messages[0]!.version).toBe('v23.0');
    expect(wa.messages[0]!.body.template).toEqual({
      name: 'booking_confirmed',
      language: { code: 'en' },
      components: [
        { type: 'header', parameters: [{ type: 'text', parameter_name: 'service', text: 'Tattoo Removal' }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', parameter_name: 'first_name', text: 'Ada Marie Lovelace    Jr' },
            { type: 'text', parameter_name: 'when', text: iso(T0 + 5 * H) },
          ],
        },
      ],
    });
  });

  it('retries rate-limit codes (131056 as HTTP 400, 130429 as 429) with backoff, then sends', async () => {
    await setup({});
    wa.failNext(
      { status: 400, code: 131056, message: '(#131056) (Business Account, Consumer Account) pair rate limit hit' },
      { status: 429, code: 130429, message: '(#130429) Rate limit hit', details: 'Cloud API message throughput has been reached.' },
    );
    await book('w3');
    await h.drain();
    // Backoff with NUDGE_RETRY_BASE_MS = 60 s and random 0.5: 45 s after attempt 1, 90 s after attempt 2.
    h.clock.set(T0 + 44_999);
    await h.drain();
    h.clock.set(T0 + 45_000);
    await h.drain();
    expect(wa.messages).toHaveLength(0);
    h.clock.set(T0 + 45_000 + 90_000);
    await h.drain();
    expect(wa.messages).toHaveLength(1);
    const s = await onlySession();
    expect(s.status).toBe('completed');
    expect(s.deliveries.map((d: { status: string; error: string | null }) => `${d.status}: ${d.error}`)).toEqual([
      'retrying: HTTP 400: WhatsApp error 131056: (#131056) (Business Account, Consumer Account) pair rate limit hit',
      'retrying: HTTP 429: WhatsApp error 130429: (#130429) Rate limit hit (Cloud API message throughput has been reached.)',
      'succeeded: null',
    ]);
  });

  it('gives up on permanent Graph errors: unknown template, parameter count, expired token', async () => {
    await setup({ template: 'no_such_template' });
    await book('w4');
    await h.drain();
    let s = await onlySession();
    expect(s.status).toBe('failed');
    expect(s.end_reason).toBe(
      'send notify failed: HTTP 400: WhatsApp error 132001: (#132001) Template name does not exist in the translation (template name (no_such_template) does not exist in en_US) (permanent error)',
    );
    await h.close();

    await setup({ parameters: ['{{ contact.first_name }}'] });
    await book('w5');
    await h.drain();
    s = await onlySession();
    expect(s.end_reason).toBe(
      'send notify failed: HTTP 400: WhatsApp error 132000: (#132000) Number of parameters does not match the expected number of params (body: number of localizable_params (1) does not match the expected number of params (3)) (permanent error)',
    );
    await h.close();

    await setup({});
    wa.failNext({ status: 401, code: 190, message: 'Error validating access token: Session has expired on Sunday, 22-Nov-26 00:00:00 PST.' });
    await book('w6');
    await h.drain();
    s = await onlySession();
    expect(s.end_reason).toBe(
      'send notify failed: HTTP 401: WhatsApp error 190: Error validating access token: Session has expired on Sunday, 22-Nov-26 00:00:00 PST. (permanent error)',
    );
    expect(wa.messages).toHaveLength(0);
  });

  it("sends a contact's BCP 47 language (en-us, as booking systems write it) as Meta's code en_US; an empty one fails without calling Meta", async () => {
    await setup({ language: '{{ contact.language }}' });
    await book('w9', { phone: '+49 151 1234-5678', language: 'en-us' });
    await h.drain();
    expect(wa.rejected).toEqual([]);
    expect(wa.messages.map((m) => m.body.template.language)).toEqual([{ code: 'en_US' }]);
    await h.close();

    await setup({ language: '{{ contact.language }}' });
    await book('w10', { phone: '+49 151 1234-5678' });
    await h.drain();
    const s = await onlySession();
    expect(s.end_reason).toBe(
      'send notify failed: language is empty once rendered (does the contact have a language?): expected a code such as en_US, pt_BR or de (permanent error)',
    );
    expect(wa.messages).toHaveLength(1);
  });

  it('fails without calling Meta when a parameter renders empty; skips a contact with no phone', async () => {
    await setup({ parameters: ['{{ contact.first_name }}', '{{ contact.attributes.missing }}', '{{ event.datetime }}'] });
    await book('w7');
    await h.drain();
    let s = await onlySession();
    expect(s.end_reason).toBe('send notify failed: body parameter 2 is empty once rendered; WhatsApp rejects empty template parameters (permanent error)');
    await h.close();

    await setup({});
    await book('w8', { phone: undefined });
    await h.drain();
    s = await onlySession();
    expect(s.status).toBe('completed');
    expect(s.deliveries.map((d: { status: string; error: string }) => [d.status, d.error])).toEqual([['skipped', 'no recipient']]);
    expect(wa.messages).toHaveLength(0);
    expect(wa.rejected).toEqual([]);
  });

  it('declares 80 messages/s per phone number and validates settings with paths', async () => {
    h = await createHarness(dialect);
    const channels = (await h.api('GET', '/v1/channels')).body.data;
    const whatsapp = channels.find((c: { id: string }) => c.id === 'whatsapp');
    expect(whatsapp.rateLimits).toEqual([{ limit: 80, intervalMs: 1000 }]);
    expect(whatsapp.settings.properties.api_version.default).toBe('v24.0');
    expect(whatsapp.settings.properties.to.default).toBe('{{ contact.phone }}');

    const res = await h.api('POST', '/v1/flows/validate', {
      name: 'bad',
      trigger: { event: 'x' },
      steps: [
        { send: { channel: 'whatsapp', access_token: 't', phone_number_id: '+49 151', api_version: '24', template: 'Reminder!', language: 'English' } },
        { send: { channel: 'whatsapp', access_token: 't', phone_number_id: '1', template: 'x', language: 'en', parameters: ['a'], components: [] } },
        { send: { channel: 'whatsapp', access_token: 't', phone_number_id: 106540352242922, language: 'en' } },
      ],
    });
    expect(res.body.data.errors).toEqual([
      { path: 'steps[0].send.phone_number_id', message: 'expected the numeric phone number ID, or a template', code: 'numeric_id' },
      { path: 'steps[0].send.api_version', message: 'expected a Graph API version such as v24.0', code: 'format_example', params: { example: 'v24.0' } },
      { path: 'steps[0].send.template', message: 'expected a template name (lower-case letters, digits and _), or a template', code: 'lowercase_name' },
      {
        path: 'steps[0].send.language',
        message: 'expected a language code such as en_US or de, or a template',
        code: 'format_example',
        params: { example: 'en_US' },
      },
      {
        path: 'steps[1].send.components',
        message: 'give either components or parameters / header_parameters',
        code: 'either',
        params: { first: 'components', second: 'parameters / header_parameters' },
      },
      { path: 'steps[2].send.template', message: 'required', code: 'required' },
    ]);
  });

  it('accepts the example flow in docs/channels/whatsapp.md', async () => {
    h = await createHarness(dialect);
    const markdown = await readFile(new URL('../../docs/channels/whatsapp.md', import.meta.url), 'utf8');
    const examples = [...markdown.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1]!) as Record<string, unknown>);
    expect(examples).toHaveLength(1);
    const res = await h.api('POST', '/v1/flows/validate', examples[0]);
    expect(res.status).toBe(200);
    expect(res.body.data.errors).toEqual([]);
  });
});
