/**
 * A worker whose LISTEN connection was terminated may miss notifications sent meanwhile; when the
 * connection is back, the worker re-checks what is due at once instead of sleeping on what it knew
 * before (here an hour; the idle safety net is at two hours).
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { testDialects } from '../helpers/test-store.js';

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe.runIf(testDialects().includes('postgres'))('a worker on PostgreSQL whose LISTEN connection drops', () => {
  let h: Harness | undefined;
  let receiver: Receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('re-reads the next due time once it listens again', async () => {
    h = await createHarness('postgres', { NUDGE_MAX_IDLE_MS: '7200000' });
    const flow = {
      name: 'Reminder',
      trigger: { appointment: { anchor: 'start', before: '24h' } },
      steps: [{ id: 'ping', webhook: { url: `${receiver.url}/r` } }],
    };
    expect((await h.api('POST', '/v1/flows?activate=true', flow)).status).toBe(201);
    // Due in an hour: the worker sleeps until then.
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'a1', iso(T0 + 25 * H)));
    await h.engine.startWorker();
    // Its first check is over when it has armed itself for the reminder's time.
    const armedAt = () => (h!.engine.scheduler as unknown as { armedAt: number }).armedAt;
    await expect.poll(armedAt, { timeout: 5_000, interval: 10 }).toBe(T0 + H);
    const db = h.engine.ctx.store.db;
    const schema = h.testStore.schema!;
    await sql`
      select pg_terminate_backend(pid) from pg_stat_activity
      where application_name = 'nudge-listener' and query ilike ${`listen "nudge_timers_${schema}"`}
    `.execute(db);
    // Meanwhile the hour passes (on the injected clock) and nobody tells the worker: it only learns
    // the time again by re-reading once it listens again.
    h.clock.set(T0 + H);
    await receiver.waitFor(1, 10_000);
    expect(receiver.requests).toHaveLength(1);
  });
});
