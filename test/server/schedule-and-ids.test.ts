/**
 * The schedule views (what will be sent when, and what was skipped) and the ids they and the
 * listings take: Nudge's ids and the booking system's, in one workspace only. SQLite and PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import { activeFlow, appointmentEvent, T0, useHarnessAndReceiver } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

interface Entry {
  id: string;
  kind: string;
  status: string;
  flow_id: string;
  step_id: string | null;
  session_id: string | null;
  appointment_id: string | null;
  due_at: string;
  reason: string | null;
  message: string | null;
}

describe.each(testDialects())('schedules and record ids on %s', (dialect) => {
  const s = useHarnessAndReceiver(dialect);

  const flow = (definition: unknown) => activeFlow(s.h, definition);
  const reminder = () =>
    flow({ name: 'Reminder', trigger: { appointment: { anchor: 'start', before: '24h' } }, steps: [{ id: 'remind', webhook: { url: `${s.receiver.url}/r` } }] });
  const waitForStart = () =>
    flow({
      name: 'Confirm and remind',
      trigger: { event: 'appointment.created' },
      steps: [
        { id: 'before', wait: { until: 'appointment.start - 2h' } },
        { id: 'remind', webhook: { url: `${s.receiver.url}/w` } },
      ],
    });

  async function send(event: Record<string, unknown>, apiKey?: string) {
    const res = apiKey
      ? await s.h.api('POST', '/v1/events', event, { authorization: `Bearer ${apiKey}` })
      : await s.h.api('POST', '/v1/events', event);
    expect([200, 202], JSON.stringify(res.body)).toContain(res.status);
    return res.body.data;
  }

  async function schedule(path: string): Promise<Entry[]> {
    const res = await s.h.api('GET', path);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.data;
  }
  const brief = (entries: Entry[]) => entries.map((e) => [e.kind, e.status, e.step_id, e.due_at]);

  it('lists an appointment’s pending reminder and waiting step with their times, moved when the appointment moves', async () => {
    const reminderFlow = await reminder();
    const waitFlow = await waitForStart();
    const created = await send(appointmentEvent('appointment.created', 'b1', iso(T0 + 30 * H)));
    await s.h.drain();

    const entries = await schedule('/v1/appointments/b1/schedule');
    expect(brief(entries)).toEqual([
      ['trigger', 'pending', 'remind', iso(T0 + 6 * H)],
      ['step', 'pending', 'before', iso(T0 + 28 * H)],
    ]);
    expect(entries[0]!.flow_id).toBe(reminderFlow);
    expect(entries[1]!.flow_id).toBe(waitFlow);
    expect(entries[1]!.session_id).toBe(created.sessions_started[0]);
    expect(entries.every((e) => e.appointment_id === created.appointment_id)).toBe(true);
    // The same by Nudge id, by the contact (both ids), and per flow.
    expect(await schedule(`/v1/appointments/${created.appointment_id}/schedule`)).toEqual(entries);
    expect(await schedule('/v1/contacts/cust-b1/schedule')).toEqual(entries);
    expect(await schedule(`/v1/contacts/${created.contact_id}/schedule`)).toEqual(entries);
    expect(await schedule(`/v1/flows/${reminderFlow}/schedule`)).toEqual([entries[0]]);

    await send(appointmentEvent('appointment.rescheduled', 'b1', iso(T0 + 40 * H)));
    expect(brief(await schedule('/v1/appointments/b1/schedule'))).toEqual([
      ['trigger', 'pending', 'remind', iso(T0 + 16 * H)],
      ['step', 'pending', 'before', iso(T0 + 38 * H)],
    ]);

    await s.h.api('POST', `/v1/flows/${reminderFlow}/pause`);
    expect(brief(await schedule(`/v1/flows/${reminderFlow}/schedule`))).toEqual([['trigger', 'held', 'remind', iso(T0 + 16 * H)]]);
  });

  it('lists skips with their reason: a booking after its reminder time, and a reminder too late after a pause', async () => {
    const reminderFlow = await reminder();
    await send(appointmentEvent('appointment.created', 'late-booking', iso(T0 + 2 * H)));
    const [pastDue] = await schedule('/v1/appointments/late-booking/schedule');
    expect(pastDue).toMatchObject({ kind: 'trigger', status: 'skipped', reason: 'past_due', flow_id: reminderFlow, due_at: iso(T0 - 22 * H) });
    expect(pastDue!.message).toMatch(/had passed when the appointment was booked \(if_past: skip\)/);

    await send(appointmentEvent('appointment.created', 'paused', iso(T0 + 30 * H)));
    await s.h.api('POST', `/v1/flows/${reminderFlow}/pause`);
    s.h.clock.set(T0 + 9 * H);
    await s.h.api('POST', `/v1/flows/${reminderFlow}/resume`);
    await s.h.drain();
    const [tooLate] = await schedule('/v1/appointments/paused/schedule');
    expect(tooLate).toMatchObject({ kind: 'step', status: 'skipped', reason: 'too_late', step_id: 'remind', due_at: iso(T0 + 6 * H) });
    expect(tooLate!.session_id).toMatch(/^ss_/);
    expect(s.receiver.requests).toHaveLength(0);
  });

  it('pages a schedule in due order', async () => {
    const reminderFlow = await reminder();
    for (const [id, start] of [['p3', 33], ['p1', 31], ['p2', 32]] as const) await send(appointmentEvent('appointment.created', id, iso(T0 + start * H)));
    const first = await s.h.api('GET', `/v1/flows/${reminderFlow}/schedule?limit=2`);
    expect(first.body.data.map((e: Entry) => e.due_at)).toEqual([iso(T0 + 7 * H), iso(T0 + 8 * H)]);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await s.h.api('GET', `/v1/flows/${reminderFlow}/schedule?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.data.map((e: Entry) => e.due_at)).toEqual([iso(T0 + 9 * H)]);
    expect(second.body.next_cursor).toBeNull();
    const bad = await s.h.api('GET', `/v1/flows/${reminderFlow}/schedule?cursor=nonsense`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toBe('cursor');
  });

  it('filters sessions, events, deliveries and appointments by the booking system’s ids as well as Nudge’s', async () => {
    await flow({ name: 'Confirm', trigger: { event: 'appointment.created' }, steps: [{ id: 'confirm', webhook: { url: `${s.receiver.url}/c` } }] });
    const created = await send(appointmentEvent('appointment.created', 'appt-1', iso(T0 + 30 * H)));
    await send(appointmentEvent('appointment.created', 'appt-2', iso(T0 + 30 * H)));
    await s.h.drain();
    const session = created.sessions_started[0];
    for (const q of ['appointment_id=appt-1', `appointment_id=${created.appointment_id}`, 'contact_id=cust-appt-1', `contact_id=${created.contact_id}`]) {
      expect((await s.h.api('GET', `/v1/sessions?${q}`)).body.data.map((s: { id: string }) => s.id), q).toEqual([session]);
      expect((await s.h.api('GET', `/v1/events?${q}`)).body.data.map((e: { id: string }) => e.id), q).toEqual([created.event_id]);
      expect((await s.h.api('GET', `/v1/deliveries?${q}`)).body.data.map((d: { session_id: string }) => d.session_id), q).toEqual([session]);
    }
    expect((await s.h.api('GET', '/v1/deliveries?contact_id=nobody')).body.data).toEqual([]);
    expect((await s.h.api('GET', '/v1/appointments?contact_id=cust-appt-1')).body.data.map((a: { id: string }) => a.id)).toEqual([created.appointment_id]);
    expect((await s.h.api('GET', '/v1/sessions?appointment_id=nobody')).body.data).toEqual([]);
    expect((await s.h.api('GET', '/v1/events?contact_id=nobody')).body.data).toEqual([]);
    expect((await s.h.api('GET', '/v1/appointments/nobody/schedule')).status).toBe(404);
  });

  it('a booking system id that looks like a Nudge id never hides the record whose Nudge id it is', async () => {
    await waitForStart();
    const a = await send(appointmentEvent('appointment.created', 'first', iso(T0 + 30 * H)));
    // The booking system reuses A's Nudge ids as its own ids for B.
    const b = await send(
      appointmentEvent('appointment.created', a.appointment_id, iso(T0 + 40 * H), { contact: { external_id: a.contact_id, email: 'b@example.com' } }),
    );
    expect(b.appointment_id).not.toBe(a.appointment_id);
    expect((await s.h.api('GET', `/v1/appointments/${a.appointment_id}`)).body.data.id).toBe(a.appointment_id);
    expect((await s.h.api('GET', `/v1/appointments/${b.appointment_id}`)).body.data.id).toBe(b.appointment_id);
    expect((await s.h.api('GET', `/v1/contacts/${a.contact_id}`)).body.data.id).toBe(a.contact_id);
    expect((await s.h.api('GET', `/v1/sessions?appointment_id=${a.appointment_id}`)).body.data.map((s: { id: string }) => s.id)).toEqual(a.sessions_started);
    expect((await s.h.api('GET', `/v1/sessions?contact_id=${a.contact_id}`)).body.data.map((s: { id: string }) => s.id)).toEqual(a.sessions_started);
    const aSchedule = await schedule(`/v1/appointments/${a.appointment_id}/schedule`);
    expect(aSchedule.map((e) => e.session_id)).toEqual(a.sessions_started);
  });

  it('two workspaces with the same external ids see only their own records', async () => {
    await waitForStart();
    const other = await s.h.otherWorkspace();
    const otherFlow = await s.h.api(
      'POST',
      '/v1/flows?activate=true',
      { name: 'Other', trigger: { event: 'appointment.created' }, steps: [{ wait: { until: 'appointment.start - 1h' } }, { webhook: { url: `${s.receiver.url}/o` } }] },
      { authorization: `Bearer ${other.apiKey}` },
    );
    expect(otherFlow.status).toBe(201);
    const theirs = await send(appointmentEvent('appointment.created', 'same-1', iso(T0 + 50 * H)), other.apiKey);
    const ours = await send(appointmentEvent('appointment.created', 'same-1', iso(T0 + 30 * H)));
    expect(ours.appointment_id).not.toBe(theirs.appointment_id);

    expect((await s.h.api('GET', '/v1/appointments/same-1')).body.data.id).toBe(ours.appointment_id);
    expect((await s.h.api('GET', '/v1/sessions?appointment_id=same-1')).body.data.map((s: { id: string }) => s.id)).toEqual(ours.sessions_started);
    expect((await s.h.api('GET', '/v1/sessions?contact_id=cust-same-1')).body.data.map((s: { id: string }) => s.id)).toEqual(ours.sessions_started);
    expect((await schedule('/v1/appointments/same-1/schedule')).map((e) => e.session_id)).toEqual(ours.sessions_started);
    expect((await schedule('/v1/contacts/cust-same-1/schedule')).map((e) => e.session_id)).toEqual(ours.sessions_started);
    // Their Nudge ids name nothing here.
    expect((await s.h.api('GET', `/v1/appointments/${theirs.appointment_id}/schedule`)).status).toBe(404);
    expect((await s.h.api('GET', `/v1/contacts/${theirs.contact_id}/schedule`)).status).toBe(404);
    expect((await s.h.api('GET', `/v1/flows/${otherFlow.body.data.id}/schedule`)).status).toBe(404);
    expect((await s.h.api('GET', `/v1/sessions?appointment_id=${theirs.appointment_id}`)).body.data).toEqual([]);
    expect((await s.h.api('GET', `/v1/events?contact_id=${theirs.contact_id}`)).body.data).toEqual([]);
  });
});
