/**
 * The session writer's contract, the same assertions for both writers (batched and plain) on both
 * stores: a step's result is written only at the seq its runner saw; advancing keeps the timer
 * leased, waiting writes it due, ending drops it; a session a trigger started is written with its
 * first outcome (or canceled when its trigger moved meanwhile); the re-entry policy counts sessions
 * admitted and not yet written; a status the state machine forbids is refused; abandon and cancels
 * end only open sessions; only a failed session is re-armed, once per seq; a moved wait moves its
 * timer and shows on its session only while it waits.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planCommit } from '../../src/core/step-commit.js';
import { GroupCommitter } from '../../src/engine/group-commit.js';
import type { SessionWriter, StartedSession, StepWrite } from '../../src/engine/session-writer/session-writer.js';
import { createBatchedWriter, createPlainWriter } from '../../src/engine/session-writer/writers.js';
import { listSessionLogs } from '../../src/store/repositories/sessions.js';
import { sessionTimerRow } from '../../src/store/repositories/timers.js';
import { insertChunked } from '../../src/store/repositories/write-behind.js';
import { plainWork } from '../../src/store/unit-of-work.js';
import type { SessionRow, TimerRow } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';
import { createTestStore, testDialects, type TestStore } from '../helpers/test-store.js';

const writers: Array<[string, (store: Store) => SessionWriter]> = [
  ['batched', (store) => createBatchedWriter(store, new GroupCommitter(store))],
  ['plain', (store) => createPlainWriter(store)],
];
const cases = testDialects().flatMap((dialect) => writers.map(([name, make]) => [dialect, name, make] as const));

describe.each(cases)('session writer on %s, %s', (dialect, _name, make) => {
  let ts: TestStore;
  let writer: SessionWriter;
  beforeEach(async () => {
    ts = await createTestStore(dialect);
    writer = make(ts.store);
  });
  afterEach(async () => {
    await ts.cleanup();
  });

  const session = (id: string, over: Partial<SessionRow> = {}): SessionRow => ({
    id,
    workspace_id: 'w',
    flow_id: 'f',
    flow_version: 1,
    contact_id: 'c',
    appointment_id: 'a',
    event_id: null,
    key: `k_${id}`,
    status: 'active',
    step_id: 's1',
    seq: 1,
    attempt: 1,
    appointment_revision: null,
    gate_json: null,
    wake_at: 10,
    created_at: 10,
    updated_at: 10,
    ended_at: null,
    end_reason: null,
    ...over,
  });
  const log = (id: string, type: string) => ({ workspace_id: 'w', session_id: id, at: 100, type, step_id: 's1', message: type });
  const ended = (s: SessionRow): Partial<SessionRow> => ({ status: 'completed', end_reason: 'reached the end', ended_at: 100, wake_at: null, seq: s.seq + 1, updated_at: 100 });
  const leased = { dueAt: 100, anchor: null, lease: { owner: 'c1', until: 130 } };
  const timerOf = (s: SessionRow): TimerRow => sessionTimerRow({ sessionId: s.id, workspaceId: 'w', flowId: 'f', appointmentId: 'a', stepId: 's1', seq: s.seq, dueAt: 10, lease: { owner: 'c1', until: 99 } }, 10);
  const trigger = (id: string, owner: string): TimerRow => ({ ...timerOf(session(id)), kind: 'trigger', session_id: null, step_id: null, seq: null, lease_owner: owner });
  const started = (id: string, triggerId: string): StartedSession => ({
    row: session(id),
    log: { ...log(id, 'started'), message: 'started by appointment time' },
    trigger: { id: triggerId, owner: 'c1' },
  });

  async function seed(rows: SessionRow[], timers: TimerRow[] = rows.map(timerOf)): Promise<void> {
    await insertChunked(ts.store.db, 'sessions', rows);
    await insertChunked(ts.store.db, 'timers', timers);
  }
  const row = (id: string) => ts.store.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  const timers = async () => (await ts.store.db.selectFrom('timers').select(['id', 'lease_owner', 'scheduled_at']).orderBy('id').execute()).map((t) => [t.id, t.lease_owner, Number(t.scheduled_at)]);
  const types = async (id: string) => (await listSessionLogs(ts.store.db, id)).map((l) => l.type);

  it('advances, waits and ends a session, each only at the seq its runner saw', async () => {
    const s = session('ss1');
    await seed([s, session('ss2', { seq: 4 })]);
    const advance: StepWrite = { session: s, patch: { step_id: 's2', seq: 2, updated_at: 100 }, timer: leased, logs: [log('ss1', 'step')], now: 100 };
    expect(await writer.commit(advance)).toEqual({ applied: true, held: false });
    expect(await timers()).toEqual([['ss1', 'c1', 100], ['ss2', 'c1', 10]]);
    // The same write again is stale: the session is at seq 2 now.
    expect(await writer.commit(advance)).toEqual({ applied: false, held: false });
    const s2 = (await row('ss1'))!;
    const wait: StepWrite = { session: s2, patch: { status: 'waiting', wake_at: 500, seq: 3, updated_at: 100 }, timer: { dueAt: 500, anchor: null, lease: null }, logs: [], now: 100 };
    expect(await writer.commit(wait)).toEqual({ applied: true, held: false });
    expect(await timers()).toEqual([['ss1', null, 500], ['ss2', 'c1', 10]]);
    const s3 = (await row('ss1'))!;
    expect(await writer.commit({ session: s3, patch: ended(s3), timer: 'delete', logs: [log('ss1', 'completed')], now: 100 })).toEqual({ applied: true, held: false });
    // ss2 moved on since its runner read it at seq 1: nothing changes.
    expect(await writer.commit({ session: session('ss2'), patch: ended(session('ss2')), timer: 'delete', logs: [log('ss2', 'completed')], now: 100 })).toEqual({ applied: false, held: false });
    expect([(await row('ss1'))!.status, Number((await row('ss1'))!.seq), (await row('ss2'))!.status]).toEqual(['completed', 4, 'active']);
    expect(await timers()).toEqual([['ss2', 'c1', 10]]);
    expect(await types('ss1')).toEqual(['step', 'completed']);
    expect(await types('ss2')).toEqual([]);
  });

  it('refuses a status the state machine forbids, writing nothing', async () => {
    const s = session('ss1', { status: 'completed' });
    await seed([s]);
    await expect(writer.commit({ session: s, patch: { status: 'active', seq: 2 }, timer: leased, logs: [], now: 100 })).rejects.toThrow(/cannot go from completed to active/);
    expect((await row('ss1'))!.status).toBe('completed');
  });

  it('refuses the commit planned for a session that ended meanwhile (planCommit only plans)', async () => {
    const s = session('ss1', { status: 'completed' });
    await seed([s]);
    const plan = planCommit({ type: 'move', target: 'pause', logs: [] }, s, 100);
    const patch = { status: plan.update.status, step_id: plan.update.step_id!, seq: plan.update.seq, updated_at: 100 };
    await expect(writer.commit({ session: s, patch, timer: leased, logs: [], now: 100 })).rejects.toThrow(/cannot go from completed/);
    expect([(await row('ss1'))!.status, (await row('ss1'))!.step_id]).toEqual(['completed', 's1']);
  });

  it('writes a started session with its first outcome and deletes its trigger while the claim holds it', async () => {
    await seed([], [trigger('t1', 'c1'), trigger('t2', 'c1')]);
    const a = started('s1', 't1');
    const b = started('s2', 't2');
    expect(await writer.admit([a, b], [a, b].map((x) => ({ flowId: 'f', policy: 'once_per_key' as const, key: x.row.key, contactId: 'c' })))).toEqual([true, true]);
    expect(writer.unwritten).toBe(2);
    const results = await Promise.all([
      writer.commit({ session: a.row, patch: ended(a.row), timer: 'delete', logs: [log('s1', 'completed')], now: 100, start: a }),
      writer.commit({ session: b.row, patch: { step_id: 's2', seq: 2 }, timer: leased, logs: [], now: 100, start: b }),
    ]);
    expect(results).toEqual([{ applied: true, held: false }, { applied: true, held: false }]);
    expect(writer.unwritten).toBe(0);
    expect([(await row('s1'))!.status, (await row('s2'))!.step_id]).toEqual(['completed', 's2']);
    expect(await timers()).toEqual([['s2', 'c1', 100]]);
    expect(await types('s1')).toEqual(['started', 'completed']);
    expect(await types('s2')).toEqual(['started']);
  });

  it('a started session whose trigger was taken meanwhile is written canceled if it would go on, as it ended if it ended', async () => {
    await seed([], [trigger('t1', 'c2'), trigger('t2', 'c2')]);
    const a = started('s1', 't1');
    const b = started('s2', 't2');
    await writer.admit([a, b], [a, b].map((x) => ({ flowId: 'f', policy: 'always' as const, key: x.row.key, contactId: 'c' })));
    expect(await writer.commit({ session: a.row, patch: { step_id: 's2', seq: 2 }, timer: leased, logs: [], now: 100, start: a })).toEqual({ applied: false, held: false });
    expect(await writer.commit({ session: b.row, patch: ended(b.row), timer: 'delete', logs: [log('s2', 'completed')], now: 100, start: b })).toEqual({ applied: true, held: false });
    expect([(await row('s1'))!.status, (await row('s2'))!.status]).toEqual(['canceled', 'completed']);
    expect(await types('s1')).toEqual(['started', 'canceled']);
    expect(await timers()).toEqual([['t1', 'c2', 10], ['t2', 'c2', 10]]);
  });

  it('counts admitted sessions for later re-entry checks until written or released', async () => {
    const check = { flowId: 'f', policy: 'once_per_key' as const, key: 'k_s1', contactId: 'c' };
    const a = started('s1', 't1');
    expect(await writer.admit([a], [check])).toEqual([true]);
    expect(await writer.admit([started('s1b', 't2')], [check])).toEqual([false]);
    writer.release(a);
    expect(writer.unwritten).toBe(0);
    expect(await writer.admit([started('s1c', 't3')], [check])).toEqual([true]);
  });

  it('abandon fails an open session and drops its timer; cancelMany ends only open sessions of the selection', async () => {
    await seed([session('ss1'), session('ss2', { status: 'waiting' }), session('ss3', { appointment_id: 'other' }), session('ss4', { status: 'failed' })]);
    await writer.abandon(timerOf(session('ss1')), 'gave up', 100);
    expect([(await row('ss1'))!.status, (await row('ss1'))!.end_reason]).toEqual(['failed', 'gave up']);
    const ids = await ts.store.transaction((trx) => writer.cancelMany(plainWork(trx), { appointment_id: 'a' }, 'canceled', 'appointment canceled', 200));
    expect(ids).toEqual(['ss2']);
    expect((await ts.store.db.selectFrom('sessions').select(['id', 'status']).orderBy('id').execute()).map((r) => [r.id, r.status])).toEqual([
      ['ss1', 'failed'],
      ['ss2', 'canceled'],
      ['ss3', 'active'],
      ['ss4', 'failed'],
    ]);
    expect(await timers()).toEqual([['ss3', 'c1', 10], ['ss4', 'c1', 10]]);
    expect(await types('ss2')).toEqual(['canceled']);
  });

  it('re-arms a failed session once, at the seq it was read at, held when asked; refuses sessions not failed', async () => {
    const failedAt = { status: 'failed' as const, ended_at: 50, end_reason: 'gave up', wake_at: null, attempt: 3 };
    await seed([session('ss1', failedAt), session('ss2', { ...failedAt, seq: 7 }), session('ss3'), session('ss4', { status: 'canceled', ended_at: 50 })], []);
    const retry = (id: string) => ({ ...log(id, 'retry'), message: 'retry requested' });
    const failed = (await row('ss1'))!;
    expect([writer.mayRearm(failed), writer.mayRearm((await row('ss3'))!), writer.mayRearm((await row('ss4'))!)]).toEqual([true, false, false]);
    const rearm = { session: failed, stepId: 's1', held: false, log: retry('ss1'), now: 100 };
    expect(await ts.store.transaction((trx) => writer.rearm(plainWork(trx), rearm))).toBe(true);
    const rearmed = (await row('ss1'))!;
    expect([rearmed.status, rearmed.attempt, Number(rearmed.seq), Number(rearmed.wake_at), rearmed.ended_at, rearmed.end_reason]).toEqual(['waiting', 1, 2, 100, null, null]);
    // The same request again is stale: the session is at seq 2 now.
    expect(await ts.store.transaction((trx) => writer.rearm(plainWork(trx), rearm))).toBe(false);
    const paused = { ...rearm, session: (await row('ss2'))!, log: retry('ss2'), held: true };
    expect(await ts.store.transaction((trx) => writer.rearm(plainWork(trx), paused))).toBe(true);
    for (const id of ['ss3', 'ss4']) {
      const open = (await row(id))!;
      await expect(ts.store.transaction((trx) => writer.rearm(plainWork(trx), { ...rearm, session: open, log: retry(id) }))).rejects.toThrow(/cannot be re-armed/);
    }
    const written = await ts.store.db.selectFrom('timers').select(['id', 'step_id', 'seq', 'held', 'lease_owner', 'scheduled_at']).orderBy('id').execute();
    expect(written.map((t) => [t.id, t.step_id, Number(t.seq), Number(t.held), t.lease_owner, Number(t.scheduled_at)])).toEqual([
      ['ss1', 's1', 2, 0, null, 100],
      ['ss2', 's1', 8, 1, null, 100],
    ]);
    expect([await types('ss1'), await types('ss2'), await types('ss3'), await types('ss4')]).toEqual([['retry'], ['retry'], [], []]);
    expect([(await row('ss3'))!.status, (await row('ss4'))!.status]).toEqual(['active', 'canceled']);
  });

  it('moves a wait: the timer moves unleased, the session shows its wake time only while waiting, the entry is logged', async () => {
    await seed([session('ss1', { status: 'waiting' }), session('ss2'), session('ss3', { status: 'waiting' })]);
    const moved = (id: string) => ({ ...log(id, 'rescheduled'), message: 'appointment moved' });
    await ts.store.transaction(async (trx) => {
      await writer.moveWait(plainWork(trx), { timer: timerOf(session('ss1')), dueAt: 500, log: moved('ss1'), now: 100 });
      await writer.moveWait(plainWork(trx), { timer: timerOf(session('ss2')), dueAt: 600, log: moved('ss2'), now: 100 });
    });
    expect(await timers()).toEqual([['ss1', null, 500], ['ss2', null, 600], ['ss3', 'c1', 10]]);
    const wakes = await ts.store.db.selectFrom('sessions').select(['id', 'status', 'wake_at', 'updated_at']).orderBy('id').execute();
    expect(wakes.map((r) => [r.id, r.status, Number(r.wake_at), Number(r.updated_at)])).toEqual([
      ['ss1', 'waiting', 500, 100],
      ['ss2', 'active', 10, 10],
      ['ss3', 'waiting', 10, 10],
    ]);
    expect([await types('ss1'), await types('ss2'), await types('ss3')]).toEqual([['rescheduled'], ['rescheduled'], []]);
  });
});
