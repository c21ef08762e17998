/**
 * Scale-out and crash safety with real processes: two workers on one PostgreSQL share the work
 * with no duplicates; a process killed with SIGKILL mid-run loses nothing — after its leases
 * expire, the restarted one finishes every session (on PostgreSQL and on SQLite).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call, sleep, startNudge, type NudgeProcess } from '../helpers/nudge-process.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { createTestStore, postgresTestUrl, testDialects, type TestStore } from '../helpers/test-store.js';

const H = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const reminderFlow = (url: string) => ({
  name: 'Reminder',
  trigger: { appointment: { anchor: 'start', before: '24h' } },
  steps: [{ id: 'ping', webhook: { url: `${url}/reminder`, body: { appointment: '{{ appointment.id }}' } } }],
});

function bookings(count: number, firstStart: number, spreadMs: number, prefix: string) {
  return Array.from({ length: count }, (_, i) => ({
    name: 'appointment.created',
    contact: { external_id: `${prefix}-c${i}` },
    appointment: { id: `${prefix}-${i}`, start_at: iso(firstStart + Math.floor((i * spreadMs) / count)) },
  }));
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function countSessions(url: string, key: string, status: string): Promise<number> {
  let n = 0;
  let cursor: string | null = null;
  do {
    const res: { body: { data: unknown[]; next_cursor: string | null } } = await call(
      url,
      key,
      'GET',
      `/v1/sessions?status=${status}&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    );
    n += res.body.data.length;
    cursor = res.body.next_cursor;
  } while (cursor);
  return n;
}

/** `nudge_deliveries_total{channel="webhook",status="succeeded"}` on a process's /metrics. */
async function deliveriesCounted(probesUrl: string): Promise<number> {
  const res = await fetch(`${probesUrl}/metrics`);
  expect(res.status).toBe(200);
  const line = (await res.text()).split('\n').find((l) => l.startsWith('nudge_deliveries_total{') && l.includes('status="succeeded"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const running: NudgeProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
  for (const c of cleanups.splice(0)) await c();
});

async function receiverFor(): Promise<Receiver> {
  const r = await startReceiver();
  cleanups.push(() => r.close());
  return r;
}

async function postgresDatabase(): Promise<{ env: Record<string, string>; store: TestStore }> {
  const store = await createTestStore('postgres');
  cleanups.push(() => store.cleanup());
  return { env: { DATABASE_URL: postgresTestUrl(), NUDGE_DB_SCHEMA: store.schema! }, store };
}

describe.runIf(testDialects().includes('postgres'))('two workers on PostgreSQL', () => {
  it('share the work with no duplicates', async () => {
    const receiver = await receiverFor();
    const { env } = await postgresDatabase();
    const api = await startNudge('serve', { ...env, NUDGE_RUN_WORKER: '0' });
    running.push(api);
    const probed = { ...env, NUDGE_METRICS_PORT: '0' };
    const workers = await Promise.all([startNudge('worker', probed), startNudge('worker', probed)]);
    running.push(...workers);
    const key = api.apiKey!;
    expect((await call(api.url!, key, 'POST', '/v1/flows?activate=true', reminderFlow(receiver.url))).status).toBe(201);

    const count = 300;
    const firstDue = Date.now() + 3_000;
    const res = await call(api.url!, key, 'POST', '/v1/events/batch', { events: bookings(count, firstDue + 24 * H, 2_000, 'pg') });
    expect(res.status).toBe(202);

    await receiver.waitFor(count, 30_000);
    await sleep(1_000);
    const ids = receiver.requests.map((r) => JSON.parse(r.body).appointment as string);
    expect(ids).toHaveLength(count);
    expect(new Set(ids).size).toBe(count);
    expect(new Set(receiver.requests.map((r) => r.headers['idempotency-key'])).size).toBe(count);
    for (const r of receiver.requests) {
      const i = Number(JSON.parse(r.body).appointment.split('-')[1]);
      const due = firstDue + Math.floor((i * 2_000) / count);
      expect(r.at).toBeGreaterThanOrEqual(due);
    }
    expect(await countSessions(api.url!, key, 'completed')).toBe(count);

    // Each worker's own port shows what it sent: together, every delivery once.
    const sent = await Promise.all(workers.map((w) => deliveriesCounted(w.url!)));
    expect(sent[0]! + sent[1]!).toBe(count);
    expect((await fetch(`${workers[0]!.url}/health`)).status).toBe(200);

    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    const ran = workers.map((w) => {
      const line = w.logs().find((l) => l.msg === 'worker stopped');
      return Number(line?.ran ?? 0);
    });
    // Each booking is one trigger timer; the worker that claims it runs the session at once.
    expect(ran[0]! + ran[1]!).toBeGreaterThanOrEqual(count);
    expect(ran[0]).toBeGreaterThan(0);
    expect(ran[1]).toBeGreaterThan(0);
  }, 90_000);
});

describe.each(testDialects())('a process killed with SIGKILL on %s', (dialect) => {
  it('loses nothing: the restarted one finishes every session after the leases expire', async () => {
    const receiver = await receiverFor();
    receiver.setDefaultDelay(1_500); // slow receiver: the kill lands while requests are in flight
    let env: Record<string, string>;
    if (dialect === 'postgres') {
      env = (await postgresDatabase()).env;
    } else {
      const dir = await mkdtemp(join(tmpdir(), 'nudge-kill-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      env = { NUDGE_DATA_DIR: dir };
    }
    env.NUDGE_LEASE_MS = '3000';
    const first = await startNudge('serve', env);
    running.push(first);
    const key = first.apiKey!;
    expect((await call(first.url!, key, 'POST', '/v1/flows?activate=true', reminderFlow(receiver.url))).status).toBe(201);
    const count = 40;
    const firstDue = Date.now() + 2_000;
    await call(first.url!, key, 'POST', '/v1/events/batch', { events: bookings(count, firstDue + 24 * H, 500, `k${dialect}`) });

    await receiver.waitFor(5, 20_000);
    await first.stop('SIGKILL');
    const seenBeforeKill = receiver.requests.length;
    expect(seenBeforeKill).toBeLessThan(count);

    const second = await startNudge('serve', env);
    running.push(second);
    await waitUntil(async () => (await countSessions(second.url!, key, 'completed')) === count, 30_000, 'every session to complete');

    const byAppointment = new Map<string, Set<string>>();
    for (const r of receiver.requests) {
      const id = JSON.parse(r.body).appointment as string;
      const keys = byAppointment.get(id) ?? new Set<string>();
      keys.add(String(r.headers['idempotency-key']));
      byAppointment.set(id, keys);
    }
    expect(byAppointment.size).toBe(count);
    // A request in flight at the kill may be sent again, always with the same idempotency key.
    for (const keys of byAppointment.values()) expect(keys.size).toBe(1);
    const all = await call(second.url!, key, 'GET', '/v1/sessions?limit=200');
    expect(all.body.data).toHaveLength(count);
  }, 90_000);
});
