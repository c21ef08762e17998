/**
 * No API response, log line, stored delivery or error message contains a secret's value or
 * anything computed from it: `secrets` exists only in credential positions, and a credential
 * position that read a secret is shown redacted whole (docs/flows.md, "Secrets").
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderString, renderValue } from '../../src/engine/templates.js';
import { buildTemplateContext } from '../../src/engine/template-context.js';
import { SecretRedactor, SecretsDrop } from '../../src/engine/template-secrets.js';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { testDialects } from '../helpers/test-store.js';

const SECRET = 'Tok3n-Alpha7-Bravo9-Charlie3';
const NAME = 'API_TOKEN';
const S = `secrets.${NAME}`;
const H = 3_600_000;

/** The forms a leak would take: as is, other case, reversed, base64, spaced out. */
const LEAK_FORMS = [
  SECRET,
  SECRET.toUpperCase(),
  SECRET.toLowerCase(),
  [...SECRET].reverse().join(''),
  Buffer.from(SECRET).toString('base64'),
  Buffer.from(SECRET).toString('base64').replace(/=+$/, ''),
  [...SECRET].join(' '),
  [...SECRET].join('.'),
  encodeURIComponent([...SECRET].join(' ')),
];

/** Expressions computing something from the secret, each a whole credential value. */
const FILTERS: Record<string, string> = {
  plain: `{{ ${S} }}`,
  upcase: `{{ ${S} | upcase }}`,
  downcase: `{{ ${S} | downcase }}`,
  'split/join': `{{ ${S} | split: '' | join: ' ' }}`,
  slice: `{{ ${S} | slice: 0, 12 }}`,
  append: `{{ ${S} | append: '-x' }}`,
  prepend: `{{ ${S} | prepend: 'x-' }}`,
  replace: `{{ ${S} | replace: '-', '_' }}`,
  base64: `{{ ${S} | base64_encode }}`,
  url_encode: `{{ ${S} | split: '' | join: ' ' | url_encode }}`,
  escape: `{{ ${S} | escape }}`,
  reverse: `{{ ${S} | split: '' | reverse | join: '' }}`,
  size: `n={{ ${S} | size }}`,
  truncate: `{{ ${S} | truncate: 15 }}`,
  json: `{{ ${S} | json }}`,
  'first/last': `{{ ${S} | split: '-' | first }}{{ ${S} | split: '-' | last }}`,
  capture: `{% capture c %}{{ ${S} }}!{% endcapture %}{{ c | upcase }}`,
  assign: `{% assign a = ${S} | downcase %}{{ a }}`,
  'for over characters': `{% assign cs = ${S} | split: '' %}{% for c in cs %}{{ c }}.{% endfor %}`,
  concatenation: `{{ ${S} }}{{ ${S} | upcase }}`,
};

const POSITIONS: Record<string, (expr: string, base: string) => Record<string, unknown>> = {
  header: (expr, base) => ({ url: `${base}/hook`, headers: { 'x-token': expr } }),
  'url query': (expr, base) => ({ url: `${base}/hook?token=${expr}` }),
};

function logCapture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'trace' }, stream), text: () => lines.join('') };
}

function expectNoLeak(surfaces: Record<string, string>, computed: string[]) {
  const forms = [...LEAK_FORMS, ...computed.filter((c) => c.length >= 4)];
  for (const [where, text] of Object.entries(surfaces)) {
    for (const form of forms) expect(text.includes(form), `${where} contains ${JSON.stringify(form)}`).toBe(false);
  }
}

describe('secrets outside credential positions', () => {
  it('are an error at render time, whatever the filter (stored flows that escaped validation included)', async () => {
    const context = buildTemplateContext({ workspace: { id: 'ws', name: 'w', timezone: 'UTC' } as never });
    for (const expr of Object.values(FILTERS)) {
      await expect(renderString(expr, context, 'text', 'steps[0].webhook.body'), expr).rejects.toThrow(
        /^steps\[0\]\.webhook\.body: secrets are only available in headers, url and credential fields/,
      );
    }
    await expect(renderValue({ k: `{{ ${S} }}` }, context, 'steps[0].webhook.body')).rejects.toThrow(/secrets are only available/);
    await expect(renderString(`{{ secrets }}`, context, 'text', 'x')).rejects.toThrow(/secrets are only available/);
  });
});

