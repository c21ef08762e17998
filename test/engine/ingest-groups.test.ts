/**
 * Ingest reads a group's lookups ahead (read-ahead.ts) and writes new contacts, appointments and
 * their trigger timers at commit (write-behind.ts). On both stores: what one unit of a group writes,
 * the next sees; an appointment created and changed in one transaction ends as its last event says;
 * a conflict found through the read-ahead fails only its own request.
 */
import type { KyselyPlugin } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findContactByIdentity } from '../../src/store/repositories/contacts.js';
import { findEventByKey } from '../../src/store/repositories/events.js';
import { readAhead } from '../../src/store/repositories/read-ahead.js';
import { openWork } from '../../src/store/unit-of-work.js';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { testDialects } from '../helpers/test-store.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

describe.each(testDialects())('ingest in groups on %s', (dialect) => {
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
    await activeFlow({
      name: 'Reminder 24h',
      trigger: { appointment: { anchor: 'start', before: '24h' } },
      steps: [{ id: 'remind', webhook: { url: `${receiver.url}/hook`, body: { start: '{{ appointment.start_at }}', revision: '{{ appointment.revision }}' } } }],
    });
  });
  afterEach(async () => {
    await h.close();
  });

  async function activeFlow(definition: unknown): Promise<string> {
    const res = await h.api('POST', '/v1/flows?activate=true', definition);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.data.id as string;
  }
  const db = () => h.engine.ctx.store.db;
  const timersOf = async (appointmentExternalId: string) => {
    const appt = await db().selectFrom('appointments').select('id').where('external_id', '=', appointmentExternalId).executeTakeFirstOrThrow();
    return db().selectFrom('timers').select(['id', 'due_at', 'kind']).where('appointment_id', '=', appt.id).execute();
  };
  const batch = async (events: unknown[]) => {
    const res = await h.api('POST', '/v1/events/batch', { events });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body.data as Array<{ applied: boolean; contact_id: string; appointment_id: string }>;
  };

  it('an appointment created and moved twice in one batch has one reminder, at its last time', async () => {
    const [created, moved, movedAgain] = await batch([
      appointmentEvent('appointment.created', 'b1', iso(T0 + 30 * H)),
      appointmentEvent('appointment.rescheduled', 'b1', iso(T0 + 40 * H)),
      appointmentEvent('appointment.rescheduled', 'b1', iso(T0 + 35 * H)),
    ]);
    expect([created!.applied, moved!.applied, movedAgain!.applied]).toEqual([true, true, true]);
    expect(new Set([created!.appointment_id, moved!.appointment_id, movedAgain!.appointment_id]).size).toBe(1);
    expect(await timersOf('b1')).toEqual([expect.objectContaining({ kind: 'trigger', due_at: T0 + 11 * H })]);
    const appt = await h.api('GET', '/v1/appointments/b1');
    expect(appt.body.data).toMatchObject({ start_at: iso(T0 + 35 * H), revision: 3 });

    // Not at the first time (30 h − 24 h); at the last (35 h − 24 h), once; not at the second (40 h − 24 h).
    h.clock.set(T0 + 6 * H);
    await h.drain();
    expect(receiver.requests).toHaveLength(0);
    h.clock.set(T0 + 11 * H);
    await h.drain();
    h.clock.set(T0 + 16 * H);
    await h.drain();
    expect(receiver.requests.map((r) => JSON.parse(r.body))).toEqual([{ start: iso(T0 + 35 * H), revision: 3 }]);
  });

  it('an appointment created and canceled in one batch is stored canceled and never fires', async () => {
    await batch([appointmentEvent('appointment.created', 'b2', iso(T0 + 30 * H)), appointmentEvent('appointment.canceled', 'b2', iso(T0 + 30 * H))]);
    expect(await timersOf('b2')).toEqual([]);
    expect((await h.api('GET', '/v1/appointments/b2')).body.data.status).toBe('canceled');
    h.clock.set(T0 + 6 * H);
    await h.drain();
    expect(receiver.requests).toHaveLength(0);
  });

  it('a session started by a booking is canceled by the cancel later in the same batch, and sends nothing', async () => {
    await activeFlow({
      name: 'Confirm',
      trigger: { event: 'appointment.created' },
      steps: [{ id: 'wait', wait: { duration: '1h' } }, { id: 'confirm', webhook: { url: `${receiver.url}/confirm` } }],
    });
    const results = (await batch([
      appointmentEvent('appointment.created', 'b8', iso(T0 + 30 * H)),
      appointmentEvent('appointment.canceled', 'b8', iso(T0 + 30 * H)),
    ])) as unknown as Array<{ sessions_started: string[]; sessions_canceled: string[] }>;
    expect(results[0]!.sessions_started).toHaveLength(1);
    expect(results[1]!.sessions_canceled).toEqual(results[0]!.sessions_started);
    const session = await h.api('GET', `/v1/sessions/${results[0]!.sessions_started[0]}`);
    expect(session.body.data.status).toBe('canceled');
    expect(await timersOf('b8')).toEqual([]);
    for (const t of [T0, T0 + 2 * H, T0 + 7 * H]) {
      h.clock.set(t);
      await h.drain();
    }
    expect(receiver.requests).toHaveLength(0);
  });

  it('sessions started in one transaction block each other by the re-entry policy, in a batch and across requests', async () => {
    const flowId = await activeFlow({
      name: 'Welcome once',
      trigger: { event: 'appointment.created' },
      session: { reentry: 'once_per_contact' },
      steps: [{ id: 'welcome', webhook: { url: `${receiver.url}/welcome` } }],
    });
    const same = { external_id: 'cust-once', email: 'once@example.com' };
    const results = (await batch([
      appointmentEvent('appointment.created', 'b9', iso(T0 + 30 * H), { contact: same }),
      appointmentEvent('appointment.created', 'b10', iso(T0 + 31 * H), { contact: same }),
    ])) as unknown as Array<{ sessions_started: string[] }>;
    expect(results.map((r) => r.sessions_started.length)).toEqual([1, 0]);

    const other = { external_id: 'cust-twice', email: 'twice@example.com' };
    const before = { ...h.engine.ctx.commits.stats };
    const [a, b] = await Promise.all([
      h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'b11', iso(T0 + 30 * H), { contact: other })),
      h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'b12', iso(T0 + 31 * H), { contact: other })),
    ]);
    expect(h.engine.ctx.commits.stats.transactions - before.transactions).toBe(1);
    expect([a.body.data.sessions_started.length, b.body.data.sessions_started.length]).toEqual([1, 0]);
    // A new booking of a contact known from an earlier transaction: the table is read, and blocks.
    const later = await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'b13', iso(T0 + 32 * H), { contact: same }));
    expect(later.body.data.sessions_started).toEqual([]);

    await h.drain();
    expect(receiver.requests.filter((r) => r.path === '/welcome')).toHaveLength(2);
    const sessions = await db().selectFrom('sessions').select(['contact_id', 'status']).where('flow_id', '=', flowId).execute();
    expect(sessions).toHaveLength(2);
    expect(sessions.every((s) => s.status === 'completed')).toBe(true);
  });

  it('a new booking starts its event-triggered session without reading the sessions table; a known one is checked', async () => {
    const flowId = await activeFlow({
      name: 'Once per booking',
      trigger: { event: ['appointment.created', 'appointment.rescheduled'] },
      steps: [{ id: 'hello', webhook: { url: `${receiver.url}/hello` } }],
    });
    const store = h.engine.ctx.store;
    const transaction = store.transaction;
    let sessionReads = 0;
    const counting = {
      transformQuery: (args: Parameters<KyselyPlugin['transformQuery']>[0]) => {
        if (args.node.kind === 'SelectQueryNode' && JSON.stringify(args.node.from).includes('"name":"sessions"')) sessionReads++;
        return args.node;
      },
      transformResult: async (args: Parameters<KyselyPlugin['transformResult']>[0]) => args.result,
    };
    store.transaction = <T>(fn: (trx: typeof store.db) => Promise<T>): Promise<T> => transaction.call(store, (trx) => fn(trx.withPlugin(counting))) as Promise<T>;
    try {
      const created = (await batch([
        appointmentEvent('appointment.created', 'b20', iso(T0 + 30 * H), { contact: { external_id: 'cust-b20' } }),
        appointmentEvent('appointment.created', 'b21', iso(T0 + 31 * H), { contact: { external_id: 'cust-b21' } }),
      ])) as unknown as Array<{ sessions_started: string[] }>;
      expect(created.map((r) => r.sessions_started.length)).toEqual([1, 1]);
      expect(sessionReads).toBe(0);
      // The same booking again: its session exists, so the policy (once per key) is checked, and holds.
      const moved = (await batch([appointmentEvent('appointment.rescheduled', 'b20', iso(T0 + 32 * H), { contact: { external_id: 'cust-b20' } })])) as unknown as Array<{
        sessions_started: string[];
      }>;
      expect(moved[0]!.sessions_started).toEqual([]);
      expect(sessionReads).toBeGreaterThan(0);
    } finally {
      store.transaction = transaction;
    }
    const sessions = await db().selectFrom('sessions').select('key').where('flow_id', '=', flowId).orderBy('key').execute();
    expect(sessions.map((s) => s.key)).toEqual(['b20', 'b21']);
  });

  it('requests committed together see each other: one contact, updated by the later request', async () => {
    const first = appointmentEvent('appointment.created', 'b3', iso(T0 + 30 * H), { contact: { external_id: 'cust-shared', email: 'shared@example.com', first_name: 'Ada' } });
    const second = appointmentEvent('appointment.created', 'b4', iso(T0 + 31 * H), { contact: { external_id: 'cust-shared', email: 'shared@example.com', first_name: 'Grace', language: 'fr' } });
    const before = { ...h.engine.ctx.commits.stats };
    const [a, b] = await Promise.all([h.api('POST', '/v1/events', first), h.api('POST', '/v1/events', second)]);
    expect([a.status, b.status]).toEqual([202, 202]);
    // Both in one transaction: the second request's unit ran after the first's, before any write.
    expect(h.engine.ctx.commits.stats.transactions - before.transactions).toBe(1);
    expect(h.engine.ctx.commits.stats.units - before.units).toBe(2);
    expect(b.body.data.contact_id).toBe(a.body.data.contact_id);
    const contacts = await db().selectFrom('contacts').selectAll().execute();
    expect(contacts).toHaveLength(1);
    expect(contacts[0]).toMatchObject({ external_id: 'cust-shared', email: 'shared@example.com', first_name: 'Grace', language: 'fr' });
    expect((await timersOf('b3')).map((t) => t.due_at)).toEqual([T0 + 6 * H]);
    expect((await timersOf('b4')).map((t) => t.due_at)).toEqual([T0 + 7 * H]);
  });

  it('an email another request of the group just took is a conflict for that request alone', async () => {
    const taker = appointmentEvent('appointment.created', 'b5', iso(T0 + 30 * H), { contact: { external_id: 'cust-taker', email: 'wanted@example.com' } });
    const other = appointmentEvent('appointment.created', 'b6', iso(T0 + 30 * H), { contact: { external_id: 'cust-other', email: 'other@example.com' } });
    const mover = appointmentEvent('appointment.rescheduled', 'b6', iso(T0 + 32 * H), { contact: { external_id: 'cust-other', email: 'wanted@example.com' } });
    const before = { ...h.engine.ctx.commits.stats };
    const [a, b, c] = await Promise.all([h.api('POST', '/v1/events', taker), h.api('POST', '/v1/events', other), h.api('POST', '/v1/events', mover)]);
    // The three shared a group, found the conflict in it, and were re-run one by one.
    expect(h.engine.ctx.commits.stats.fallbacks - before.fallbacks).toBe(1);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(c.status, JSON.stringify(c.body)).toBe(409);
    expect(c.body.error).toMatchObject({ code: 'contact_conflict', path: 'contact.email' });
    const contacts = await db().selectFrom('contacts').select(['external_id', 'email']).orderBy('external_id').execute();
    expect(contacts).toEqual([
      { external_id: 'cust-other', email: 'other@example.com' },
      { external_id: 'cust-taker', email: 'wanted@example.com' },
    ]);
    // Nothing of the refused request was kept: b6 still starts when it was booked.
    expect((await timersOf('b6')).map((t) => t.due_at)).toEqual([T0 + 6 * H]);
  });

  it('a batch of many bookings (looked up as lists) finds the contacts and events that exist', async () => {
    // 8 contacts known before, by email or by external id.
    await batch(Array.from({ length: 8 }, (_, i) => appointmentEvent('appointment.created', `old${i}`, iso(T0 + 30 * H), { contact: { external_id: `known-${i}`, email: `known-${i}@example.com` }, idempotency_key: `old-${i}` })));
    const events = Array.from({ length: 40 }, (_, i) =>
      i < 8
        ? appointmentEvent('appointment.created', `new${i}`, iso(T0 + 30 * H), { contact: i % 2 ? { external_id: `known-${i}` } : { email: `known-${i}@example.com`, external_id: undefined } })
        : appointmentEvent('appointment.created', `new${i}`, iso(T0 + 30 * H)),
    );
    events.push(appointmentEvent('appointment.created', 'old3', iso(T0 + 30 * H), { contact: { external_id: 'known-3', email: 'known-3@example.com' }, idempotency_key: 'old-3' }));
    const results = await h.api('POST', '/v1/events/batch', { events });
    expect(results.status, JSON.stringify(results.body)).toBe(202);
    const data = results.body.data as Array<{ duplicate: boolean; contact_id: string }>;
    expect(data.map((r) => r.duplicate)).toEqual([...Array(40).fill(false), true]);
    const known = await db().selectFrom('contacts').select(['id', 'external_id']).where('external_id', 'like', 'known-%').orderBy('external_id').execute();
    expect(known).toHaveLength(8);
    expect(data.slice(0, 8).map((r) => r.contact_id)).toEqual(known.map((c) => c.id));
    expect(await db().selectFrom('contacts').select('id').execute()).toHaveLength(8 + 32);
    expect(await db().selectFrom('timers').select('id').execute()).toHaveLength(8 + 40);
  });

  it('answers a looked-up key from what it read ahead, and a key it did not read from the table', async () => {
    await batch([appointmentEvent('appointment.created', 'b7', iso(T0 + 30 * H), { idempotency_key: 'k-b7' })]);
    const found = await h.engine.ctx.store.transaction(async (trx) => {
      const work = openWork(trx);
      await readAhead(work, [{ workspaceId: h.workspaceId, eventKeys: ['k-b7', 'k-none'], contacts: [{ external_id: 'cust-b7' }], appointmentIds: ['b7'] }]);
      // Rows changed behind the read-ahead, in the same transaction: read-ahead answers as it read.
      await trx.deleteFrom('events').execute();
      await trx.updateTable('contacts').set({ external_id: 'renamed' }).execute();
      return {
        event: (await findEventByKey(work, h.workspaceId, 'k-b7'))?.idempotency_key,
        none: await findEventByKey(work, h.workspaceId, 'k-none'),
        contact: (await findContactByIdentity(work, h.workspaceId, { external_id: 'cust-b7' }))?.external_id,
        // Not read ahead: asked of the table, which has it under its new id.
        renamed: (await findContactByIdentity(work, h.workspaceId, { external_id: 'renamed' }))?.external_id,
      };
    });
    expect(found).toEqual({ event: 'k-b7', none: undefined, contact: 'cust-b7', renamed: 'renamed' });
  });
});
