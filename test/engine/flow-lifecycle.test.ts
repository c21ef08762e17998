/**
 * Pause holds, resume continues (skipping what became too late), stop and archive end sessions,
 * and editing an active flow makes a new version while running sessions finish on theirs.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { testDialects } from '../helpers/test-store.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;
const M = 60_000;

describe.each(testDialects())('flow lifecycle on %s', (dialect) => {
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

  const waitThenSend = (path = '/after', maxLateness?: string) => ({
    name: 'follow-up',
    trigger: { event: 'appointment.created' },
    steps: [
      { id: 'pause', wait: { duration: '1h' } },
      { id: 'send', ...(maxLateness ? { max_lateness: maxLateness } : {}), webhook: { url: `${receiver.url}${path}` } },
    ],
  });

  async function createActive(def: unknown): Promise<string> {
    const res = await h.api('POST', '/v1/flows?activate=true', def);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data.id;
  }

  async function sessionOf(flowId: string) {
    const list = await h.api('GET', `/v1/sessions?flow_id=${flowId}`);
    return (await h.api('GET', `/v1/sessions/${list.body.data[0].id}`)).body.data;
  }

  it('waits that end together run from one batch read; a session stopped after the claim does not send', async () => {
    const flow = await createActive({
      ...waitThenSend(),
      steps: [
        { id: 'pause', wait: { duration: '1h' } },
        { id: 'send', webhook: { url: `${receiver.url}/after`, body: { who: '{{ contact.email }}' } } },
      ],
    });
    for (const id of ['w1', 'w2', 'w3']) await h.api('POST', '/v1/events', appointmentEvent('appointment.created', id, iso(T0 + 5 * H)));
    await h.drain();
    const sessions = (await h.api('GET', `/v1/sessions?flow_id=${flow}`)).body.data as Array<{ id: string; status: string; appointment_id: string }>;
    expect(sessions.map((s) => s.status)).toEqual(['waiting', 'waiting', 'waiting']);
    const w2 = await h.engine.ctx.store.db.selectFrom('appointments').select('id').where('external_id', '=', 'w2').executeTakeFirstOrThrow();
    const stopped = sessions.find((s) => s.appointment_id === w2.id)!;
    // The three timers are claimed together; w2's session is stopped right after the claim, while
    // the worker holds its timer.
    const store = h.engine.ctx.store;
    const claim = store.claimTimers;
    let claimed = 0;
    store.claimTimers = async (options) => {
      const timers = await claim.call(store, options);
      if (claimed === 0 && timers.length > 0) {
        claimed = timers.length;
        expect((await h.api('POST', `/v1/sessions/${stopped.id}/stop`)).status).toBe(200);
      }
      return timers;
    };
    h.clock.set(T0 + H + M);
    try {
      await h.drain();
    } finally {
      store.claimTimers = claim;
    }
    expect(claimed).toBe(3);
    expect(receiver.requests.map((r) => (JSON.parse(r.body) as { who: string }).who).sort()).toEqual(['cust-w1@example.com', 'cust-w3@example.com']);
    const after = (await h.api('GET', `/v1/sessions?flow_id=${flow}`)).body.data as Array<{ id: string; status: string }>;
    expect(after.find((s) => s.id === stopped.id)!.status).toBe('stopped');
    expect(after.filter((s) => s.status === 'completed')).toHaveLength(2);
    expect(await store.db.selectFrom('timers').select('id').execute()).toEqual([]);
  });

  it('pause holds sessions where they are; resume continues them', async () => {
    const flow = await createActive(waitThenSend());
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'p1', iso(T0 + 5 * H)));
    await h.drain();
    expect((await sessionOf(flow)).status).toBe('waiting');

    expect((await h.api('POST', `/v1/flows/${flow}/pause`)).body.data.status).toBe('paused');
    h.clock.set(T0 + H + 10 * M);
    expect(await h.drain()).toBe(0);
    expect(receiver.requests).toHaveLength(0);
    const held = await sessionOf(flow);
    expect(held.status).toBe('waiting');
    expect(held.step_id).toBe('pause');

    // While paused, new events do not start sessions.
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'p2', iso(T0 + 5 * H)));
    expect((await h.api('GET', `/v1/sessions?flow_id=${flow}`)).body.data).toHaveLength(1);

    expect((await h.api('POST', `/v1/flows/${flow}/resume`)).body.data.status).toBe('active');
    await h.drain();
    expect(receiver.requests.map((r) => r.path)).toEqual(['/after']);
    const done = await sessionOf(flow);
    expect(done.status).toBe('completed');
    expect(done.timeline.map((e: { type: string }) => e.type)).toEqual([
      'started',
      'waiting',
      'paused',
      'resumed',
      'wait_over',
      'sent',
      'completed',
    ]);
  });

  it('on resume, a send more than max_lateness past due is skipped and logged', async () => {
    const flow = await createActive(waitThenSend('/late', '30m'));
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'p3', iso(T0 + 5 * H)));
    await h.drain();
    await h.api('POST', `/v1/flows/${flow}/pause`);
    h.clock.set(T0 + 3 * H);
    await h.drain();
    await h.api('POST', `/v1/flows/${flow}/resume`);
    await h.drain();
    expect(receiver.requests).toHaveLength(0);
    const s = await sessionOf(flow);
    expect(s.status).toBe('completed');
    const skipped = s.timeline.find((e: { type: string }) => e.type === 'skipped');
    expect(skipped.message).toMatch(/^skipped: 7200 s late/);
    expect(s.deliveries.map((d: { status: string }) => d.status)).toEqual(['skipped']);
  });

  it('stops one session; other sessions of the flow go on', async () => {
    const flow = await createActive(waitThenSend());
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 's1', iso(T0 + 5 * H)));
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 's2', iso(T0 + 5 * H)));
    await h.drain();
    const sessions = (await h.api('GET', `/v1/sessions?flow_id=${flow}`)).body.data;
    expect(sessions).toHaveLength(2);
    const stopped = await h.api('POST', `/v1/sessions/${sessions[0].id}/stop`);
    expect(stopped.body.data.status).toBe('stopped');
    h.clock.set(T0 + 2 * H);
    await h.drain();
    expect(receiver.requests).toHaveLength(1);
    const after = (await h.api('GET', `/v1/sessions?flow_id=${flow}`)).body.data.map((s: { status: string }) => s.status).sort();
    expect(after).toEqual(['completed', 'stopped']);
  });

  it('archive ends the flow’s sessions and drops its pending triggers', async () => {
    const flow = await createActive(waitThenSend());
    const reminder = await createActive({
      name: 'reminder',
      trigger: { appointment: { anchor: 'start', before: '1h' } },
      steps: [{ webhook: { url: `${receiver.url}/reminder` } }],
    });
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'r1', iso(T0 + 5 * H)));
    await h.drain();
    await h.api('POST', `/v1/flows/${flow}/archive`);
    await h.api('POST', `/v1/flows/${reminder}/archive`);
    h.clock.set(T0 + 6 * H);
    await h.drain();
    expect(receiver.requests).toHaveLength(0);
    const s = await sessionOf(flow);
    expect(s.status).toBe('stopped');
    expect(s.end_reason).toBe('flow archived');
    const timers = await h.testStore.store.db.selectFrom('timers').selectAll().execute();
    expect(timers).toHaveLength(0);
  });

  it('editing an active flow makes a new version; running sessions finish on theirs', async () => {
    const flow = await createActive(waitThenSend('/v1-path'));
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'v1', iso(T0 + 5 * H)));
    await h.drain();
    const put = await h.api('PUT', `/v1/flows/${flow}`, waitThenSend('/v2-path'));
    expect(put.status).toBe(200);
    expect(put.body.data.version).toBe(2);
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'v2', iso(T0 + 5 * H)));
    await h.drain();
    h.clock.set(T0 + 2 * H);
    await h.drain();
    expect(receiver.requests.map((r) => r.path).sort()).toEqual(['/v1-path', '/v2-path']);
    const versions = await h.api('GET', `/v1/flows/${flow}/versions`);
    expect(versions.body.data.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const sessions = (await h.api('GET', `/v1/sessions?flow_id=${flow}`)).body.data;
    expect(sessions.map((s: { flow_version: number }) => s.flow_version).sort()).toEqual([1, 2]);
  });

  it('editing an appointment-time trigger reschedules pending triggers', async () => {
    const flow = await createActive({
      name: 'reminder',
      trigger: { appointment: { anchor: 'start', before: '2h' } },
      steps: [{ webhook: { url: `${receiver.url}/r` } }],
    });
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'e1', iso(T0 + 10 * H)));
    await h.api('PUT', `/v1/flows/${flow}`, {
      name: 'reminder',
      trigger: { appointment: { anchor: 'start', before: '4h' } },
      steps: [{ webhook: { url: `${receiver.url}/r` } }],
    });
    h.clock.set(T0 + 6 * H);
    await h.drain();
    expect(receiver.requests).toHaveLength(1);
    h.clock.set(T0 + 8 * H);
    await h.drain();
    expect(receiver.requests).toHaveLength(1);
  });

  it('activating an appointment-time flow schedules reminders for upcoming bookings', async () => {
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'u1', iso(T0 + 10 * H)));
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'u2', iso(T0 + 30 * M)));
    await createActive({
      name: 'reminder',
      trigger: { appointment: { anchor: 'start', before: '1h' } },
      steps: [{ webhook: { url: `${receiver.url}/r`, body: { id: '{{ appointment.id }}' } } }],
    });
    h.clock.set(T0 + 9 * H);
    await h.drain();
    // u2's reminder time had passed when the flow was activated: not sent.
    expect(receiver.requests.map((r) => JSON.parse(r.body).id)).toEqual(['u1']);
  });

  it('branches on conditions and updates the contact', async () => {
    await createActive({
      name: 'multi-language confirmation',
      trigger: { event: 'appointment.created' },
      steps: [
        {
          id: 'lang',
          branch: {
            branches: [
              { name: 'french', when: [{ field: 'contact.language', op: 'equals', value: 'fr' }], steps: [{ id: 'fr', webhook: { url: `${receiver.url}/fr` } }] },
            ],
            otherwise: [{ id: 'en', webhook: { url: `${receiver.url}/en` } }],
          },
        },
        { id: 'mark', update_contact: { attributes: { confirmed_for: '{{ appointment.id }}' } } },
        { id: 'done', exit: { reason: 'confirmed' } },
        { id: 'never', webhook: { url: `${receiver.url}/never` } },
      ],
    });
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'b1', iso(T0 + 5 * H), { contact: { language: 'fr' } }));
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'b2', iso(T0 + 5 * H), { contact: { language: 'en' } }));
    await h.drain();
    expect(receiver.requests.map((r) => r.path).sort()).toEqual(['/en', '/fr']);
    const contact = await h.api('GET', '/v1/contacts/cust-b1');
    expect(contact.body.data.attributes).toEqual({ confirmed_for: 'b1' });
    const sessions = (await h.api('GET', '/v1/sessions')).body.data;
    expect(sessions.map((s: { end_reason: string }) => s.end_reason)).toEqual(['exit: confirmed', 'exit: confirmed']);
  });

  it('gives up on a timer whose runs keep crashing, and says so on the session', async () => {
    const flow = await createActive(waitThenSend());
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'poison', iso(T0 + 5 * H)));
    await h.drain();
    // As if ten workers had died running it: claimed ten times, never finished.
    await h.testStore.store.db.updateTable('timers').set({ claims: 10, due_at: T0, scheduled_at: T0 }).execute();
    await h.drain();
    expect(receiver.requests).toHaveLength(0);
    const s = await sessionOf(flow);
    expect(s.status).toBe('failed');
    expect(s.end_reason).toBe('gave up after 10 failed runs of step pause; see the worker log');
    expect(await h.testStore.store.db.selectFrom('timers').selectAll().execute()).toHaveLength(0);
  });

  it.each([
    ['once_per_key', undefined, 2],
    ['once_per_contact', undefined, 1],
    ['once_while_active', undefined, 2],
    ['always', undefined, 4],
    ['once_per_key', '{{ event.order_id }}', 1],
  ] as const)('re-entry %s with key %s starts %i sessions', async (reentry, key, expected) => {
    const flow = await createActive({
      name: 'entry',
      trigger: { event: ['appointment.created', 'appointment.rescheduled'] },
      session: { reentry, ...(key ? { key } : {}) },
      steps: [{ wait: { duration: '1h' } }],
    });
    // One contact, two appointments with the same order, each created and then rescheduled.
    const contact = { external_id: 'same-person' };
    for (const [name, id] of [
      ['appointment.created', 'k1'],
      ['appointment.rescheduled', 'k1'],
      ['appointment.created', 'k2'],
      ['appointment.rescheduled', 'k2'],
    ] as const) {
      const start = name === 'appointment.created' ? T0 + 5 * H : T0 + 6 * H;
      await h.api('POST', '/v1/events', appointmentEvent(name, id, iso(start), { contact, appointment: { order_id: 'order-9' } }));
    }
    const sessions = (await h.api('GET', `/v1/sessions?flow_id=${flow}`)).body.data;
    expect(sessions).toHaveLength(expected);
  });

  it('once_while_active lets the same key in again after the session ended', async () => {
    const flow = await createActive({
      name: 'while active',
      trigger: { event: 'ping' },
      session: { reentry: 'once_while_active' },
      steps: [{ wait: { duration: '1h' } }],
    });
    const ping = (n: number) => ({ name: 'ping', idempotency_key: `ping-${n}`, contact: { external_id: 'p' } });
    await h.api('POST', '/v1/events', ping(1));
    await h.api('POST', '/v1/events', ping(2));
    expect((await h.api('GET', `/v1/sessions?flow_id=${flow}`)).body.data).toHaveLength(1);
    await h.drain();
    h.clock.set(T0 + 2 * H);
    await h.drain();
    await h.api('POST', '/v1/events', ping(3));
    const statuses = (await h.api('GET', `/v1/sessions?flow_id=${flow}`)).body.data.map((s: { status: string }) => s.status);
    expect(statuses).toEqual(['active', 'completed']);
  });

  it('shows how many sessions sit at each step', async () => {
    const flow = await createActive(waitThenSend());
    for (const id of ['w1', 'w2', 'w3']) await h.api('POST', '/v1/events', appointmentEvent('appointment.created', id, iso(T0 + 5 * H)));
    await h.drain();
    const res = await h.api('GET', `/v1/flows/${flow}`);
    expect(res.body.data.sessions_at_step).toEqual({ pause: { waiting: 3 } });
    expect(res.body.data.sessions).toEqual({ waiting: 3 });
  });
});
