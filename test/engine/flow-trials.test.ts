/** Preview a step, send a test, and dry-run a flow: what would be sent, when, without sending. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { testDialects } from '../helpers/test-store.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

describe.each(testDialects())('trying flows on %s', (dialect) => {
  let h: Harness;
  let receiver: Receiver;
  let flowId: string;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(async () => {
    receiver.requests.length = 0;
    h = await createHarness(dialect);
    await h.api('PUT', '/v1/secrets/HOOK_TOKEN', { value: 'tok-very-secret' });
    const res = await h.api('POST', '/v1/flows', {
      name: 'Confirm, remind, follow up',
      trigger: { event: 'appointment.created' },
      steps: [
        { id: 'confirm', email: { to: '{{ contact.email }}', subject: 'Booked: {{ event.service_name }}', text: 'See you {{ event.datetime }}' } },
        { id: 'before', wait: { until: 'appointment.start - 2h' } },
        {
          id: 'lang',
          branch: {
            branches: [{ name: 'french', when: [{ field: 'contact.language', op: 'equals', value: 'fr' }], steps: [{ id: 'fr', webhook: { url: `${receiver.url}/fr`, body: { n: '{{ contact.first_name }}' } } }] }],
            otherwise: [{ id: 'en', webhook: { url: `${receiver.url}/en`, headers: { authorization: 'Bearer {{ secrets.HOOK_TOKEN }}' }, body: { n: '{{ contact.first_name }}' } } }],
          },
        },
        { wait: { duration: '1d' } },
        { id: 'thanks', email: { to: '{{ contact.email }}', subject: 'Thanks', text: 'Thanks' } },
      ],
    });
    flowId = res.body.data.id;
  });
  afterEach(async () => {
    await h.close();
  });

  it('previews a step against Sesami’s sample booking, sending nothing', async () => {
    const res = await h.api('POST', `/v1/flows/${flowId}/preview`, { step_id: 'confirm' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ step_id: 'confirm', channel: 'email', request: { to: 'customer@example.com', subject: 'Booked: Tattoo Removal' } });
    expect((await h.api('GET', '/v1/outbox')).body.data).toHaveLength(0);
  });

  it('previews and dry-runs an unsaved draft, validated like a save, leaving the saved flow as it was', async () => {
    const saved = (await h.api('GET', `/v1/flows/${flowId}`)).body.data;
    const draft = {
      name: 'Draft',
      trigger: { event: 'appointment.created' },
      steps: [{ id: 'confirm', email: { to: '{{ contact.email }}', subject: 'Draft: {{ event.service_name }}', text: 'x' } }, { id: 'later', wait: { duration: '2h' } }],
    };
    const preview = await h.api('POST', `/v1/flows/${flowId}/preview`, { step_id: 'confirm', definition: draft });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.data.request.subject).toBe('Draft: Tattoo Removal');
    const run = await h.api('POST', `/v1/flows/${flowId}/dry-run`, { definition: draft });
    expect(run.body.data.timeline.map((e: { step_id: string | null; action: string }) => [e.step_id, e.action])).toEqual([
      [null, 'trigger'],
      ['confirm', 'send'],
      ['later', 'wait'],
      [null, 'end'],
    ]);
    const bad = await h.api('POST', `/v1/flows/${flowId}/preview`, { step_id: 'confirm', definition: { ...draft, steps: [{ id: 'confirm', wait: { duration: 'soon' } }] } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toBe('definition.steps[0].wait.duration');
    const secretInBody = { ...draft, steps: [{ id: 'confirm', email: { to: '{{ contact.email }}', subject: '{{ secrets.HOOK_TOKEN }}', text: 'x' } }] };
    const refused = await h.api('POST', `/v1/flows/${flowId}/preview`, { step_id: 'confirm', definition: secretInBody });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).not.toContain('tok-very-secret');
    expect((await h.api('GET', `/v1/flows/${flowId}`)).body.data).toEqual(saved);
  });

  it('previews against a stored event, with secrets redacted', async () => {
    const posted = await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'pv1', iso(T0 + 30 * H), { contact: { first_name: 'Grace' } }));
    const res = await h.api('POST', `/v1/flows/${flowId}/preview`, { step_id: 'en', event_id: posted.body.data.event_id });
    expect(res.body.data.request).toMatchObject({ url: `${receiver.url}/en`, body: '{"n":"Grace"}' });
    expect(res.body.data.request.headers.authorization).toBe('Bearer [secret:HOOK_TOKEN]');
    expect(receiver.requests).toHaveLength(0);
  });

  it('sends a test to a given address', async () => {
    const res = await h.api('POST', `/v1/flows/${flowId}/test`, { step_id: 'confirm', to: 'me@studio.example' });
    expect(res.body.data).toMatchObject({ ok: true, channel: 'email' });
    const outbox = (await h.api('GET', '/v1/outbox')).body.data;
    expect(outbox.map((m: { to: string }) => m.to)).toEqual(['me@studio.example']);
    expect((await h.api('GET', '/v1/sessions')).body.data).toHaveLength(0);
  });

  it('sends a test webhook to another URL and reports the receiver’s answer', async () => {
    receiver.respondWith({ status: 422, body: '{"error":"nope"}' });
    const res = await h.api('POST', `/v1/flows/${flowId}/test`, { step_id: 'en', url: `${receiver.url}/test-here` });
    expect(res.body.data).toMatchObject({ ok: false, error: 'HTTP 422: {"error":"nope"}', response: { status: 422 } });
    expect(receiver.requests.map((r) => r.path)).toEqual(['/test-here']);
    expect(receiver.requests[0]!.headers.authorization).toBe('Bearer tok-very-secret');
    expect(JSON.stringify(res.body)).not.toContain('tok-very-secret');
  });

  it('dry-runs the flow for an appointment: what would be sent when', async () => {
    const event = appointmentEvent('appointment.created', 'dr1', iso(T0 + 10 * H), { contact: { language: 'fr' } });
    const res = await h.api('POST', `/v1/flows/${flowId}/dry-run`, { event });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const steps = res.body.data.timeline.map((e: { at: string; step_id: string | null; action: string }) => [e.at, e.step_id, e.action]);
    expect(steps).toEqual([
      [iso(T0), null, 'trigger'],
      [iso(T0), 'confirm', 'send'],
      [iso(T0), 'before', 'wait'],
      [iso(T0 + 8 * H), 'lang', 'branch'],
      [iso(T0 + 8 * H), 'fr', 'send'],
      [iso(T0 + 8 * H), 's4', 'wait'],
      [iso(T0 + 32 * H), 'thanks', 'send'],
      [iso(T0 + 32 * H), null, 'end'],
    ]);
    expect(res.body.data.timeline[3].detail).toEqual({ took: 'french' });
    expect(receiver.requests).toHaveLength(0);
    expect((await h.api('GET', '/v1/outbox')).body.data).toHaveLength(0);
    expect((await h.api('GET', '/v1/events')).body.data).toHaveLength(0);
  });

  it('dry-run explains why nothing would happen', async () => {
    const res = await h.api('POST', `/v1/flows/${flowId}/dry-run`, { event: { name: 'order.paid', contact: { email: 'a@example.com' } } });
    expect(res.body.data.timeline).toEqual([
      { at: iso(T0), step_id: null, action: 'skip', detail: { reason: 'the flow starts on appointment.created, not order.paid' } },
    ]);
  });

  it('names the bad field for bad requests', async () => {
    expect((await h.api('POST', `/v1/flows/${flowId}/preview`, { step_id: 'before' })).body.error).toMatchObject({ code: 'invalid_request', path: 'step_id' });
    expect((await h.api('POST', `/v1/flows/${flowId}/preview`, {})).body.error).toMatchObject({ path: 'step_id', message: 'step_id: required' });
    expect((await h.api('POST', `/v1/flows/${flowId}/test`, { step_id: 'confirm' })).body.error).toMatchObject({ path: 'to' });
    expect((await h.api('POST', `/v1/flows/${flowId}/dry-run`, { event: { name: 'x', contact: {} } })).body.error).toMatchObject({ code: 'invalid_event', path: 'event.contact' });
  });
});
