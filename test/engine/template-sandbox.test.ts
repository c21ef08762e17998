/**
 * Templates reach nothing beyond the data they are given (no file system), and a runaway
 * template fails cleanly: 400 in preview, test and dry-run, a permanent step failure when live.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxedLiquid, MAX_TEMPLATE_LENGTH } from '../../src/core/template-sandbox.js';
import { validateFlow } from '../../src/core/flow-validation.js';
import { renderString } from '../../src/engine/templates.js';
import { appointmentEvent, T0, useHarnessAndReceiver } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

// A file in the working directory, where liquidjs's default `root` would find it.
const PROBE = '.template-sandbox-probe.liquid';
const PROBE_TEXT = 'probe-file-content-0451';

const FILE_TEMPLATES: Array<[string, string]> = [
  ['include', `{% include '${PROBE}' %}`],
  ['render', `{% render '${PROBE}' %}`],
  ['layout', `{% layout '${PROBE}' %}x`],
  ['render', `{% liquid\n  render '${PROBE}'\n%}`],
  ['include', `{% if true %}{% include "${PROBE}" %}{% endif %}`],
];

const BOMBS: Record<string, string> = {
  'a huge range': '{% for i in (1..100000000) %}{% endfor %}',
  'nested loops': '{% for i in (1..100000) %}{% for j in (1..100000) %}{% endfor %}{% endfor %}',
  'doubling by assign': "{% assign x = 'xx' %}{% for i in (1..40) %}{% assign x = x | append: x %}{% endfor %}{{ x | size }}",
  'huge output': "{% assign x = '0123456789' %}{% for i in (1..1000000) %}{{ x }}{% endfor %}",
};

beforeAll(() => writeFileSync(PROBE, PROBE_TEXT));
afterAll(() => rmSync(PROBE, { force: true }));

describe('the template sandbox', () => {
  it.each(FILE_TEMPLATES)('refuses {%% %s %%} when rendering, and reads no file', async (tag, template) => {
    const rendering = renderString(template, {}, 'text', 'steps[0].webhook.body');
    await expect(rendering).rejects.toThrow(`steps[0].webhook.body: {% ${tag} %} is not allowed`);
  });

  it('gives the engine a file system that refuses every read', () => {
    const liquid = createSandboxedLiquid();
    expect(() => liquid.options.fs.readFileSync(PROBE)).toThrow('templates cannot read files');
    expect(liquid.options.fs.existsSync(PROBE)).toBe(false);
    expect(() => liquid.renderFileSync(PROBE)).toThrow();
  });

  it.each(FILE_TEMPLATES)('refuses {%% %s %%} when a flow is saved, in every template field', (tag, template) => {
    const fields: Array<[string, Record<string, unknown>]> = [
      ['steps[0].webhook.body', { webhook: { url: 'https://example.com', body: template } }],
      ['steps[0].webhook.headers.x', { webhook: { url: 'https://example.com', headers: { x: template } } }],
      ['steps[0].webhook.url', { webhook: { url: template } }],
      ['steps[0].email.html', { email: { to: 'a@example.com', subject: 's', html: template } }],
      ['steps[0].update_contact.attributes.a', { update_contact: { attributes: { a: template } } }],
      ['steps[0].send.text', { send: { channel: 'slack', webhook_url: 'https://hooks.slack.com/x', text: template } }],
      ['steps[0].send.api_key', { send: { channel: 'klaviyo', api_key: template, metric: 'm' } }],
    ];
    for (const [path, step] of fields) {
      const result = validateFlow({ name: 'f', trigger: { event: 'x' }, steps: [step] });
      expect(result.ok ? [] : result.errors).toContainEqual({ path, message: `{% ${tag} %} is not allowed`, code: 'template_tag', params: { tag } });
    }
    const key = validateFlow({ name: 'f', trigger: { event: 'x' }, session: { key: template }, steps: [{ exit: null }] });
    expect(key.ok ? [] : key.errors).toContainEqual({ path: 'session.key', message: `{% ${tag} %} is not allowed`, code: 'template_tag', params: { tag } });
  });

  it(`refuses a template longer than ${MAX_TEMPLATE_LENGTH} characters when saved`, () => {
    const long = 'x'.repeat(MAX_TEMPLATE_LENGTH + 1);
    const result = validateFlow({ name: 'f', trigger: { event: 'x' }, steps: [{ email: { to: 'a@example.com', subject: 's', html: long } }] });
    expect(result.ok ? [] : result.errors).toEqual([
      { path: 'steps[0].email.html', message: `must be at most ${MAX_TEMPLATE_LENGTH} characters`, code: 'template_too_long', params: { count: MAX_TEMPLATE_LENGTH } },
    ]);
    expect(validateFlow({ name: 'f', trigger: { event: 'x' }, steps: [{ email: { to: 'a@example.com', subject: 's', html: 'x'.repeat(MAX_TEMPLATE_LENGTH) } }] }).ok).toBe(true);
  });

  it.each(Object.entries(BOMBS))('stops %s with a template error', async (_name, template) => {
    await expect(renderString(template, {}, 'text', 'steps[0].webhook.body')).rejects.toThrow(/^steps\[0\]\.webhook\.body: .*(limit exceeded|renders more than)/);
  });
});

describe.each(testDialects())('runaway templates on %s', (dialect) => {
  const s = useHarnessAndReceiver(dialect);

  it('answers 400 in preview, test and dry-run, and fails the step for good when live', async () => {
    const created = await s.h.api('POST', '/v1/flows', {
      name: 'bomb',
      trigger: { event: 'appointment.created' },
      steps: [{ id: 'hook', webhook: { url: `${s.receiver.url}/hook`, body: BOMBS['a huge range'] } }, { id: 'after', webhook: { url: `${s.receiver.url}/after` } }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const flowId = created.body.data.id;
    for (const [route, body] of [['preview', { step_id: 'hook' }], ['test', { step_id: 'hook' }], ['dry-run', {}]] as const) {
      const res = await s.h.api('POST', `/v1/flows/${flowId}/${route}`, body);
      expect(res.status, route).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'template_error', path: 'steps[0].webhook.body' });
      expect(res.body.error.message).toMatch(/limit exceeded/);
    }
    await s.h.api('POST', `/v1/flows/${flowId}/activate`);
    await s.h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'bomb1', new Date(T0 + 30 * 3_600_000).toISOString()));
    await s.h.drain();
    const sessions = (await s.h.api('GET', '/v1/sessions')).body.data;
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ status: 'failed' });
    expect(sessions[0].end_reason).toMatch(/webhook hook failed: steps\[0\]\.webhook\.body: .*limit exceeded.*\(permanent error\)/);
    expect(s.receiver.requests).toHaveLength(0);
  });

  it('fails an update_contact step over a limit for good, in one run', async () => {
    const created = await s.h.api('POST', '/v1/flows', {
      name: 'bomb in update_contact',
      trigger: { event: 'appointment.created' },
      steps: [{ id: 'note', update_contact: { attributes: { note: BOMBS['doubling by assign'] } } }],
    });
    await s.h.api('POST', `/v1/flows/${created.body.data.id}/activate`);
    await s.h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'bomb2', new Date(T0 + 30 * 3_600_000).toISOString()));
    await s.h.drain();
    const sessions = (await s.h.api('GET', '/v1/sessions')).body.data;
    expect(sessions[0]).toMatchObject({ status: 'failed' });
    expect(sessions[0].end_reason).toMatch(/^update_contact note failed: steps\[0\]\.update_contact\.attributes\.note: memory alloc limit exceeded.*\(permanent error\)$/);
  });
});
