/**
 * Timing promises around pause/resume and passed times, on SQLite and PostgreSQL with an injected
 * clock: a reminder held by a pause is sent late within max_lateness and skipped (and recorded)
 * beyond it; bookings and reschedules made while paused are followed; a booking made after its
 * reminder's time leaves a recorded skip; a moved wait shows its new time on the session.
 */
import { describe, expect, it } from 'vitest';
import { activeFlow, appointmentEvent, T0, useHarnessAndReceiver } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;
const M = 60_000;

describe.each(testDialects())('pause, resume and skips on %s', (dialect) => {
  const s = useHarnessAndReceiver(dialect);

  /** "24h before start" with the default max_lateness (1h). */
  const reminderFlow = () =>
    activeFlow(s.h, {
      name: 'Reminder',
      trigger: { appointment: { anchor: 'start', before: '24h' } },
      steps: [{ id: 'remind', webhook: { url: `${s.receiver.url}/remind`, body: { start: '{{ appointment.start_at }}' } } }],
    });

  async function send(event: Record<string, unknown>) {
    const res = await s.h.api('POST', '/v1/events', event);
    expect([200, 202], JSON.stringify(res.body)).toContain(res.status);
  }

  async function at(ms: number) {
    s.h.clock.set(ms);
    await s.h.drain();
  }

  const pause = (flow: string) => s.h.api('POST', `/v1/flows/${flow}/pause`);
  const resume = (flow: string) => s.h.api('POST', `/v1/flows/${flow}/resume`);

  it('a reminder that came due while paused is sent once on resume within max_lateness', async () => {
    const flow = await reminderFlow();
    await send(appointmentEvent('appointment.created', 'r1', iso(T0 + 30 * H)));
    await pause(flow);
    await at(T0 + 6 * H + 30 * M);
    expect(s.receiver.requests).toHaveLength(0);
    expect((await resume(flow)).status).toBe(200);
    await at(T0 + 6 * H + 30 * M);
    await at(T0 + 40 * H);
    expect(s.receiver.requests.map((r) => r.path)).toEqual(['/remind']);
    expect((await s.h.api('GET', `/v1/flows/${flow}`)).body.data.skipped).toEqual({});
  });

  it('a reminder that came due while paused is skipped on resume beyond max_lateness, and the skip is recorded', async () => {
    const flow = await reminderFlow();
    await send(appointmentEvent('appointment.created', 'r2', iso(T0 + 30 * H)));
    await pause(flow);
    await at(T0 + 8 * H);
    await resume(flow);
    await at(T0 + 8 * H);
    expect(s.receiver.requests).toHaveLength(0);
    const sessions = (await s.h.api('GET', `/v1/sessions?flow_id=${flow}`)).body.data;
    expect(sessions).toHaveLength(1);
    const session = (await s.h.api('GET', `/v1/sessions/${sessions[0].id}`)).body.data;
    expect(session.timeline.find((e: { type: string }) => e.type === 'skipped').message).toMatch(/^skipped: 7200 s late/);
    expect((await s.h.api('GET', `/v1/flows/${flow}`)).body.data.skipped).toEqual({ too_late: 1 });
  });

  it('a waiting session whose send came due while paused: sent within max_lateness, else skipped and recorded for its contact and flow', async () => {
    const res = await s.h.api('POST', '/v1/flows?activate=true', {
      name: 'follow-up',
      trigger: { event: 'appointment.created' },
      steps: [
        { id: 'pause', wait: { duration: '1h' } },
        { id: 'send', max_lateness: '30m', webhook: { url: `${s.receiver.url}/after` } },
      ],
    });
    const flow = res.body.data.id;
    await send(appointmentEvent('appointment.created', 'e1', iso(T0 + 5 * H)));
    await s.h.drain();
    await pause(flow);
    await send(appointmentEvent('appointment.created', 'e2', iso(T0 + 5 * H)));
    await at(T0 + H + 20 * M);
    await resume(flow);
    await at(T0 + H + 20 * M);
    expect(s.receiver.requests.map((r) => r.path)).toEqual(['/after']);

    await send(appointmentEvent('appointment.created', 'e3', iso(T0 + 5 * H)));
    await s.h.drain();
    await pause(flow);
    await at(T0 + 3 * H);
    await resume(flow);
    await at(T0 + 3 * H);
    expect(s.receiver.requests).toHaveLength(1);
    expect((await s.h.api('GET', `/v1/flows/${flow}`)).body.data.skipped).toEqual({ too_late: 1 });
    const [skip] = (await s.h.api('GET', '/v1/contacts/cust-e3/schedule')).body.data;
    expect(skip).toMatchObject({ kind: 'step', status: 'skipped', reason: 'too_late', step_id: 'send', due_at: iso(T0 + 2 * H + 20 * M) });
    // Paused, e2 started no session: only e1 and e3 ran.
    expect((await s.h.api('GET', `/v1/sessions?flow_id=${flow}`)).body.data).toHaveLength(2);
  });

  it('a booking made while paused gets its reminder, held until resume and then sent within max_lateness', async () => {
    const flow = await reminderFlow();
    await pause(flow);
    await send(appointmentEvent('appointment.created', 'r3', iso(T0 + 30 * H)));
    await at(T0 + 6 * H + 10 * M);
    expect(s.receiver.requests).toHaveLength(0);
    await resume(flow);
    await at(T0 + 6 * H + 10 * M);
    expect(s.receiver.requests.map((r) => r.path)).toEqual(['/remind']);
  });

  it('a reschedule while paused moves the held reminder; resumed after the new time, it is sent late once', async () => {
    const flow = await reminderFlow();
    await send(appointmentEvent('appointment.created', 'r4', iso(T0 + 30 * H)));
    await pause(flow);
    await send(appointmentEvent('appointment.rescheduled', 'r4', iso(T0 + 40 * H)));
    await at(T0 + 16 * H + 30 * M);
    expect(s.receiver.requests).toHaveLength(0);
    await resume(flow);
    await at(T0 + 16 * H + 30 * M);
    await at(T0 + 50 * H);
    expect(s.receiver.requests).toHaveLength(1);
    expect(JSON.parse(s.receiver.requests[0]!.body).start).toBe(iso(T0 + 40 * H));
  });

  it('a cancel while paused drops the held reminder', async () => {
    const flow = await reminderFlow();
    await send(appointmentEvent('appointment.created', 'r5', iso(T0 + 30 * H)));
    await pause(flow);
    await send(appointmentEvent('appointment.canceled', 'r5', iso(T0 + 30 * H)));
    await resume(flow);
    await at(T0 + 6 * H);
    expect(s.receiver.requests).toHaveLength(0);
    expect((await s.h.api('GET', `/v1/sessions?flow_id=${flow}`)).body.data).toHaveLength(0);
  });

  it('if_past: skip records the skip of a booking made after its reminder time', async () => {
    const flow = await reminderFlow();
    await send(appointmentEvent('appointment.created', 'r6', iso(T0 + 2 * H)));
    await at(T0 + H);
    expect(s.receiver.requests).toHaveLength(0);
    expect((await s.h.api('GET', `/v1/flows/${flow}`)).body.data.skipped).toEqual({ past_due: 1 });
    // Moved to another time whose reminder has passed too: a second skip. An update that moves nothing: none.
    await send(appointmentEvent('appointment.rescheduled', 'r6', iso(T0 + 3 * H)));
    await send(appointmentEvent('appointment.rescheduled', 'r6', iso(T0 + 3 * H), { appointment: { service_name: 'Consultation' } }));
    expect((await s.h.api('GET', `/v1/flows/${flow}`)).body.data.skipped).toEqual({ past_due: 2 });
    expect(s.receiver.requests).toHaveLength(0);
  });

  it('an update that does not move the appointment neither drops a reminder about to fire nor records a sent one as skipped', async () => {
    const flow = await reminderFlow();
    await send(appointmentEvent('appointment.created', 'r8', iso(T0 + 30 * H)));
    // Due at T0 + 6h and not yet run when an update lands a second later.
    s.h.clock.set(T0 + 6 * H + 1000);
    await send(appointmentEvent('appointment.rescheduled', 'r8', iso(T0 + 30 * H), { appointment: { service_name: 'Consultation' } }));
    await s.h.drain();
    expect(s.receiver.requests).toHaveLength(1);
    await send(appointmentEvent('appointment.completed', 'r8', iso(T0 + 30 * H)));
    await at(T0 + 31 * H);
    expect(s.receiver.requests).toHaveLength(1);
    expect((await s.h.api('GET', `/v1/flows/${flow}`)).body.data.skipped).toEqual({});
    expect((await s.h.api('GET', '/v1/appointments/r8/schedule')).body.data).toEqual([]);
  });

  it('a moved wait shows the new wake time and a rescheduled entry on its session', async () => {
    const res = await s.h.api('POST', '/v1/flows?activate=true', {
      name: 'wait for start',
      trigger: { event: 'appointment.created' },
      steps: [
        { id: 'before', wait: { until: 'appointment.start - 2h' } },
        { id: 'remind', webhook: { url: `${s.receiver.url}/remind` } },
      ],
    });
    const flow = res.body.data.id;
    await send(appointmentEvent('appointment.created', 'r7', iso(T0 + 10 * H)));
    await s.h.drain();
    const [listed] = (await s.h.api('GET', `/v1/sessions?flow_id=${flow}`)).body.data;
    expect(listed.wake_at).toBe(iso(T0 + 8 * H));

    await send(appointmentEvent('appointment.rescheduled', 'r7', iso(T0 + 20 * H)));
    const session = (await s.h.api('GET', `/v1/sessions/${listed.id}`)).body.data;
    expect(session.wake_at).toBe(iso(T0 + 18 * H));
    const moved = session.timeline.filter((e: { type: string }) => e.type === 'rescheduled');
    expect(moved).toHaveLength(1);
    expect(moved[0].data).toEqual({ from: iso(T0 + 8 * H), to: iso(T0 + 18 * H) });
    expect(moved[0].step_id).toBe('before');
  });
});