describe.each(testDialects())('secret redaction on %s', (dialect) => {
  let h: Harness;
  let receiver: Receiver;
  let logs: ReturnType<typeof logCapture>;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(async () => {
    receiver.requests.length = 0;
    logs = logCapture();
    h = await createHarness(dialect, {}, {}, { logger: logs.logger });
    expect((await h.api('PUT', `/v1/secrets/${NAME}`, { value: SECRET })).status).toBe(200);
  });
  afterEach(async () => {
    await h.close();
  });

  let flows = 0;
  const flow = (step: Record<string, unknown>) => ({ name: `leak probe ${++flows}`, trigger: { event: 'appointment.created' }, steps: [{ id: 'hook', ...step }] });

  it.each([
    ['steps[0].webhook.body.k', { webhook: { url: 'https://example.com/h', body: { k: `{{ ${S} | upcase }}` } } }],
    ['steps[0].webhook.body', { webhook: { url: 'https://example.com/h', body: `x {{ ${S} }}` } }],
    ['steps[0].webhook.form.k', { webhook: { url: 'https://example.com/h', form: { k: `{{ ${S} }}` } } }],
    ['steps[0].email.subject', { email: { to: '{{ contact.email }}', subject: `{% assign a = ${S} %}{{ a }}`, text: 'x' } }],
    ['steps[0].email.text', { email: { to: '{{ contact.email }}', subject: 's', text: `{% for c in ${S} %}{% endfor %}` } }],
    ['steps[0].update_contact.attributes.k', { update_contact: { attributes: { k: `{{ ${S} }}` } } }],
    ['steps[0].send.text', { send: { channel: 'slack', webhook_url: `{{ secrets.SLACK_WEBHOOK_URL }}`, text: `{{ ${S} | split: '' | join: ' ' }}` } }],
  ])('refuses a flow that uses secrets in %s', async (path, step) => {
    const res = await h.api('POST', '/v1/flows', flow(step));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(`${path}: secrets are only available in headers, url and credential fields`);
  });

  it('accepts secrets in the webhook url, headers and signing secret and in channel credential fields', async () => {
    const ok = [
      { webhook: { url: `https://example.com/h?k={{ ${S} }}`, headers: { authorization: `Bearer {{ ${S} }}` }, signing_secret: '{{ secrets.WEBHOOK_SIGNING_SECRET }}' } },
      { send: { channel: 'slack', webhook_url: '{{ secrets.SLACK_WEBHOOK_URL }}', text: 'hi' } },
      { send: { channel: 'klaviyo', api_key: `{{ ${S} }}`, metric: 'Booked' } },
    ];
    for (const step of ok) expect((await h.api('POST', '/v1/flows', flow(step))).status, JSON.stringify(step)).toBe(201);
  });

  for (const [position, build] of Object.entries(POSITIONS)) {
    it.each(Object.entries(FILTERS))(`${position}: %s never shows what it computed from the secret`, async (_name, expr) => {
      const created = await h.api('POST', '/v1/flows', flow({ webhook: { ...build(expr, receiver.url), body: { n: '{{ contact.first_name }}' } } }));
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const flowId = created.body.data.id;
      await h.api('POST', `/v1/flows/${flowId}/activate`);

      const preview = await h.api('POST', `/v1/flows/${flowId}/preview`, { step_id: 'hook' });
      expect(preview.status, JSON.stringify(preview.body)).toBe(200);
      const test = await h.api('POST', `/v1/flows/${flowId}/test`, { step_id: 'hook' });
      expect(test.body.data?.ok, JSON.stringify(test.body)).toBe(true);
      const dry = await h.api('POST', `/v1/flows/${flowId}/dry-run`, {});
      const event = await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'leak1', new Date(T0 + 30 * H).toISOString()));
      await h.drain();
      const deliveries = await h.api('GET', '/v1/deliveries');
      expect(deliveries.body.data).toHaveLength(1);
      const sessions = await h.api('GET', '/v1/sessions');
      const session = await h.api('GET', `/v1/sessions/${sessions.body.data[0].id}`);

      // What the receiver got (test send and live send): the secret was usable, and is what must not show.
      expect(receiver.requests).toHaveLength(2);
      const got = receiver.requests.map((r) => (position === 'header' ? String(r.headers['x-token']) : new URL(r.path, 'http://x').searchParams.get('token')!));
      expect(got[0]).toBe(got[1]);
      expect(got[0]!.length).toBeGreaterThan(0);
      expectNoLeak(
        {
          preview: JSON.stringify(preview.body),
          test: JSON.stringify(test.body),
          'dry-run': JSON.stringify(dry.body),
          event: JSON.stringify(event.body),
          deliveries: JSON.stringify(deliveries.body),
          session: JSON.stringify(session.body),
          logs: logs.text(),
        },
        [got[0]!, encodeURIComponent(got[0]!)],
      );
      const shown = position === 'header' ? preview.body.data.request.headers['x-token'] : preview.body.data.request.url;
      expect(shown).toMatch(/\[(redacted|secret:API_TOKEN)\]$/);
    });
  }

  it('lists each channel\'s credential settings in GET /v1/channels', async () => {
    const channels = (await h.api('GET', '/v1/channels')).body.data as Array<{ id: string; credentialFields: string[] }>;
    expect(Object.fromEntries(channels.map((c) => [c.id, c.credentialFields]))).toMatchObject({
      slack: ['webhook_url'],
      klaviyo: ['api_key'],
      sms: ['account_sid', 'api_key_sid', 'auth_token'],
    });
  });

  it('refuses a secret too short to be found again in logs', async () => {
    const res = await h.api('PUT', '/v1/secrets/SHORT', { value: 'abc' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_secret', path: 'value' });
    expect((await h.api('PUT', '/v1/secrets/SHORT', { value: 'abcd' })).status).toBe(200);
  });

  it('keeps the literal beginning of a redacted url or header', async () => {
    const created = await h.api('POST', '/v1/flows', flow({ webhook: { url: `${receiver.url}/hook?token={{ ${S} | upcase }}`, headers: { authorization: `Bearer {{ ${S} }}` } } }));
    const preview = await h.api('POST', `/v1/flows/${created.body.data.id}/preview`, { step_id: 'hook' });
    expect(preview.body.data.request.url).toBe(`${receiver.url}/hook?token=[redacted]`);
    expect(preview.body.data.request.headers.authorization).toBe(`Bearer [secret:${NAME}]`);
  });

  it('redacts error messages: a receiver echoing a computed value, an invalid URL computed from a secret', async () => {
    const upper = SECRET.toUpperCase();
    const echo = await h.api('POST', '/v1/flows', flow({ webhook: { url: `${receiver.url}/hook`, headers: { 'x-token': `{{ ${S} | upcase }}` } } }));
    const flowId = echo.body.data.id;
    receiver.respondWith({ status: 400, body: `bad token ${upper}` });
    const test = await h.api('POST', `/v1/flows/${flowId}/test`, { step_id: 'hook' });
    expect(test.body.data).toMatchObject({ ok: false, error: 'HTTP 400: bad token [redacted]' });

    await h.api('POST', `/v1/flows/${flowId}/activate`);
    receiver.respondWith({ status: 400, body: `bad token ${upper}` });
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'leak2', new Date(T0 + 30 * H).toISOString()));
    await h.drain();
    const deliveries = (await h.api('GET', '/v1/deliveries')).body;
    expect(deliveries.data[0]).toMatchObject({ status: 'failed', error: 'HTTP 400: bad token [redacted]' });
    const session = await h.api('GET', `/v1/sessions/${deliveries.data[0].session_id}`);

    const bad = await h.api('POST', '/v1/flows', flow({ webhook: { url: `{{ ${S} | downcase }}` } }));
    const invalid = await h.api('POST', `/v1/flows/${bad.body.data.id}/test`, { step_id: 'hook' });
    expect(invalid.body.data).toMatchObject({ ok: false, error: 'invalid URL "[redacted]"' });
    expectNoLeak(
      { test: JSON.stringify(test.body), deliveries: JSON.stringify(deliveries), session: JSON.stringify(session.body), invalid: JSON.stringify(invalid.body), logs: logs.text() },
      [],
    );
  });
});

