/**
 * PostgreSQL going away under running processes: `serve` and `worker` have their backends
 * terminated several times in the middle of a run of reminders, and `serve` loses its database
 * altogether for a moment (its connections go through a TCP proxy the test cuts). Both must stay
 * up, report /health 503 while the database is unreachable and 200 after, and deliver every
 * reminder, more than once only with the same idempotency key.
 *
 * Only this test's backends are terminated: its processes connect with an application_name of its
 * own (set in DATABASE_URL), and the PostgreSQL server itself is shared with other tests.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { call, sleep, startNudge, type NudgeProcess } from '../helpers/nudge-process.js';
import { startReceiver } from '../helpers/receiver.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { createTestStore, postgresTestUrl, testDialects } from '../helpers/test-store.js';

const H = 3_600_000;

const running: NudgeProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Terminates the backends named `appName`; returns how many. */
async function terminateBackends(appName: string): Promise<number> {
  const admin = new pg.Client({ connectionString: postgresTestUrl() });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ ok: boolean }>(
      'select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()',
      [appName],
    );
    return rows.filter((r) => r.ok).length;
  } finally {
    await admin.end();
  }
}

async function health(url: string): Promise<number> {
  try {
    return (await fetch(`${url}/health`, { signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
}

describe.runIf(testDialects().includes('postgres'))('PostgreSQL faults under serve and worker', () => {
  it('survive terminated backends and an unreachable database, and deliver every reminder', async () => {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    receiver.setDefaultDelay(300);
    const t = await createTestStore('postgres');
    cleanups.push(() => t.cleanup());
    const target = new URL(postgresTestUrl());
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    cleanups.push(() => proxy.close());

    const appName = `nudge_e2e_${randomBytes(4).toString('hex')}`;
    const direct = new URL(target);
    direct.searchParams.set('application_name', appName);
    const proxied = new URL(direct);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    // A short lease: a step whose commit died with its connection runs again within seconds.
    const env = { NUDGE_DB_SCHEMA: t.schema!, NUDGE_LEASE_MS: '3000', NUDGE_LOG_LEVEL: 'warn' };
    const api = await startNudge('serve', { ...env, DATABASE_URL: proxied.toString(), NUDGE_LOG_LEVEL: 'info' });
    running.push(api);
    const worker = await startNudge('worker', { ...env, DATABASE_URL: direct.toString(), NUDGE_LOG_LEVEL: 'info' });
    running.push(worker);
    const key = api.apiKey!;
    expect(await health(api.url!)).toBe(200);

    const flow = {
      name: 'Reminder',
      trigger: { appointment: { anchor: 'start', before: '24h' } },
      steps: [{ id: 'ping', webhook: { url: `${receiver.url}/reminder`, body: { appointment: '{{ appointment.id }}' } } }],
    };
    expect((await call(api.url!, key, 'POST', '/v1/flows?activate=true', flow)).status).toBe(201);
    const count = 60;
    const firstDue = Date.now() + 2_000;
    const spreadMs = 8_000;
    const events = Array.from({ length: count }, (_, i) => ({
      name: 'appointment.created',
      contact: { external_id: `c${i}` },
      appointment: { id: `a${i}`, start_at: new Date(firstDue + 24 * H + Math.floor((i * spreadMs) / count)).toISOString() },
    }));
    expect((await call(api.url!, key, 'POST', '/v1/events/batch', { events })).status).toBe(202);

    // Terminations in the middle of the run: idle, busy and LISTEN connections of both processes.
    await receiver.waitFor(5, 20_000);
    for (let round = 0; round < 3; round++) {
      expect(await terminateBackends(appName)).toBeGreaterThan(0);
      await sleep(1_200);
    }
    expect(api.proc.exitCode, api.output()).toBeNull();
    expect(worker.proc.exitCode, worker.output()).toBeNull();

    // The API's database unreachable for a moment, then back.
    await proxy.cut();
    await expect.poll(() => health(api.url!), { timeout: 15_000, interval: 200 }).toBe(503);
    await sleep(1_000);
    await proxy.restore();
    await expect.poll(() => health(api.url!), { timeout: 15_000, interval: 200 }).toBe(200);
    expect(await terminateBackends(appName)).toBeGreaterThan(0);

    const delivered = () => new Set(receiver.requests.map((r) => JSON.parse(r.body).appointment as string)).size;
    await expect.poll(delivered, { timeout: 60_000, interval: 200 }).toBe(count);
    await expect
      .poll(async () => (await call(api.url!, key, 'GET', '/v1/sessions?status=completed&limit=200')).body.data.length, { timeout: 30_000, interval: 500 })
      .toBe(count);

    const keys = new Map<string, Set<string>>();
    for (const r of receiver.requests) {
      const id = JSON.parse(r.body).appointment as string;
      keys.set(id, (keys.get(id) ?? new Set()).add(String(r.headers['idempotency-key'])));
    }
    for (const k of keys.values()) expect(k.size).toBe(1);
    expect(api.proc.exitCode, api.output()).toBeNull();
    expect(worker.proc.exitCode, worker.output()).toBeNull();
    expect(await health(api.url!)).toBe(200);
  }, 150_000);
});
