/**
 * A flow's `session.key` template that fails when rendered (here `| number` on a price that is not
 * one) costs that flow its session, recorded as a skip with the reason, and nothing else: the
 * event is accepted, other flows start their sessions, fired reminders of other flows are sent.
 */
import { describe, expect, it } from 'vitest';
import { activeFlow, appointmentEvent, T0, useHarnessAndReceiver } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;
const FAILING_KEY = '{{ appointment.service_price | number }}';

describe.each(testDialects())('session.key that fails to render, on %s', (dialect) => {
  const s = useHarnessAndReceiver(dialect);

  const flow = (definition: Record<string, unknown>) => activeFlow(s.h, definition);

  const booking = (id: string, price: string) =>
    appointmentEvent('appointment.created', id, iso(T0 + 30 * H), { appointment: { service_price: price } });

  it('on an event trigger: the event is accepted, the other flow starts, the failing one records a skip', async () => {
    const failing = await flow({
      name: 'Keyed by price',
      trigger: { event: 'appointment.created' },
      session: { key: FAILING_KEY },
      steps: [{ id: 'hook', webhook: { url: `${s.receiver.url}/keyed` } }],
    });
    await flow({ name: 'Plain', trigger: { event: 'appointment.created' }, steps: [{ id: 'hook', webhook: { url: `${s.receiver.url}/plain` } }] });

    const res = await s.h.api('POST', '/v1/events', booking('k1', '€49,90'));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data.sessions_started).toHaveLength(1);
    await s.h.drain();
    expect(s.receiver.requests.map((r) => r.path)).toEqual(['/plain']);

    expect((await s.h.api('GET', `/v1/flows/${failing}`)).body.data.skipped).toEqual({ session_key_failed: 1 });
    const [skip] = (await s.h.api('GET', '/v1/appointments/k1/schedule')).body.data;
    expect(skip).toMatchObject({ kind: 'trigger', status: 'skipped', flow_id: failing, reason: 'session_key_failed' });
    expect(skip.message).toContain('session.key');
    expect(skip.message).toContain('is not a number');

    // A price that is a number keys the session as written.
    expect((await s.h.api('POST', '/v1/events', booking('k2', '49.90'))).body.data.sessions_started).toHaveLength(2);
  });

  it('on an appointment-time trigger: the booking is accepted, the failing reminder is skipped and recorded, the other is sent', async () => {
    const failing = await flow({
      name: 'Reminder keyed by price',
      trigger: { appointment: { anchor: 'start', before: '24h' } },
      session: { key: FAILING_KEY },
      steps: [{ id: 'remind', webhook: { url: `${s.receiver.url}/keyed` } }],
    });
    await flow({
      name: 'Reminder',
      trigger: { appointment: { anchor: 'start', before: '24h' } },
      steps: [{ id: 'remind', webhook: { url: `${s.receiver.url}/plain` } }],
    });

    const res = await s.h.api('POST', '/v1/events', booking('k3', '€49,90'));
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    s.h.clock.set(T0 + 6 * H);
    await s.h.drain();
    expect(s.receiver.requests.map((r) => r.path)).toEqual(['/plain']);

    expect((await s.h.api('GET', `/v1/flows/${failing}`)).body.data.skipped).toEqual({ session_key_failed: 1 });
    const skips = (await s.h.api('GET', '/v1/appointments/k3/schedule')).body.data;
    expect(skips).toEqual([expect.objectContaining({ status: 'skipped', flow_id: failing, reason: 'session_key_failed', due_at: iso(T0 + 6 * H) })]);
    // Nothing is left to fire again.
    s.h.clock.set(T0 + 8 * H);
    expect(await s.h.drain()).toBe(0);
  });
});
