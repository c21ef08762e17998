/**
 * Sessions ending in a batch, on both stores: one guarded UPDATE per run of like ends; a session
 * that changed meanwhile is left alone (no end, no log, its timer kept) while its delivery is
 * still recorded; the batcher gathers ends that arrive while a commit runs.
 */
import type { KyselyPlugin } from 'kysely';
import type { SessionState } from '../../src/core/session-state.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../src/engine/group-commit.js';
import { endSessions, SessionEndBatcher, type SessionEnd } from '../../src/engine/session-writer/end-batcher.js';
import { plainWork } from '../../src/store/unit-of-work.js';
import { listSessionLogs } from '../../src/store/repositories/sessions.js';
import { sessionTimerRow } from '../../src/store/repositories/timers.js';
import { insertChunked } from '../../src/store/repositories/write-behind.js';
import type { DeliveryRow, SessionRow } from '../../src/store/schema.js';
import { createTestStore, testDialects, type TestStore } from '../helpers/test-store.js';

describe.each(testDialects())('session ends on %s', (dialect) => {
  let ts: TestStore;
  beforeEach(async () => {
    ts = await createTestStore(dialect);
  });
  afterEach(async () => {
    await ts.cleanup();
  });

  const session = (id: string, seq: number): SessionRow => ({
    id,
    workspace_id: 'w',
    flow_id: 'f',
    flow_version: 1,
    contact_id: null,
    appointment_id: null,
    event_id: null,
    key: id,
    status: 'active',
    step_id: 's1',
    seq,
    attempt: 1,
    appointment_revision: null,
    gate_json: null,
    wake_at: 10,
    created_at: 10,
    updated_at: 10,
    ended_at: null,
    end_reason: null,
  });
  const delivery = (sessionId: string): DeliveryRow => ({
    id: `dl_${sessionId}`,
    workspace_id: 'w',
    session_id: sessionId,
    flow_id: 'f',
    step_id: 's1',
    channel: 'webhook',
    attempt: 1,
    idempotency_key: `${sessionId}.s1.1`,
    status: 'succeeded',
    request_json: '{}',
    response_json: null,
    error: null,
    duration_ms: 1,
    created_at: 20,
  });
  const end = (id: string, seq: number, now: number, status: SessionState = 'completed', reason = 'reached the end'): SessionEnd => ({
    sessionId: id,
    expectSeq: seq,
    patch: { status, end_reason: reason, wake_at: null, seq: seq + 1, ended_at: now, updated_at: now },
    now,
    delivery: delivery(id),
    logs: [{ workspace_id: 'w', session_id: id, at: now, type: status, step_id: 's1', message: reason }],
  });

  async function seed(rows: SessionRow[]): Promise<void> {
    await insertChunked(ts.store.db, 'sessions', rows);
    await insertChunked(
      ts.store.db,
      'timers',
      rows.map((r) => sessionTimerRow({ sessionId: r.id, workspaceId: 'w', flowId: 'f', appointmentId: null, stepId: 's1', seq: r.seq, dueAt: 10 }, 10)),
    );
  }
  /** A batcher whose group committer counts the transactions it opens. */
  function countingBatcher(): { batcher: SessionEndBatcher; transactions: () => number } {
    let transactions = 0;
    const batcher = new SessionEndBatcher(
      new GroupCommitter({
        transaction: (fn) => {
          transactions++;
          return ts.store.transaction(fn);
        },
      }),
    );
    return { batcher, transactions: () => transactions };
  }
  const sessions = async () => ts.store.db.selectFrom('sessions').selectAll().orderBy('id').execute();

  it('ends the sessions still at their seq, in one UPDATE per kind of end, and only those', async () => {
    await seed([session('ss1', 1), session('ss2', 1), session('ss3', 4), session('ss4', 1)]);
    const updates: string[] = [];
    const counting = {
      transformQuery: (args: Parameters<KyselyPlugin['transformQuery']>[0]) => {
        if (args.node.kind === 'UpdateQueryNode') updates.push(args.node.kind);
        return args.node;
      },
      transformResult: async (args: Parameters<KyselyPlugin['transformResult']>[0]) => args.result,
    };
    const applied = await ts.store.transaction((trx) =>
      // ss3 moved on (stopped, say) since its runner read it at seq 3.
      endSessions(plainWork(trx.withPlugin(counting)), [end('ss1', 1, 100), end('ss2', 1, 105), end('ss3', 3, 101), end('ss4', 1, 102, 'failed', 'webhook s1 failed')]),
    );
    expect(applied).toEqual([true, true, false, true]);
    expect(updates).toHaveLength(2);
    const rows = await sessions();
    expect(rows.map((r) => [r.id, r.status, r.seq, r.ended_at])).toEqual([
      ['ss1', 'completed', 2, 105],
      ['ss2', 'completed', 2, 105],
      ['ss3', 'active', 4, null],
      ['ss4', 'failed', 2, 102],
    ]);
    expect(rows[3]!.end_reason).toBe('webhook s1 failed');
    expect((await ts.store.db.selectFrom('timers').select('id').execute()).map((t) => t.id)).toEqual(['ss3']);
    expect((await ts.store.db.selectFrom('deliveries').select('session_id').orderBy('session_id').execute()).map((d) => d.session_id)).toEqual([
      'ss1',
      'ss2',
      'ss3',
      'ss4',
    ]);
    expect(await listSessionLogs(ts.store.db, 'ss3')).toEqual([]);
    expect((await listSessionLogs(ts.store.db, 'ss1')).map((l) => l.type)).toEqual(['completed']);
  });

  it('the batcher commits ends that arrive together in one transaction, and tells each whether it applied', async () => {
    await seed(Array.from({ length: 10 }, (_, i) => session(`ss${i}`, 1)));
    const { batcher, transactions } = countingBatcher();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.end(end(`ss${i}`, i === 7 ? 5 : 1, 200 + i))));
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i !== 7));
    expect(transactions()).toBe(1);
    expect((await sessions()).filter((r) => r.status === 'completed')).toHaveLength(9);
  });

  it('ends of sessions started in the same run: triggers deleted if still held, sessions inserted unless present, deliveries all, timelines of those inserted', async () => {
    // Three fired triggers held by claim c1; t3 has since been taken by claim c2 (its lease expired).
    const trigger = (id: string, owner: string) => ({
      ...sessionTimerRow({ sessionId: id, workspaceId: 'w', flowId: 'f', appointmentId: 'a', stepId: 's1', seq: 0, dueAt: 10, lease: { owner, until: 99 } }, 10),
      kind: 'trigger',
      session_id: null,
    });
    await insertChunked(ts.store.db, 'timers', [trigger('t1', 'c1'), trigger('t2', 'c1'), trigger('t3', 'c2')]);
    // Session s2 was written first by the other claim, with its own timeline.
    await insertChunked(ts.store.db, 'sessions', [{ ...session('s2', 2), status: 'completed', end_reason: 'by the other worker' }]);
    const started = (sessionId: string, triggerId: string, owner: string): SessionEnd => ({
      ...end(sessionId, 0, 300),
      start: {
        row: { ...session(sessionId, 2), status: 'completed', end_reason: 'reached the end', ended_at: 300, wake_at: null },
        trigger: { id: triggerId, owner },
        log: { workspace_id: 'w', session_id: sessionId, at: 300, type: 'started', step_id: 's1', message: 'started by appointment time' },
      },
    });
    const { batcher, transactions } = countingBatcher();
    const results = await Promise.all([started('s1', 't1', 'c1'), started('s2', 't2', 'c1'), started('s3', 't3', 'c1')].map((e) => batcher.end(e)));
    expect(results).toEqual([true, false, true]);
    expect(transactions()).toBe(1);
    expect((await ts.store.db.selectFrom('timers').select(['id', 'lease_owner']).execute()).map((t) => [t.id, t.lease_owner])).toEqual([['t3', 'c2']]);
    const rows = await sessions();
    expect(rows.map((r) => [r.id, r.status, r.end_reason, Number(r.seq)])).toEqual([
      ['s1', 'completed', 'reached the end', 2],
      ['s2', 'completed', 'by the other worker', 2],
      ['s3', 'completed', 'reached the end', 2],
    ]);
    expect((await ts.store.db.selectFrom('deliveries').select('session_id').orderBy('session_id').execute()).map((d) => d.session_id)).toEqual(['s1', 's2', 's3']);
    for (const [id, types] of [['s1', ['started', 'completed']], ['s2', []], ['s3', ['started', 'completed']]] as const) {
      expect((await listSessionLogs(ts.store.db, id)).map((l) => l.type)).toEqual(types);
    }
  });
});
