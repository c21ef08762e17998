/**
 * Prices and ids stored as text reach vendors and payment endpoints as JSON numbers where a number
 * is expected, with exactly their value ("49.90" → 49.9) and never a guess ("€49,90" stays text, or
 * fails clearly where a number is required). And a step whose rendered settings a channel refuses
 * answers previews, dry-runs and test sends with a 400 naming the setting, not a 500.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { exactNumber } from '../../src/core/exact-number.js';
import { createHarness, T0, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

describe('exactNumber', () => {
  it.each([
    ['149', 149],
    ['49.90', 49.9],
    ['-3.50', -3.5],
    ['4447608111157', 4447608111157],
    ['0', 0],
  ])('%s is %s', (text, n) => {
    expect(exactNumber(text)).toBe(n);
  });

  it.each(['€49,90', '49,90', '007', '1e3', '0x10', ' 12', '', '12345678901234567890', '0.1234567890123456789'])('%j stays text', (text) => {
    expect(exactNumber(text)).toBeUndefined();
  });
});

const event = (price: string) => ({
  name: 'appointment.created',
  contact: { external_id: 'c1', email: 'ada@example.com', first_name: 'Ada' },
  appointment: { id: 'a1', start_at: new Date(T0 + 86_400_000).toISOString(), service_name: 'Cut', order_id: '4447608111157', service_price: price },
});

describe.each(testDialects())('numbers and trials on %s', (dialect) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  async function flow(steps: unknown[]): Promise<string> {
    await h.api('PUT', '/v1/secrets/KLAVIYO_PRIVATE_API_KEY', { value: 'pk_test_123' });
    const res = await h.api('POST', '/v1/flows', { name: 'f', trigger: { event: 'appointment.created' }, steps });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data.id;
  }

  const klaviyoStep = { id: 'k', send: { channel: 'klaviyo', api_key: '{{ secrets.KLAVIYO_PRIVATE_API_KEY }}', metric: 'Booked', value: '{{ event.service_price }}', value_currency: 'EUR' } };
  const webhookStep = { id: 'w', webhook: { url: 'https://pay.example.com/charge', body: { price: '{{ event.service_price | number }}', order: '{{ event.order_id }}', shown: 'Price: {{ event.service_price }}' } } };

  it('sends a price text as the number it is exactly: Klaviyo value and properties, a webhook field with | number', async () => {
    h = await createHarness(dialect);
    const id = await flow([klaviyoStep, webhookStep]);
    const k = await h.api('POST', `/v1/flows/${id}/preview`, { step_id: 'k', event: event('49.90') });
    expect(k.status, JSON.stringify(k.body)).toBe(200);
    expect(k.body.data.request.attributes).toMatchObject({ value: 49.9, properties: { service_price: 49.9, order_id: 4447608111157 } });
    const w = await h.api('POST', `/v1/flows/${id}/preview`, { step_id: 'w', event: event('49.90') });
    expect(JSON.parse(w.body.data.request.body)).toEqual({ price: 49.9, order: '4447608111157', shown: 'Price: 49.90' });
  });

  it('keeps "€49,90" as text in Klaviyo properties, and answers 400 with the path where a number is required', async () => {
    h = await createHarness(dialect);
    const id = await flow([klaviyoStep, webhookStep, { id: 'plain', send: { ...klaviyoStep.send, value: undefined } }]);
    const bad = event('€49,90');
    for (const [route, body] of [
      ['preview', { step_id: 'k', event: bad }],
      ['test', { step_id: 'k', event: bad }],
      ['dry-run', { event: bad }],
    ] as const) {
      const res = await h.api('POST', `/v1/flows/${id}/${route}`, body);
      expect(res.status, `${route}: ${JSON.stringify(res.body)}`).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_step_input', path: 'steps[0].send.value', message: 'steps[0].send.value: expected a number such as 49.90, got "€49,90"' });
    }
    const plain = await h.api('POST', `/v1/flows/${id}/preview`, { step_id: 'plain', event: bad });
    expect(plain.body.data.request.attributes.properties).toMatchObject({ service_price: '€49,90', order_id: 4447608111157 });
    const w = await h.api('POST', `/v1/flows/${id}/preview`, { step_id: 'w', event: bad });
    expect(w.status).toBe(400);
    expect(w.body.error).toMatchObject({ path: 'steps[1].webhook.body.price' });
    expect(w.body.error.message).toContain('"€49,90" is not a number');
  });

  it('answers 400 with the path, not 500, for a webhook signing secret or an email unsubscribe URL that render to something unusable', async () => {
    h = await createHarness(dialect);
    const id = await flow([
      { id: 'signed', webhook: { url: 'https://example.com/hook', signing_secret: '{{ secrets.UNSET_SECRET }}' } },
      { id: 'mail', email: { to: '{{ contact.email }}', subject: 'Hi', text: 'Hi', marketing: true, unsubscribe_url: '{{ contact.attributes.unsubscribe }}' } },
    ]);
    const signed = await h.api('POST', `/v1/flows/${id}/preview`, { step_id: 'signed' });
    expect(signed.status, JSON.stringify(signed.body)).toBe(400);
    expect(signed.body.error).toMatchObject({ code: 'invalid_step_input', path: 'steps[0].webhook.signing_secret' });
    const mail = await h.api('POST', `/v1/flows/${id}/preview`, { step_id: 'mail', event: { ...event('1'), contact: { email: 'a@example.com', attributes: { unsubscribe: 'http://x.example/u' } } } });
    expect(mail.status, JSON.stringify(mail.body)).toBe(400);
    expect(mail.body.error).toMatchObject({ code: 'invalid_step_input', path: 'steps[1].email.unsubscribe_url', message: 'steps[1].email.unsubscribe_url: expected an https URL, got "http://x.example/u"' });
  });
});
