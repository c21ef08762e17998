/**
 * The unit of work on both stores: a row a batched Work (as the group committer opens it) queued
 * and has not written yet is seen by every repository function that takes the Work, and so is
 * every later change of it; at the flush the table gets the rows as they ended up. A plain Work
 * writes at once and reads the table. Repositories never make a Work of their own: whoever calls
 * them hands theirs over, so a lookup cannot silently miss what its transaction queued.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyAppointmentChange, getAppointmentById, type AppointmentChange } from '../../src/store/repositories/appointments.js';
import { applyContactFields, findContactByIdentity, getContactById, upsertContact } from '../../src/store/repositories/contacts.js';
import { insertDelivery } from '../../src/store/repositories/deliveries.js';
import { findEventByKey, insertEvent } from '../../src/store/repositories/events.js';
import { reentryBlocked, setSessionWakeAt } from '../../src/store/repositories/sessions.js';
import { deleteTimer, deleteTriggerTimersForAppointment, listAnchoredTimers, moveTimer, putTriggerTimer } from '../../src/store/repositories/timers.js';
import type { DeliveryRow, EventRow, SessionRow } from '../../src/store/schema.js';
import { flushWork, openWork, plainWork, withWork, type Work } from '../../src/store/unit-of-work.js';
import { createTestStore, testDialects, type TestStore } from '../helpers/test-store.js';

const T = 1_800_000_000_000;
const H = 3_600_000;

const booking = (externalId: string, startAt: number): AppointmentChange => ({ external_id: externalId, start_at: startAt, end_at: startAt + H, properties: {} });

const event = (id: string, key: string): EventRow => ({
  id,
  workspace_id: 'w',
  name: 'custom',
  idempotency_key: key,
  contact_id: null,
  appointment_id: null,
  occurred_at: T,
  received_at: T,
  payload_json: '{}',
});

const session = (id: string, appointmentId: string): SessionRow => ({
  id,
  workspace_id: 'w',
  flow_id: 'f1',
  flow_version: 1,
  contact_id: null,
  appointment_id: appointmentId,
  event_id: null,
  key: 'k1',
  status: 'waiting',
  step_id: 's1',
  seq: 1,
  attempt: 1,
  appointment_revision: 1,
  gate_json: null,
  wake_at: T,
  created_at: T,
  updated_at: T,
  ended_at: null,
  end_reason: null,
});

const delivery = (id: string): DeliveryRow => ({
  id,
  workspace_id: 'w',
  session_id: 'ss1',
  flow_id: 'f1',
  step_id: 's1',
  channel: 'webhook',
  attempt: 1,
  idempotency_key: `${id}.k`,
  status: 'succeeded',
  request_json: '{}',
  response_json: null,
  error: null,
  duration_ms: 3,
  created_at: T,
});

const trigger = (appointmentId: string, dueAt: number) => ({ workspaceId: 'w', flowId: 'f1', appointmentId, dueAt, anchor: 'start', offset: '-1h' });

describe.each(testDialects())('unit of work on %s', (dialect) => {
  let ts: TestStore;
  beforeEach(async () => {
    ts = await createTestStore(dialect);
  });
  afterEach(async () => {
    await ts.cleanup();
  });

  const count = async (table: 'contacts' | 'appointments' | 'events' | 'sessions' | 'timers', db = ts.store.db) =>
    (await db.selectFrom(table).select('id').execute()).length;

  it('contacts: a queued contact is found by each identity and by id, and changed in the queue', async () => {
    await ts.store.transaction((trx) =>
      withWork(trx, async (work) => {
        const created = await upsertContact(work, 'w', { external_id: 'c1', email: 'c1@example.com' }, T);
        expect(await count('contacts', trx)).toBe(0);
        expect((await findContactByIdentity(work, 'w', { external_id: 'c1' }))?.id).toBe(created.id);
        expect((await findContactByIdentity(work, 'w', { email: 'c1@example.com' }))?.id).toBe(created.id);
        expect((await getContactById(work, created.id))?.id).toBe(created.id);
        // The same contact again: found in the queue, patched there, not created twice.
        expect((await upsertContact(work, 'w', { external_id: 'c1', name: 'Ada' }, T + 1)).id).toBe(created.id);
        expect((await getContactById(work, created.id))?.name).toBe('Ada');
        // Another contact may not take an identity a queued one holds.
        const other = await upsertContact(work, 'w', { external_id: 'c2' }, T);
        await expect(applyContactFields(work, other, { email: 'c1@example.com' }, T)).rejects.toMatchObject({ code: 'contact_conflict' });
      }),
    );
    const rows = await ts.store.db.selectFrom('contacts').select(['external_id', 'name']).orderBy('external_id').execute();
    expect(rows).toEqual([{ external_id: 'c1', name: 'Ada' }, { external_id: 'c2', name: null }]);
  });

  it('appointments: a queued appointment is found by its booking-system id and by id, and changed in the queue', async () => {
    await ts.store.transaction((trx) =>
      withWork(trx, async (work) => {
        const first = await applyAppointmentChange(work, 'w', null, booking('b1', T + 24 * H), T, T);
        expect(first.applied && first.previous).toBeUndefined();
        expect(await count('appointments', trx)).toBe(0);
        const moved = await applyAppointmentChange(work, 'w', null, booking('b1', T + 48 * H), T + 1, T + 1);
        expect(moved.applied && moved.moved).toBe(true);
        expect(moved.row.id).toBe(first.row.id);
        expect((await getAppointmentById(work, first.row.id))?.revision).toBe(2);
      }),
    );
    const rows = await ts.store.db.selectFrom('appointments').select(['external_id', 'revision', 'start_at']).execute();
    expect(rows.map((r) => [r.external_id, Number(r.revision), Number(r.start_at)])).toEqual([['b1', 2, T + 48 * H]]);
  });

  it('events: a queued event is found by its idempotency key', async () => {
    await ts.store.transaction((trx) =>
      withWork(trx, async (work) => {
        await insertEvent(work, event('ev1', 'key-1'));
        expect(await count('events', trx)).toBe(0);
        expect((await findEventByKey(work, 'w', 'key-1'))?.id).toBe('ev1');
        expect(await findEventByKey(work, 'w', 'key-2')).toBeUndefined();
      }),
    );
    expect(await count('events')).toBe(1);
  });

  it('sessions and timers: queued rows block re-entry, follow moves and deletes, and are listed with the written ones', async () => {
    await ts.store.transaction((trx) =>
      withWork(trx, async (work) => {
        work.pending!.queueNew('sessions', session('ss1', 'a1'));
        expect(await reentryBlocked(work, 'f1', 'once_per_key', 'k1', null)).toBe(true);
        expect(await reentryBlocked(work, 'f1', 'once_per_key', 'k2', null)).toBe(false);
        await setSessionWakeAt(work, 'ss1', T + 5, T + 1, ['waiting']);
        expect(work.pending!.row('sessions', 'ss1')?.wake_at).toBe(T + 5);

        await putTriggerTimer(work, trigger('a1', T + H), T, true);
        expect(await count('timers', trx)).toBe(0);
        const [queued] = await listAnchoredTimers(work, 'a1');
        expect(queued?.due_at).toBe(T + H);
        await moveTimer(work, queued!.id, T + 2 * H);
        expect((await listAnchoredTimers(work, 'a1')).map((t) => t.due_at)).toEqual([T + 2 * H]);
        await deleteTimer(work, queued!.id);
        expect(await listAnchoredTimers(work, 'a1')).toEqual([]);
        await putTriggerTimer(work, trigger('a2', T + H), T, true);
        expect(await deleteTriggerTimersForAppointment(work, 'a2')).toBe(1);
        // An appointment that is not new: its trigger timer goes to the table at once.
        await putTriggerTimer(work, trigger('a3', T + 3 * H), T);
        expect(await count('timers', trx)).toBe(1);
      }),
    );
    const sessions = await ts.store.db.selectFrom('sessions').select(['id', 'wake_at']).execute();
    expect(sessions.map((s) => [s.id, Number(s.wake_at)])).toEqual([['ss1', T + 5]]);
    expect((await ts.store.db.selectFrom('timers').select('appointment_id').execute()).map((t) => t.appointment_id)).toEqual(['a3']);
  });

  it('a plain Work writes at once and reads the table', async () => {
    await ts.store.transaction(async (trx) => {
      const work = plainWork(trx);
      const contact = await upsertContact(work, 'w', { external_id: 'c1' }, T);
      expect(await count('contacts', trx)).toBe(1);
      await applyAppointmentChange(work, 'w', contact.id, booking('b1', T + 24 * H), T, T);
      await insertEvent(work, event('ev1', 'key-1'));
      await putTriggerTimer(work, trigger('a1', T + H), T, true);
      expect([await count('appointments', trx), await count('events', trx), await count('timers', trx)]).toEqual([1, 1, 1]);
    });
  });

  it('refuses to queue once flushed, where a row would otherwise be lost', async () => {
    await ts.store.transaction(async (trx) => {
      const work: Work = openWork(trx);
      await insertDelivery(work, delivery('dl1'));
      await flushWork(work);
      await expect(insertDelivery(work, delivery('dl2'))).rejects.toThrow('already flushed');
    });
    expect((await ts.store.db.selectFrom('deliveries').select('id').execute()).map((d) => d.id)).toEqual(['dl1']);
  });
});

describe('the store boundary', () => {
  it('repositories never make a unit of work of their own: they take the caller\'s', () => {
    const dir = new URL('../../src/store/repositories/', import.meta.url);
    const offenders = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) => /\b(plainWork|openWork|withWork)\(|new Work\(/.test(readFileSync(new URL(f, dir), 'utf8')));
    expect(offenders).toEqual([]);
  });
});
