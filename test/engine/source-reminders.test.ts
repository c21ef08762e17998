/**
 * Booking systems' webhooks, signed as the vendors sign them, drive reminders end to end on SQLite
 * and PostgreSQL: a Cal.com booking's reminder fires; a Cal.com reschedule (a new uid with
 * `rescheduleUid`) moves the same appointment; a Calendly reschedule (a cancel with
 * `rescheduled: true` and a create with `old_invitee`, in either order) moves the reminder and
 * cancels nothing; a forged or stale delivery changes nothing and is stored as rejected; a redelivery
 * is acknowledged as a duplicate and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { activeFlow, T0, useHarnessAndReceiver } from '../helpers/harness.js';
import { calcomBody, calcomHeaders, calendlyBody, calendlyHeaders, calendlyInvitee, createSource, deliver } from '../helpers/source-fixtures.js';
import { testDialects } from '../helpers/test-store.js';

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

function reminderFlow(url: string) {
  return {
    name: 'Reminder 24h',
    trigger: { appointment: { anchor: 'start', before: '24h' } },
    steps: [{ id: 'remind', webhook: { url: `${url}/hook`, body: { start: '{{ appointment.start_at }}', email: '{{ contact.email }}' } } }],
  };
}

describe.each(testDialects())('sources drive reminders on %s', (dialect) => {
  const ctx = useHarnessAndReceiver(dialect);

  async function appointments() {
    return (await ctx.h.api('GET', '/v1/appointments')).body.data as Array<Record<string, any>>;
  }

  async function calcom(source: { path: string; secret: string }, trigger: string, o: Parameters<typeof calcomBody>[1]) {
    const body = JSON.stringify(calcomBody(trigger, o));
    return deliver(ctx.h, source.path, body, calcomHeaders(source.secret, body));
  }

  async function calendly(source: { path: string; secret: string }, event: 'invitee.created' | 'invitee.canceled', o: Parameters<typeof calendlyBody>[1]) {
    const body = JSON.stringify(calendlyBody(event, o));
    return deliver(ctx.h, source.path, body, calendlyHeaders(source.secret, body, ctx.h.clock.now()));
  }

  it('a signed Cal.com booking creates the appointment and its reminder fires', async () => {
    const { h, receiver } = ctx;
    await activeFlow(h, reminderFlow(receiver.url));
    const source = await createSource(h, 'calcom');
    const start = T0 + 48 * H;
    const res = await calcom(source, 'BOOKING_CREATED', { uid: 'bFJeNb2uX8ANpT3JL5EfXw', start: iso(start), end: iso(start + H), createdAt: iso(T0) });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ outcome: 'applied', event_ids: [expect.stringMatching(/^ev_/)] });
    const [appointment] = await appointments();
    expect(appointment).toMatchObject({ external_id: 'calcom:bFJeNb2uX8ANpT3JL5EfXw', start_at: iso(start), end_at: iso(start + H), service_name: '60min', team_member: 'Pro Example', service_location: 'Calcom HQ' });

    h.clock.set(start - 24 * H - 1);
    await h.drain();
    expect(receiver.requests).toHaveLength(0);
    h.clock.set(start - 24 * H);
    await h.drain();
    expect(receiver.requests.map((r) => JSON.parse(r.body))).toEqual([{ start: iso(start), email: 'john.doe@example.com' }]);
  });

  it('a Cal.com reschedule moves the same appointment, and a later cancel of the new uid cancels it', async () => {
    const { h, receiver } = ctx;
    await activeFlow(h, reminderFlow(receiver.url));
    const source = await createSource(h, 'calcom');
    const first = T0 + 48 * H;
    const moved = T0 + 72 * H;
    expect((await calcom(source, 'BOOKING_CREATED', { uid: 'uid-a', start: iso(first), end: iso(first + H), createdAt: iso(T0) })).status).toBe(200);
    h.clock.advance(60_000);
    const res = await calcom(source, 'BOOKING_RESCHEDULED', { uid: 'uid-b', rescheduleUid: 'uid-a', start: iso(moved), end: iso(moved + H), createdAt: iso(h.clock.now()) });
    expect(res.body.data.outcome).toBe('applied');
    const list = await appointments();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ external_id: 'calcom:uid-a', status: 'booked', start_at: iso(moved), revision: 2 });

    h.clock.set(first - 24 * H);
    await h.drain();
    expect(receiver.requests).toHaveLength(0);
    h.clock.set(moved - 24 * H - 60_000);
    const cancel = await calcom(source, 'BOOKING_CANCELLED', { uid: 'uid-b', start: iso(moved), end: iso(moved + H), createdAt: iso(h.clock.now()) });
    expect(cancel.body.data.outcome).toBe('applied');
    expect((await appointments())[0]).toMatchObject({ external_id: 'calcom:uid-a', status: 'canceled' });
    h.clock.set(moved - 24 * H);
    await h.drain();
    expect(receiver.requests).toHaveLength(0);
  });

  for (const order of ['cancel first', 'create first'] as const) {
    it(`a Calendly reschedule (${order}) moves the reminder and cancels nothing`, async () => {
      const { h, receiver } = ctx;
      await activeFlow(h, reminderFlow(receiver.url));
      const source = await createSource(h, 'calendly');
      const first = T0 + 48 * H;
      const moved = T0 + 30 * H;
      const oldInvitee = calendlyInvitee('OLD');
      const newInvitee = calendlyInvitee('NEW');
      expect((await calendly(source, 'invitee.created', { invitee: oldInvitee, start: iso(first), end: iso(first + H / 4), createdAt: iso(T0) })).status).toBe(200);
      h.clock.advance(60_000);
      const at = iso(h.clock.now());
      const cancel = () => calendly(source, 'invitee.canceled', { invitee: oldInvitee, start: iso(first), end: iso(first + H / 4), createdAt: at, rescheduled: true, newInvitee });
      const create = () => calendly(source, 'invitee.created', { invitee: newInvitee, oldInvitee, start: iso(moved), end: iso(moved + H / 4), createdAt: at });
      const answers = order === 'cancel first' ? [await cancel(), await create()] : [await create(), await cancel()];
      const byKind = Object.fromEntries(answers.map((a, i) => [(order === 'cancel first') === (i === 0) ? 'cancel' : 'create', a.body.data]));
      expect(byKind.cancel).toMatchObject({ outcome: 'ignored', event_ids: [] });
      expect(byKind.create).toMatchObject({ outcome: 'applied' });

      const list = await appointments();
      expect(list).toHaveLength(1);
      expect(list[0]).toMatchObject({ external_id: `calendly:${oldInvitee}`, status: 'booked', start_at: iso(moved) });
      const events = (await h.api('GET', '/v1/events')).body.data.map((e: { name: string }) => e.name);
      expect(events.sort()).toEqual(['appointment.created', 'appointment.rescheduled']);

      h.clock.set(moved - 24 * H);
      await h.drain();
      expect(receiver.requests.map((r) => JSON.parse(r.body).start)).toEqual([iso(moved)]);
      const sessions = (await h.api('GET', '/v1/sessions')).body.data;
      expect(sessions.map((s: { status: string }) => s.status)).toEqual(['completed']);
      h.clock.set(first - 24 * H);
      await h.drain();
      expect(receiver.requests).toHaveLength(1);
    });
  }

  it('a forged signature and a stale timestamp are rejected, a redelivery acknowledged as a duplicate: none changes anything', async () => {
    const { h, receiver } = ctx;
    await activeFlow(h, reminderFlow(receiver.url));
    const cal = await createSource(h, 'calcom');
    const start = T0 + 48 * H;
    const forgedBody = JSON.stringify(calcomBody('BOOKING_CREATED', { uid: 'forged', start: iso(start), end: iso(start + H), createdAt: iso(T0) }));
    const forged = await deliver(h, cal.path, forgedBody, calcomHeaders('not-the-secret', forgedBody));
    expect(forged.status).toBe(401);
    expect(forged.body.error).toMatchObject({ code: 'bad_signature', delivery_id: expect.stringMatching(/^sd_/) });

    const cly = await createSource(h, 'calendly');
    const body = JSON.stringify(calendlyBody('invitee.created', { invitee: calendlyInvitee('X'), start: iso(start), end: iso(start + H), createdAt: iso(T0) }));
    const stale = await deliver(h, cly.path, body, calendlyHeaders(cly.secret, body, h.clock.now() - 5 * 60_000 - 1000));
    expect(stale.status).toBe(401);
    expect(stale.body.error.code).toBe('stale_timestamp');
    expect(await appointments()).toEqual([]);

    const headers = calendlyHeaders(cly.secret, body, h.clock.now());
    const first = await deliver(h, cly.path, body, headers);
    expect(first.status).toBe(200);
    const again = await deliver(h, cly.path, body, headers);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'duplicate', data: { outcome: 'duplicate', reason: first.body.data.delivery_id, event_ids: [] } });
    expect((await h.api('GET', '/v1/events')).body.data).toHaveLength(1);

    const calDeliveries = (await h.api('GET', `/v1/sources/${cal.id}/deliveries`)).body.data;
    expect(calDeliveries).toMatchObject([{ outcome: 'rejected', status_code: 401, verified: false, reason: expect.stringContaining('X-Cal-Signature-256'), body: forgedBody }]);
    const clyDeliveries = (await h.api('GET', `/v1/sources/${cly.id}/deliveries`)).body.data;
    expect(clyDeliveries.map((d: { outcome: string; status_code: number }) => `${d.outcome} ${d.status_code}`)).toEqual(['duplicate 200', 'applied 200', 'rejected 401']);
    expect(clyDeliveries[2].reason).toMatch(/timestamp/);
    h.clock.set(start - 24 * H);
    await h.drain();
    expect(receiver.requests).toHaveLength(1);
  });
});
