/**
 * One abstraction for every channel: webhook and email are modules in the registry like the
 * others, found by id for sending, previews and test sends, while `send` steps can name only the
 * channels without a step kind of their own (their list is what editors offer for `send` steps).
 */
import { describe, expect, it } from 'vitest';
import { builtinChannels } from '../../src/channels/builtin.js';
import { createEmailChannel } from '../../src/channels/email/email-channel.js';
import { createChannelRegistry } from '../../src/channels/registry.js';
import { createWebhookChannel } from '../../src/channels/webhook/webhook-channel.js';
import { validateFlow } from '../../src/core/flow-validation.js';
import { createRenderer } from '../../src/engine/send-steps.js';
import { SecretRedactor } from '../../src/engine/template-secrets.js';

function registry(closed: string[] = []) {
  const email = createEmailChannel({ smtpUrl: null, writeOutbox: async () => 'ob_1', now: () => Date.UTC(2026, 0, 1) });
  const close = email.close.bind(email);
  email.close = () => {
    closed.push('email');
    close();
  };
  return createChannelRegistry([createWebhookChannel(), email, ...builtinChannels({ now: () => 0, endpoints: {} })]);
}

describe('the channel registry', () => {
  it('holds webhook and email as modules, leaving them out of what send steps can name', () => {
    const r = registry();
    expect(r.get('webhook')?.manifest.stepKind).toBe('webhook');
    expect(r.get('email')?.manifest.stepKind).toBe('email');
    const named = r.describe().map((c) => c.id);
    expect(named).toEqual(['slack', 'klaviyo', 'omnisend', 'sms', 'whatsapp', 'telegram']);
    expect(Object.keys(r.validators).sort()).toEqual([...named].sort());
    const result = validateFlow({ name: 'x', trigger: { event: 'x' }, steps: [{ send: { channel: 'webhook', url: 'https://example.com' } }] }, { channels: r.validators });
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual(['steps[0].send.channel']);
  });

  it('closes the modules that hold something', () => {
    const closed: string[] = [];
    registry(closed).close();
    expect(closed).toEqual(['email']);
  });

  it('renders a webhook step through its module, headers as credential positions', async () => {
    const webhook = registry().get('webhook')!;
    const redactor = new SecretRedactor({ API_TOKEN: 'tok_0123456789abcdef' });
    const renderer = createRenderer({ contact: { first_name: 'Ada' } }, 'steps[0].webhook', { redactor, credentialFields: webhook.manifest.credentialFields ?? [] });
    const settings = {
      url: 'https://example.com/hook',
      headers: { authorization: 'Bearer {{ secrets.API_TOKEN }}', 'x-name': '{{ contact.first_name }}' },
      body: '{"name": "{{ contact.first_name }}"}',
    };
    const input = await webhook.render(settings, renderer);
    expect(input).toEqual({
      method: 'POST',
      url: 'https://example.com/hook',
      headers: { authorization: 'Bearer tok_0123456789abcdef', 'x-name': 'Ada', 'content-type': 'application/json' },
      body: '{"name": "Ada"}',
      timeoutMs: 10_000,
    });
    expect(redactor.redactValue(input)).toMatchObject({ headers: { authorization: expect.not.stringContaining('tok_') } });
    await expect(webhook.render({ url: 'https://example.com', headers: { 'x-a': '{{ contact.first_name' } }, renderer)).rejects.toMatchObject({
      path: 'steps[0].webhook.headers.x-a',
    });
  });

  it('aims an email test at the given address and drops the copies', () => {
    const email = registry().get('email')!;
    const aimed = email.testTarget!.aim({ from: 'a@example.com', to: 'b@example.com', cc: 'c@example.com', bcc: 'd@example.com', subject: 's' }, 'me@example.com');
    expect(aimed).toMatchObject({ to: 'me@example.com', cc: undefined, bcc: undefined });
    expect(email.testTarget!.required).toMatch(/address/);
  });
});
