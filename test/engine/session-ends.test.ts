/**
 * Sessions ending in a batch, on both stores: one guarded UPDATE per run of like ends; a session
 * that changed meanwhile is left alone (no end, no log, its timer kept) while its delivery is
 * still recorded; the batcher gathers ends that arrive while a commit runs.
 */
import type { KyselyPlugin } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommitter } from '../../src/engine/group-commit.js';
import { endSessions, SessionEndBatcher, type SessionEnd } from '../../src/engine/session-ends.js';
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
  const end = (id: string, seq: number, now: number, status = 'completed', reason = 'reached the end'): SessionEnd => ({
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
      endSessions(trx.withPlugin(counting), [end('ss1', 1, 100), end('ss2', 1, 105), end('ss3', 3, 101), end('ss4', 1, 102, 'failed', 'webhook s1 failed')]),
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
    let transactions = 0;
    const batcher = new SessionEndBatcher(
      new GroupCommitter({
        transaction: (fn) => {
          transactions++;
          return ts.store.transaction(fn);
        },
      }),
    );
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => batcher.end(end(`ss${i}`, i === 7 ? 5 : 1, 200 + i))));
    expect(results).toEqual(Array.from({ length: 10 }, (_, i) => i !== 7));
    expect(transactions).toBe(1);
    expect((await sessions()).filter((r) => r.status === 'completed')).toHaveLength(9);
  });
});
