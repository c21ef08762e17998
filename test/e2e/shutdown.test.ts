/**
 * Graceful shutdown with real processes: SIGTERM while sends are in flight to a slow receiver.
 * The process exits 0 within its bound (grace + close), gives back the timers of the steps it did
 * not finish, and a process started right after delivers the rest at once: the lease is 10 minutes
 * here, so anything left leased would not come back within the test.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call, sleep, startNudge, type NudgeProcess } from '../helpers/nudge-process.js';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { createTestStore, postgresTestUrl, testDialects } from '../helpers/test-store.js';

const H = 3_600_000;
const GRACE_MS = 500;
/** run.ts exits 1 when releasing and closing take longer than this beyond the grace period. */
const CLOSE_BOUND_MS = 10_000;

const running: NudgeProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop('SIGKILL')));
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function databaseEnv(dialect: string): Promise<Record<string, string>> {
  if (dialect === 'postgres') {
    const t = await createTestStore('postgres');
    cleanups.push(() => t.cleanup());
    return { DATABASE_URL: postgresTestUrl(), NUDGE_DB_SCHEMA: t.schema! };
  }
  const dir = await mkdtemp(join(tmpdir(), 'nudge-shutdown-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return { NUDGE_DATA_DIR: dir };
}

async function start(command: 'serve' | 'worker', env: Record<string, string>): Promise<NudgeProcess> {
  const p = await startNudge(command, env);
  running.push(p);
  return p;
}

/** Idempotency keys each appointment's reminder arrived with. */
function keysByAppointment(receiver: Receiver): Map<string, Set<string>> {
  const byAppointment = new Map<string, Set<string>>();
  for (const r of receiver.requests) {
    const id = JSON.parse(r.body).appointment as string;
    const keys = byAppointment.get(id) ?? new Set<string>();
    keys.add(String(r.headers['idempotency-key']));
    byAppointment.set(id, keys);
  }
  return byAppointment;
}

const cases = testDialects().flatMap((dialect) => (['serve', 'worker'] as const).map((command) => [dialect, command] as const));

describe.each(cases)('SIGTERM on %s to `%s` with sends in flight', (dialect, command) => {
  it('exits 0 within its bound, and a process started right after delivers the rest at once', async () => {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    // Every answer takes longer than the grace period (and than the former fixed 10 s): the SIGTERM
    // lands on sends in flight that will not finish in time.
    receiver.setDefaultDelay(15_000);
    const env = { ...(await databaseEnv(dialect)), NUDGE_LEASE_MS: '600000', NUDGE_SHUTDOWN_GRACE_MS: String(GRACE_MS) };

    // The API, with the worker in it when `serve` is under test.
    const api = await start('serve', { ...env, NUDGE_RUN_WORKER: command === 'serve' ? '1' : '0' });
    const key = api.apiKey!;
    const flow = {
      name: 'Reminder',
      trigger: { appointment: { anchor: 'start', before: '24h' } },
      // A timeout longer than the bound: shutdown must cut requests in flight, not wait them out.
      steps: [{ id: 'ping', webhook: { url: `${receiver.url}/reminder`, timeout: '60s', body: { appointment: '{{ appointment.id }}' } } }],
    };
    expect((await call(api.url!, key, 'POST', '/v1/flows?activate=true', flow)).status).toBe(201);
    const count = 20;
    const firstDue = Date.now() + 1_500;
    const events = Array.from({ length: count }, (_, i) => ({
      name: 'appointment.created',
      contact: { external_id: `c${i}` },
      appointment: { id: `a${i}`, start_at: new Date(firstDue + 24 * H + i * 100).toISOString() },
    }));
    expect((await call(api.url!, key, 'POST', '/v1/events/batch', { events })).status).toBe(202);

    let victim = api;
    if (command === 'worker') {
      // SQLite has one process at a time: the API goes before the worker comes.
      if (dialect === 'sqlite') expect(await api.stop('SIGTERM')).toBe(0);
      victim = await start('worker', env);
    }
    await receiver.waitFor(3, 20_000);
    const signalledAt = Date.now();
    victim.proc.kill('SIGTERM');
    const code = await Promise.race([victim.exited, sleep(GRACE_MS + CLOSE_BOUND_MS).then(() => 'still running')]);
    expect(code, victim.output()).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(GRACE_MS + CLOSE_BOUND_MS);
    const stopped = victim.logs().find((l) => l.msg === 'worker stopped');
    expect(Number(stopped?.released), victim.output()).toBeGreaterThan(0);

    // The successor: the same command, on the same database, and now a receiver that answers at once.
    // None of the victim's sends was answered, so the successor must send every reminder.
    receiver.setDefaultDelay(0);
    const restartedAt = Date.now();
    const successor = await start(command, env);
    const sentSince = (t: number) => new Set(receiver.requests.filter((r) => r.at >= t).map((r) => JSON.parse(r.body).appointment as string));
    await expect.poll(() => sentSince(restartedAt).size, { timeout: 30_000, interval: 100 }).toBe(count);
    // Let repeats, if any, arrive before counting them.
    await sleep(1_000);
    for (const keys of keysByAppointment(receiver).values()) expect(keys.size).toBe(1);
    // Each reminder went out at most twice: cut short by the shutdown, then sent by the successor.
    expect(receiver.requests.length).toBeLessThanOrEqual(count + Number(stopped?.released));
    expect(successor.proc.exitCode).toBeNull();
    // Every session completed: none written off by a step the shutdown cut short.
    const apiNow = command === 'serve' ? successor : dialect === 'postgres' ? api : null;
    if (apiNow) {
      await expect
        .poll(async () => (await call(apiNow.url!, key, 'GET', '/v1/sessions?status=completed&limit=200')).body.data.length, { timeout: 10_000, interval: 200 })
        .toBe(count);
    }
  }, 90_000);
});
