/**
 * The semantics that must hold, checked to the millisecond with an injected clock, on SQLite and
 * PostgreSQL: reminders fire at their time, follow reschedules, never fire after a cancel, obey the
 * if_past policy, survive pause/resume, start once per event, and re-check the appointment before sending.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { testDialects } from '../helpers/test-store.js';
import { decorateWriter } from '../helpers/writer-decorator.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

function reminderFlow(url: string, trigger: Record<string, unknown> = { anchor: 'start', before: '24h' }) {
  return {
    name: 'Reminder 24h',
    trigger: { appointment: trigger },
    steps: [
      {
        id: 'remind',
        webhook: {
          url: `${url}/hook`,
          body: {
            service: '{{ event.service_name }}',
            when: '{{ event.datetime }}',
            start: '{{ appointment.start_at }}',
            name: '{{ contact.first_name }}',
            revision: '{{ appointment.revision }}',
          },
        },
      },
    ],
  };
}

describe.each(testDialects())('appointment reminders on %s', (dialect) => {
  let h: Harness;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  beforeEach(async () => {
    h = await createHarness(dialect);
    receiver.requests.length = 0;
  });
  afterEach(async () => {
    await h.close();
  });

  async function activeFlow(definition: unknown): Promise<string> {
    const res = await h.api('POST', '/v1/flows?activate=true', definition);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data.id as string;
  }

  /**
   * Drains due timers, running `cancel` once, right after the worker has checked its fired triggers
   * (their rows read, the re-entry policy applied) and before any of their sessions runs a step;
   * returns whether it ran.
   */
  async function drainCancelingBeforeFirstStep(cancel: () => Promise<void>): Promise<boolean> {
    const writer = h.engine.ctx.writer;
    let ran = false;
    h.engine.ctx.writer = decorateWriter(writer, {
      async admit(starts, checks) {
        const result = await writer.admit(starts, checks);
        if (!ran) {
          ran = true;
          await cancel();
        }
        return result;
      },
    });
    try {
      await h.drain();
    } finally {
      h.engine.ctx.writer = writer;
    }
    return ran;
  }

  async function send(event: Record<string, unknown>) {
    const res = await h.api('POST', '/v1/events', event);
    expect([200, 202], JSON.stringify(res.body)).toContain(res.status);
    return res.body.data;
  }

  it('fires a 24h-before reminder exactly at its time, with the appointment in the body', async () => {
    await activeFlow(reminderFlow(receiver.url));
    const start = T0 + 24 * H + 10_000;
    await send(appointmentEvent('appointment.created', 'a1', iso(start)));

    h.clock.set(T0 + 9_999);
    expect(await h.drain()).toBe(0);
    expect(receiver.requests).toHaveLength(0);

    h.clock.set(T0 + 10_000);
    expect(await h.drain()).toBeGreaterThan(0);
    expect(receiver.requests).toHaveLength(1);
    const req = receiver.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['idempotency-key']).toMatch(/^ss_[0-9a-z]+\.remind\.1$/);
    expect(JSON.parse(req.body)).toEqual({
      service: 'Tattoo Removal',
      when: 'November 24, 2026 at 01:00 AM',
      start: iso(start),
      name: 'Ada',
      revision: 1,
    });

    const sessions = await h.api('GET', '/v1/sessions');
    expect(sessions.body.data).toHaveLength(1);
    expect(sessions.body.data[0].status).toBe('completed');
    const deliveries = await h.api('GET', `/v1/deliveries?session_id=${sessions.body.data[0].id}`);
    expect(deliveries.body.data.map((d: { status: string }) => d.status)).toEqual(['succeeded']);
  });

  it('follows a reschedule: fires at the new time only, with the new time in the body', async () => {
    await activeFlow(reminderFlow(receiver.url));
    await send(appointmentEvent('appointment.created', 'a2', iso(T0 + 24 * H + 10_000)));
    await send(appointmentEvent('appointment.rescheduled', 'a2', iso(T0 + 24 * H + 15_000)));

    h.clock.set(T0 + 10_000);
    expect(await h.drain()).toBe(0);
    h.clock.set(T0 + 14_999);
    expect(await h.drain()).toBe(0);
    h.clock.set(T0 + 15_000);
    await h.drain();
    expect(receiver.requests).toHaveLength(1);
    expect(JSON.parse(receiver.requests[0]!.body).start).toBe(iso(T0 + 24 * H + 15_000));
    expect(JSON.parse(receiver.requests[0]!.body).revision).toBe(2);

    h.clock.set(T0 + 48 * H);
    await h.drain();
    expect(receiver.requests).toHaveLength(1);
  });

  it('moved later after its reminder was sent, the appointment gets a reminder for the new time', async () => {
    await activeFlow(reminderFlow(receiver.url));
    await send(appointmentEvent('appointment.created', 'a3', iso(T0 + 24 * H + 1000)));
    h.clock.set(T0 + 1000);
    await h.drain();
    expect(receiver.requests).toHaveLength(1);
    await send(appointmentEvent('appointment.rescheduled', 'a3', iso(T0 + 48 * H), { occurred_at: iso(T0 + 2000) }));
    h.clock.set(T0 + 24 * H);
    await h.drain();
    expect(receiver.requests).toHaveLength(2);
    expect(JSON.parse(receiver.requests[1]!.body).start).toBe(iso(T0 + 48 * H));
  });

  it('never fires for a canceled appointment', async () => {
    await activeFlow(reminderFlow(receiver.url));
    await send(appointmentEvent('appointment.created', 'a4', iso(T0 + 24 * H + 10_000)));
    const canceled = await send(appointmentEvent('appointment.canceled', 'a4', iso(T0 + 24 * H + 10_000)));
    expect(canceled.applied).toBe(true);
    for (const t of [T0 + 10_000, T0 + 24 * H, T0 + 30 * H]) {
      h.clock.set(t);
      await h.drain();
    }
    expect(receiver.requests).toHaveLength(0);
    expect((await h.api('GET', '/v1/sessions')).body.data).toHaveLength(0);
    const appt = await h.api('GET', '/v1/appointments/a4');
    expect(appt.body.data.status).toBe('canceled');
  });

  it('applies if_past: skip does not send for a booking inside the window, send_now sends at once', async () => {
    const skipFlow = await activeFlow(reminderFlow(receiver.url));
    await send(appointmentEvent('appointment.created', 'a5', iso(T0 + 2 * H)));
    await h.drain();
    expect(receiver.requests).toHaveLength(0);
    await h.api('POST', `/v1/flows/${skipFlow}/archive`);

    await activeFlow({ ...reminderFlow(receiver.url, { anchor: 'start', before: '24h', if_past: 'send_now' }), name: 'now' });
    await send(appointmentEvent('appointment.created', 'a6', iso(T0 + 2 * H)));
    expect(await h.drain()).toBeGreaterThan(0);
    expect(receiver.requests).toHaveLength(1);
  });

  it('moves a running wait relative to the appointment when it is rescheduled', async () => {
    await activeFlow({
      name: 'Confirm, then remind 2h before',
      trigger: { event: 'appointment.created' },
      steps: [
        { id: 'confirm', webhook: { url: `${receiver.url}/confirm`, body: { id: '{{ appointment.id }}' } } },
        { id: 'before', wait: { until: 'appointment.start - 2h' } },
        { id: 'remind', webhook: { url: `${receiver.url}/remind`, body: { start: '{{ appointment.start_at }}' } } },
      ],
    });
    await send(appointmentEvent('appointment.created', 'a7', iso(T0 + 10 * H)));
    await h.drain();
    expect(receiver.requests.map((r) => r.path)).toEqual(['/confirm']);

    await send(appointmentEvent('appointment.rescheduled', 'a7', iso(T0 + 20 * H)));
    h.clock.set(T0 + 8 * H);
    await h.drain();
    expect(receiver.requests.map((r) => r.path)).toEqual(['/confirm']);
    h.clock.set(T0 + 18 * H - 1);
    await h.drain();
    expect(receiver.requests).toHaveLength(1);
    h.clock.set(T0 + 18 * H);
    await h.drain();
    expect(receiver.requests.map((r) => r.path)).toEqual(['/confirm', '/remind']);
    expect(JSON.parse(receiver.requests[1]!.body).start).toBe(iso(T0 + 20 * H));
  });

  it('moves a running wait earlier when the appointment is brought forward', async () => {
    await activeFlow({
      name: 'remind 2h before',
      trigger: { event: 'appointment.created' },
      steps: [
        { id: 'before', wait: { until: 'appointment.start - 2h' } },
        { id: 'remind', webhook: { url: `${receiver.url}/remind`, body: { start: '{{ appointment.start_at }}' } } },
      ],
    });
    await send(appointmentEvent('appointment.created', 'a7b', iso(T0 + 20 * H)));
    await h.drain();
    await send(appointmentEvent('appointment.rescheduled', 'a7b', iso(T0 + 6 * H)));
    h.clock.set(T0 + 4 * H - 1);
    await h.drain();
    expect(receiver.requests).toHaveLength(0);
    h.clock.set(T0 + 4 * H);
    await h.drain();
    expect(receiver.requests.map((r) => r.path)).toEqual(['/remind']);
    expect(JSON.parse(receiver.requests[0]!.body).start).toBe(iso(T0 + 6 * H));
  });

  it('cancels waiting sessions on cancel and logs why', async () => {
    await activeFlow({
      name: 'wait then remind',
      trigger: { event: 'appointment.created' },
      steps: [
        { wait: { until: 'appointment.start - 1h' } },
        { webhook: { url: `${receiver.url}/remind` } },
      ],
    });
    const created = await send(appointmentEvent('appointment.created', 'a8', iso(T0 + 5 * H)));
    await h.drain();
    await send(appointmentEvent('appointment.canceled', 'a8', iso(T0 + 5 * H)));
    h.clock.set(T0 + 5 * H);
    await h.drain();
    expect(receiver.requests).toHaveLength(0);
    const session = await h.api('GET', `/v1/sessions/${created.sessions_started[0]}`);
    expect(session.body.data.status).toBe('canceled');
    expect(session.body.data.timeline.map((e: { type: string }) => e.type)).toEqual(['started', 'waiting', 'canceled']);
  });

  it('re-checks the appointment just before sending: a cancel that lands after the timer fired does not send', async () => {
    await activeFlow(reminderFlow(receiver.url));
    await send(appointmentEvent('appointment.created', 'a9', iso(T0 + 24 * H + 1000)));
    h.clock.set(T0 + 1000);
    // The trigger fires and its session is admitted; the cancel commits right after, before the
    // send step runs in the same worker.
    const db = h.engine.ctx.store.db;
    const canceled = await drainCancelingBeforeFirstStep(async () => {
      await db.updateTable('appointments').set({ status: 'canceled', revision: 2 }).where('external_id', '=', 'a9').execute();
    });
    expect(canceled).toBe(true);
    expect(receiver.requests).toHaveLength(0);
    const sessions = await h.api('GET', '/v1/sessions');
    expect(sessions.body.data[0].status).toBe('canceled');
    expect(sessions.body.data[0].end_reason).toBe('appointment canceled before send');
  });

  it('moved after its reminder fired and before it sent: no send at the old time, one at the new time', async () => {
    await activeFlow(reminderFlow(receiver.url));
    await send(appointmentEvent('appointment.created', 'm1', iso(T0 + 24 * H + 1000)));
    h.clock.set(T0 + 1000);
    // The reschedule lands while the fired trigger's session is admitted and not yet written:
    // the trigger's timer moves to the new time, and the run sees the new time before sending.
    const moved = await drainCancelingBeforeFirstStep(async () => {
      await send(appointmentEvent('appointment.rescheduled', 'm1', iso(T0 + 26 * H)));
    });
    expect(moved).toBe(true);
    expect(receiver.requests).toHaveLength(0);
    let sessions = (await h.api('GET', '/v1/sessions')).body.data as Array<{ key: string; status: string; end_reason: string | null }>;
    expect(sessions.map((s) => [s.status, s.end_reason])).toEqual([['canceled', 'its trigger was moved or canceled while it ran']]);
    h.clock.set(T0 + 2 * H - 1);
    expect(await h.drain()).toBe(0);
    h.clock.set(T0 + 2 * H);
    await h.drain();
    expect(receiver.requests.map((r) => (JSON.parse(r.body) as { start: string }).start)).toEqual([iso(T0 + 26 * H)]);
    sessions = (await h.api('GET', '/v1/sessions')).body.data;
    expect(sessions.map((s) => s.status).sort()).toEqual(['canceled', 'completed']);
    expect(await h.engine.ctx.store.db.selectFrom('timers').select('id').execute()).toEqual([]);
  });

  it('reminders fired together read their rows as a batch; a cancel that lands after that read still wins', async () => {
    await activeFlow(reminderFlow(receiver.url));
    const start = T0 + 24 * H + 1000;
    for (const id of ['b1', 'b2', 'b3']) await send(appointmentEvent('appointment.created', id, iso(start)));
    h.clock.set(T0 + 1000);
    // The three triggers are claimed and their rows read in one go; once their sessions are
    // admitted, b3 is canceled, before any of them sends.
    const db = h.engine.ctx.store.db;
    const canceled = await drainCancelingBeforeFirstStep(async () => {
      // What a cancel writes: the appointment's new status and revision, its triggers deleted.
      const b3 = await db.selectFrom('appointments').select('id').where('external_id', '=', 'b3').executeTakeFirstOrThrow();
      await db.updateTable('appointments').set({ status: 'canceled', revision: 2 }).where('id', '=', b3.id).execute();
      await db.deleteFrom('timers').where('appointment_id', '=', b3.id).execute();
    });
    expect(canceled).toBe(true);
    const starts = receiver.requests.map((r) => (JSON.parse(r.body) as { start: string }).start);
    expect(starts).toHaveLength(2);
    const sessions = (await h.api('GET', '/v1/sessions')).body.data as Array<{ key: string; status: string }>;
    expect(sessions.filter((s) => s.status === 'completed')).toHaveLength(2);
    expect(sessions.some((s) => s.key.startsWith('b3@') && s.status === 'completed')).toBe(false);
  });

  it('reminders fired together start without a commit of their own and keep the re-entry policy among themselves', async () => {
    // Two bookings of one contact and one of another, all due at once; the flow runs once per contact.
    await activeFlow({ ...reminderFlow(receiver.url), session: { reentry: 'once_per_contact' } });
    const start = T0 + 24 * H + 1000;
    await send(appointmentEvent('appointment.created', 'c1', iso(start), { contact: { external_id: 'same' } }));
    await send(appointmentEvent('appointment.created', 'c2', iso(start), { contact: { external_id: 'same' } }));
    await send(appointmentEvent('appointment.created', 'c3', iso(start)));
    h.clock.set(T0 + 1000);
    const store = h.engine.ctx.store;
    const transaction = store.transaction;
    let commits = 0;
    store.transaction = <T>(fn: (trx: typeof store.db) => Promise<T>): Promise<T> => {
      commits++;
      return transaction.call(store, fn) as Promise<T>;
    };
    try {
      await h.drain();
    } finally {
      store.transaction = transaction;
    }
    expect(receiver.requests).toHaveLength(2);
    const sessions = (await h.api('GET', '/v1/sessions')).body.data as Array<{ key: string; status: string }>;
    expect(sessions.map((s) => s.key.split('@')[0]).sort()).toEqual(['c1', 'c3']);
    // Nothing is committed to start them: each session is written with its first step's result,
    // one commit per finished send (drain runs them one at a time).
    expect(commits).toBe(2);
    expect(await store.db.selectFrom('timers').select('id').execute()).toEqual([]);
  });

  it('when checking fired reminders together fails, each is checked alone, and each is sent once', async () => {
    await activeFlow(reminderFlow(receiver.url));
    const start = T0 + 24 * H + 1000;
    for (const id of ['f1', 'f2', 'f3']) await send(appointmentEvent('appointment.created', id, iso(start)));
    h.clock.set(T0 + 1000);
    const writer = h.engine.ctx.writer;
    const sizes: number[] = [];
    // The shared re-entry read fails (a database hiccup); then all is well.
    h.engine.ctx.writer = decorateWriter(writer, {
      admit(starts, checks) {
        sizes.push(checks.length);
        if (sizes.length === 1) return Promise.reject(new Error('connection reset'));
        return writer.admit(starts, checks);
      },
    });
    try {
      await h.drain();
    } finally {
      h.engine.ctx.writer = writer;
    }
    expect(sizes).toEqual([3, 1, 1, 1]);
    expect(receiver.requests.map((r) => (JSON.parse(r.body) as { start: string }).start)).toEqual([iso(start), iso(start), iso(start)]);
    const sessions = (await h.api('GET', '/v1/sessions')).body.data as Array<{ status: string }>;
    expect(sessions.map((s) => s.status)).toEqual(['completed', 'completed', 'completed']);
    expect(writer.unwritten).toBe(0);
  });

  it('a session whose first commit fails runs again when its trigger\'s lease expires: one session, the same idempotency key', async () => {
    await activeFlow(reminderFlow(receiver.url));
    await send(appointmentEvent('appointment.created', 'r1', iso(T0 + 24 * H + 1000)));
    h.clock.set(T0 + 1000);
    const store = h.engine.ctx.store;
    const transaction = store.transaction;
    let failures = 0;
    // The send goes out, then the commit that would write the session fails.
    store.transaction = <T>(fn: (trx: typeof store.db) => Promise<T>): Promise<T> => {
      if (receiver.requests.length === 1 && failures < 1) {
        failures++;
        return Promise.reject(new Error('connection reset'));
      }
      return transaction.call(store, fn) as Promise<T>;
    };
    try {
      await expect(h.drain()).rejects.toThrow('connection reset');
    } finally {
      store.transaction = transaction;
    }
    expect(failures).toBe(1);
    expect((await h.api('GET', '/v1/sessions')).body.data).toEqual([]);
    expect(h.engine.ctx.writer.unwritten).toBe(0);
    // The trigger is still leased; once the lease is over it fires again.
    h.clock.set(T0 + 1000 + h.engine.ctx.config.worker.leaseMs + 1);
    await h.drain();
    expect(receiver.requests).toHaveLength(2);
    const keys = receiver.requests.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toBeTruthy();
    expect(keys[1]).toBe(keys[0]);
    const sessions = (await h.api('GET', '/v1/sessions')).body.data as Array<{ id: string; status: string }>;
    expect(sessions.map((s) => s.status)).toEqual(['completed']);
    expect(keys[0]).toBe(`${sessions[0]!.id}.remind.1`);
    const detail = (await h.api('GET', `/v1/sessions/${sessions[0]!.id}`)).body.data;
    expect(detail.timeline.map((e: { type: string }) => e.type)).toEqual(['started', 'sent', 'completed']);
    expect(await store.db.selectFrom('timers').select('id').execute()).toEqual([]);
  });

  it('counts lateness from the reminder\'s due time: after downtime past max_lateness it is skipped, within it it is sent', async () => {
    await activeFlow(reminderFlow(receiver.url));
    await send(appointmentEvent('appointment.created', 'late1', iso(T0 + 25 * H)));
    await send(appointmentEvent('appointment.created', 'late2', iso(T0 + 26 * H + 30 * 60_000)));
    // No worker ran until 2h30 after the first reminder was due (1h past the second's).
    h.clock.set(T0 + 3 * H + 30 * 60_000);
    await h.drain();
    expect(receiver.requests.map((r) => (JSON.parse(r.body) as { start: string }).start)).toEqual([iso(T0 + 26 * H + 30 * 60_000)]);
    const sessions = (await h.api('GET', '/v1/sessions')).body.data as Array<{ id: string; key: string }>;
    const late = sessions.find((s) => s.key.startsWith('late1@'))!;
    const detail = (await h.api('GET', `/v1/sessions/${late.id}`)).body.data;
    expect(detail.timeline.find((e: { type: string }) => e.type === 'skipped').message).toMatch(/^skipped: 9000 s late/);
    expect(detail.deliveries.map((d: { status: string }) => d.status)).toEqual(['skipped']);
  });

  it('starts one session when the same event is posted twice', async () => {
    await activeFlow({ name: 'confirm', trigger: { event: 'appointment.created' }, steps: [{ webhook: { url: `${receiver.url}/c` } }] });
    const event = appointmentEvent('appointment.created', 'a10', iso(T0 + 5 * H), { idempotency_key: 'booking-a10-created' });
    const first = await h.api('POST', '/v1/events', event);
    const second = await h.api('POST', '/v1/events', event);
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body.data).toMatchObject({ duplicate: true, event_id: first.body.data.event_id, sessions_started: [] });
    // Without a key, an identical body is recognised by its hash.
    const noKey = appointmentEvent('appointment.created', 'a11', iso(T0 + 5 * H));
    expect((await h.api('POST', '/v1/events', noKey)).status).toBe(202);
    expect((await h.api('POST', '/v1/events', noKey)).body.data.duplicate).toBe(true);
    await h.drain();
    expect(receiver.requests).toHaveLength(2);
    expect((await h.api('GET', '/v1/sessions')).body.data).toHaveLength(2);
  });

  it('starts one session when the same event is posted twice at once, or twice in one batch', async () => {
    await activeFlow({ name: 'confirm', trigger: { event: 'appointment.created' }, steps: [{ webhook: { url: `${receiver.url}/c` } }] });
    const event = appointmentEvent('appointment.created', 'a20', iso(T0 + 5 * H), { idempotency_key: 'booking-a20-created' });
    // Both requests land in one group commit: the second must see the first's event, not yet written.
    const [first, second] = await Promise.all([h.api('POST', '/v1/events', event), h.api('POST', '/v1/events', event)]);
    expect([first.status, second.status].sort()).toEqual([200, 202]);
    const batchEvent = appointmentEvent('appointment.created', 'a21', iso(T0 + 5 * H), { idempotency_key: 'booking-a21-created' });
    const batch = await h.api('POST', '/v1/events/batch', { events: [batchEvent, batchEvent] });
    expect(batch.status, JSON.stringify(batch.body)).toBe(202);
    const results = batch.body.data as Array<{ duplicate: boolean; event_id: string }>;
    expect(results.map((r) => r.duplicate)).toEqual([false, true]);
    expect(results[1]!.event_id).toBe(results[0]!.event_id);
    await h.drain();
    expect(receiver.requests).toHaveLength(2);
    const events = await h.engine.ctx.store.db.selectFrom('events').select('idempotency_key').execute();
    expect(events.map((e) => e.idempotency_key).sort()).toEqual(['booking-a20-created', 'booking-a21-created']);
  });

  it('ignores an appointment event older than the last one applied', async () => {
    await activeFlow(reminderFlow(receiver.url));
    await send(appointmentEvent('appointment.created', 'a12', iso(T0 + 30 * H), { occurred_at: iso(T0 - 1000) }));
    await send(appointmentEvent('appointment.rescheduled', 'a12', iso(T0 + 40 * H), { occurred_at: iso(T0) }));
    const stale = await send(appointmentEvent('appointment.rescheduled', 'a12', iso(T0 + 35 * H), { occurred_at: iso(T0 - 500) }));
    expect(stale.applied).toBe(false);
    const appt = await h.api('GET', '/v1/appointments/a12');
    expect(appt.body.data.start_at).toBe(iso(T0 + 40 * H));
    h.clock.set(T0 + 16 * H);
    await h.drain();
    expect(receiver.requests).toHaveLength(1);
  });
});
