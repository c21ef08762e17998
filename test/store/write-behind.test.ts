/**
 * Write-behind on both stores: what units queue is written at the end of their transaction, in
 * power-of-two multi-row statements, and dropped with the transaction when it rolls back.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendSessionLogs, listSessionLogs } from '../../src/store/repositories/sessions.js';
import { insertDelivery } from '../../src/store/repositories/deliveries.js';
import { deleteSessionTimer, sessionTimerRow } from '../../src/store/repositories/timers.js';
import { insertChunked, insertChunkedUnlessPresent } from '../../src/store/repositories/write-behind.js';
import { plainWork, withWork } from '../../src/store/unit-of-work.js';
import type { DeliveryRow } from '../../src/store/schema.js';
import { createTestStore, testDialects, type TestStore } from '../helpers/test-store.js';

describe.each(testDialects())('write-behind on %s', (dialect) => {
  let ts: TestStore;
  beforeEach(async () => {
    ts = await createTestStore(dialect);
  });
  afterEach(async () => {
    await ts.cleanup();
  });

  const log = (session: string, i: number) => ({ workspace_id: 'w', session_id: session, at: 1000 + i, type: 'sent', step_id: 's1', message: `m${i}` });
  const delivery = (id: string): DeliveryRow => ({
    id,
    workspace_id: 'w',
    session_id: 'ss1',
    flow_id: 'f',
    step_id: 's1',
    channel: 'webhook',
    attempt: 1,
    idempotency_key: `${id}.k`,
    status: 'succeeded',
    request_json: '{}',
    response_json: null,
    error: null,
    duration_ms: 3,
    created_at: 1,
  });
  const countDeliveries = async () => (await ts.store.db.selectFrom('deliveries').select('id').execute()).length;

  it('writes queued rows at the end of the transaction, not before, in order', async () => {
    const seenInside = await ts.store.transaction((trx) =>
      withWork(trx, async (work) => {
        await appendSessionLogs(work, [log('ss1', 1), log('ss1', 2)]);
        await insertDelivery(work, delivery('dl1'));
        await appendSessionLogs(work, [log('ss1', 3)]);
        // Queued, not yet written: the transaction itself does not see them.
        return { logs: (await listSessionLogs(trx, 'ss1')).length, deliveries: (await trx.selectFrom('deliveries').select('id').execute()).length };
      }),
    );
    expect(seenInside).toEqual({ logs: 0, deliveries: 0 });
    expect((await listSessionLogs(ts.store.db, 'ss1')).map((l) => l.message)).toEqual(['m1', 'm2', 'm3']);
    expect(await countDeliveries()).toBe(1);
  });

  it('drops what was queued when the transaction rolls back', async () => {
    await expect(
      ts.store.transaction((trx) =>
        withWork(trx, async (work) => {
          await appendSessionLogs(work, [log('ss1', 1)]);
          await insertDelivery(work, delivery('dl1'));
          throw new Error('unit failed');
        }),
      ),
    ).rejects.toThrow('unit failed');
    expect(await listSessionLogs(ts.store.db, 'ss1')).toEqual([]);
    expect(await countDeliveries()).toBe(0);
  });

  it('writes at once in a plain unit of work (no queue), in a transaction and outside any', async () => {
    await ts.store.transaction(async (trx) => {
      await appendSessionLogs(plainWork(trx), [log('ss1', 1)]);
      expect(await listSessionLogs(trx, 'ss1')).toHaveLength(1);
    });
    await insertDelivery(plainWork(ts.store.db), delivery('dl1'));
    expect(await countDeliveries()).toBe(1);
  });

  it('deletes ended sessions\' timers at the end of the transaction', async () => {
    const rows = ['ss1', 'ss2', 'ss3'].map((id) =>
      sessionTimerRow({ sessionId: id, workspaceId: 'w', flowId: 'f', appointmentId: null, stepId: 's1', seq: 1, dueAt: 5 }, 1),
    );
    await insertChunked(ts.store.db, 'timers', rows);
    await ts.store.transaction((trx) =>
      withWork(trx, async (work) => {
        await deleteSessionTimer(work, 'ss1');
        await deleteSessionTimer(work, 'ss3');
        expect(await trx.selectFrom('timers').select('id').execute()).toHaveLength(3);
      }),
    );
    expect((await ts.store.db.selectFrom('timers').select('id').execute()).map((r) => r.id)).toEqual(['ss2']);
  });

  /** Inserts `rows` of session logs; returns the rows each statement wrote, as the database reports them. */
  async function insertCounting(rows: Array<Record<string, unknown>>): Promise<number[]> {
    const statements: number[] = [];
    await insertChunked(
      // The SQL is built by hand, not as Kysely nodes, so the statement is observed by its result.
      ts.store.db.withPlugin({
        transformQuery: (args) => args.node,
        transformResult: async (args) => {
          statements.push(Number(args.result.numAffectedRows));
          return args.result;
        },
      }),
      'session_logs',
      rows as never,
    );
    return statements;
  }

  it('inserts many rows in few statements: power-of-two VALUES lists on SQLite, one JSON document on PostgreSQL', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ ...log('ss9', i), id: `sl${String(i).padStart(3, '0')}`, data_json: i % 2 ? null : '{"a":"b"}' }));
    expect(await insertCounting(rows)).toEqual(dialect === 'postgres' ? [100] : [64, 32, 4]);
    const written = await listSessionLogs(ts.store.db, 'ss9');
    expect(written.map((l) => l.id)).toEqual(rows.map((r) => r.id));
    expect(written.map((l) => [l.data_json, Number(l.at)])).toEqual(rows.map((r) => [r.data_json, r.at]));
  });

  it('splits a JSON insert at 1,000 rows, and sends rows with a lone surrogate as parameters', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) => ({ ...log('ss7', i), id: `sl${String(i).padStart(4, '0')}`, data_json: null }));
    expect(await insertCounting(rows)).toEqual(dialect === 'postgres' ? [1000, 500] : [...Array<number>(23).fill(64), 16, 8, 4]);
    const odd = [0, 1].map((i) => ({ ...log('ss6', i), id: `odd${i}`, message: `x\ud800${i}`, data_json: null }));
    expect(await insertCounting(odd)).toEqual([2]);
    expect((await listSessionLogs(ts.store.db, 'ss6')).map((l) => l.id)).toEqual(['odd0', 'odd1']);
  });

  it('inserts rows whose columns differ too (one statement each, with the columns each sets)', async () => {
    const rows = [
      { ...log('ss8', 1), id: 'sl-a', data_json: '{"a":1}' },
      { ...log('ss8', 2), id: 'sl-b', data_json: undefined },
      { ...log('ss8', 3), id: 'sl-c' },
    ];
    await insertChunked(ts.store.db, 'session_logs', rows);
    const stored = await listSessionLogs(ts.store.db, 'ss8');
    expect(stored.map((l) => [l.id, l.message, l.data_json])).toEqual([
      ['sl-a', 'm1', '{"a":1}'],
      ['sl-b', 'm2', null],
      ['sl-c', 'm3', null],
    ]);
  });

  const timer = (id: string, dueAt: number) =>
    sessionTimerRow({ sessionId: id, workspaceId: 'w', flowId: 'f', appointmentId: null, stepId: 's1', seq: 1, dueAt }, 1);

  it('inserts the rows whose id is new, leaves the others as they are, and says which it inserted', async () => {
    await insertChunked(ts.store.db, 'timers', [timer('t2', 5)]);
    const rows = ['t1', 't2', 't3', 't4', 't5'].map((id) => timer(id, 9));
    const inserted = await insertChunkedUnlessPresent(ts.store.db, 'timers', rows);
    expect([...inserted].sort()).toEqual(['t1', 't3', 't4', 't5']);
    const written = await ts.store.db.selectFrom('timers').select(['id', 'due_at']).orderBy('id').execute();
    expect(written.map((r) => [r.id, Number(r.due_at)])).toEqual([['t1', 9], ['t2', 5], ['t3', 9], ['t4', 9], ['t5', 9]]);
  });

  it('inserts rows whose columns differ, and one of two rows with the same id in one call', async () => {
    const { lease_owner: _omitted, ...withoutLease } = timer('t7', 3);
    const inserted = await insertChunkedUnlessPresent(ts.store.db, 'timers', [timer('t6', 1), withoutLease as ReturnType<typeof timer>, timer('t6', 2)]);
    expect([...inserted].sort()).toEqual(['t6', 't7']);
    const written = await ts.store.db.selectFrom('timers').select(['id', 'due_at']).orderBy('id').execute();
    expect(written.map((r) => [r.id, Number(r.due_at)])).toEqual([['t6', 1], ['t7', 3]]);
  });
});