describe('SecretRedactor.redactError', () => {
  it('redacts the message, the stack and the causes of an error', () => {
    const redactor = new SecretRedactor({ [NAME]: SECRET });
    const error = new Error(`outer ${SECRET}`, { cause: new Error(`inner ${SECRET}`) });
    redactor.redactError(error);
    expect(error.message).toBe(`outer [secret:${NAME}]`);
    expect(error.stack).not.toContain(SECRET);
    expect((error.cause as Error).message).toBe(`inner [secret:${NAME}]`);
    expect((error.cause as Error).stack).not.toContain(SECRET);
  });
});

describe('SecretRedactor.redactValue', () => {
  it('keeps the structure whatever text a credential position printed after reading a secret', () => {
    const redactor = new SecretRedactor({ [NAME]: SECRET });
    const secrets = new SecretsDrop({ [NAME]: SECRET });
    secrets.liquidMethodMissing(NAME);
    secrets.noteOutput('","b":"');
    redactor.remember(`{{ ${S} }}`, SECRET, secrets);
    const value = { a: 'x', b: 'y', headers: { [`k-${SECRET}`]: `v ${SECRET}` } };
    expect(redactor.redactValue(value)).toEqual({ a: 'x', b: 'y', headers: { [`k-[secret:${NAME}]`]: `v [secret:${NAME}]` } });
  });
});

