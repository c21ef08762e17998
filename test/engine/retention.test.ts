/**
 * The retention cleanup on both stores: it deletes exactly the events, delivery attempts and outbox
 * messages older than the workspace's setting, spares what open sessions still need and other
 * workspaces' rows, works through more rows than one batch, and reports in the metrics.
 */
import type { SessionState } from '../../src/core/session-state.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RetentionCleaner } from '../../src/engine/retention-cleaner.js';
import type { Database } from '../../src/store/schema.js';
import type { Insertable } from 'kysely';
import { createHarness, T0, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

const DAY = 86_400_000;

function session(ws: string, id: string, status: SessionState, eventId: string | null): Insertable<Database['sessions']> {
  const open = status === 'waiting';
  return {
    id, workspace_id: ws, flow_id: 'fl_x', flow_version: 1, contact_id: null, appointment_id: null, event_id: eventId, key: id,
    status, step_id: open ? 'wait' : null, seq: 1, attempt: 1, appointment_revision: null, gate_json: null, wake_at: null,
    created_at: T0 - 40 * DAY, updated_at: T0, ended_at: open ? null : T0, end_reason: open ? null : 'completed',
  };
}

/** Rows `age` days old (plus `ms`), of `ws`, belonging to `sessionId`. */
async function seed(h: Harness, ws: string, name: string, age: number, sessionId: string, ms = 0): Promise<void> {
  const at = T0 - age * DAY + ms;
  const db = h.testStore.store.db;
  await db.insertInto('events').values({ id: `ev_${name}`, workspace_id: ws, name: 'x', idempotency_key: name, contact_id: null, appointment_id: null, occurred_at: at, received_at: at, payload_json: '{}' }).execute();
  await db.insertInto('deliveries').values({
    id: `dl_${name}`, workspace_id: ws, session_id: sessionId, flow_id: 'fl_x', step_id: 's', channel: 'webhook', attempt: 1,
    idempotency_key: name, status: 'succeeded', request_json: '{}', response_json: null, error: null, duration_ms: 1, created_at: at,
  }).execute();
  await db.insertInto('outbox').values({
    id: `ob_${name}`, workspace_id: ws, delivery_id: `dl_${name}`, session_id: sessionId, message_id: `<${name}@x>`, from_address: 'a@x',
    to_address: 'b@x', subject: 's', html: null, text: 't', headers_json: '{}', created_at: at,
  }).execute();
}

async function ids(h: Harness, table: 'events' | 'deliveries' | 'outbox', ws: string): Promise<string[]> {
  const rows = await h.testStore.store.db.selectFrom(table).select('id').where('workspace_id', '=', ws).orderBy('id').execute();
  return rows.map((r) => r.id.slice(3));
}

describe.each(testDialects())('retention cleanup (%s)', (dialect) => {
  let h: Harness;
  beforeEach(async () => {
    h = await createHarness(dialect);
  });
  afterEach(async () => {
    await h.close();
  });

  it('deletes only rows older than each setting, sparing open sessions and other workspaces', async () => {
    const ws = h.workspaceId;
    const other = await h.otherWorkspace();
    const db = h.testStore.store.db;
    await db.insertInto('sessions').values([session(ws, 'ss_done', 'completed', 'ev_old_done'), session(ws, 'ss_open', 'waiting', 'ev_old_open')]).execute();
    // 30 days exactly is the boundary: kept (only strictly older goes).
    await seed(h, ws, 'old_done', 31, 'ss_done');
    await seed(h, ws, 'old_open', 31, 'ss_open');
    await seed(h, ws, 'edge', 30, 'ss_done');
    await seed(h, ws, 'just_over', 30, 'ss_done', -1);
    await seed(h, ws, 'recent', 2, 'ss_done');
    await seed(h, other.workspaceId, 'other_old', 400, 'ss_done');

    const patch = await h.api('PATCH', '/v1/workspace', { retention_events_days: 30, retention_deliveries_days: 30, retention_outbox_days: null });
    expect(patch.status, JSON.stringify(patch.body)).toBe(200);
    expect(patch.body.data).toMatchObject({ retention_events_days: 30, retention_deliveries_days: 30, retention_outbox_days: null });

    const run = await h.engine.retention.runOnce();
    expect(run).toEqual({ events: 2, deliveries: 2, outbox: 0 });
    expect(await ids(h, 'events', ws)).toEqual(['edge', 'old_open', 'recent']);
    expect(await ids(h, 'deliveries', ws)).toEqual(['edge', 'old_open', 'recent']);
    expect(await ids(h, 'outbox', ws)).toEqual(['edge', 'just_over', 'old_done', 'old_open', 'recent']);
    expect(await ids(h, 'events', other.workspaceId)).toEqual(['other_old']);

    // Once the session ends, the next run takes what it held; a second later the 30-day-old row is
    // past the cutoff too; a shorter outbox setting applies.
    await db.updateTable('sessions').set({ status: 'completed', ended_at: T0 }).where('id', '=', 'ss_open').execute();
    await h.api('PATCH', '/v1/workspace', { retention_outbox_days: 3 });
    h.clock.advance(1000);
    expect(await h.engine.retention.runOnce()).toEqual({ events: 2, deliveries: 2, outbox: 4 });
    expect(await ids(h, 'events', ws)).toEqual(['recent']);
    expect(await ids(h, 'outbox', ws)).toEqual(['recent']);

    const metrics = await h.engine.ctx.metrics.registry.metrics();
    expect(metrics).toMatch(/nudge_retention_deleted_total\{table="events"\} 4/);
    expect(metrics).toMatch(/nudge_retention_deleted_total\{table="outbox"\} 4/);
    expect(metrics).toContain(`nudge_retention_last_run_timestamp_seconds ${(T0 + 1000) / 1000}`);
  });

  it('works through many batches, walking past rows it must keep', async () => {
    const ws = h.workspaceId;
    const db = h.testStore.store.db;
    await db.insertInto('sessions').values([session(ws, 'ss_done', 'completed', null), session(ws, 'ss_open', 'waiting', null)]).execute();
    // Batches of 3 over 11 old rows, every third held by the open session, some sharing a time.
    for (let i = 0; i < 11; i++) await seed(h, ws, `r${String(i).padStart(2, '0')}`, 50, i % 3 === 0 ? 'ss_open' : 'ss_done', Math.floor(i / 2));
    await h.api('PATCH', '/v1/workspace', { retention_deliveries_days: 7 });
    const cleaner = new RetentionCleaner(h.engine.ctx, { intervalMs: 0, batchSize: 3 });
    expect(await cleaner.runOnce()).toEqual({ events: 0, deliveries: 7, outbox: 0 });
    expect(await ids(h, 'deliveries', ws)).toEqual(['r00', 'r03', 'r06', 'r09']);
    expect(await ids(h, 'events', ws)).toHaveLength(11);
  });

  it('refuses retention that is not a whole number of days from 1 to 36500', async () => {
    for (const value of [0, -1, 1.5, 36501, '30', true]) {
      const res = await h.api('PATCH', '/v1/workspace', { retention_events_days: value });
      expect(res.status).toBe(400);
      expect(res.body.error.path).toBe('retention_events_days');
    }
    const res = await h.api('GET', '/v1/workspace');
    expect(res.body.data.retention_events_days).toBeNull();
  });
});
