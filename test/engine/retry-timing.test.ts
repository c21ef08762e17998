/**
 * Retry delays count from the moment the answer arrived, not from when the step began: a slow
 * receiver must not eat into a Retry-After it asked for, nor shorten the backoff below its floor.
 * The receiver here moves the engine's clock while it "takes" its time, as a slow answer would.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

interface SlowAnswer {
  /** How far the engine's clock moves while this answer is on its way. */
  takesMs: number;
  status: number;
  headers?: Record<string, string>;
}

describe.each(testDialects())('retry timing on %s', (dialect) => {
  let h: Harness | undefined;
  let server: Server;
  let url: string;
  const script: SlowAnswer[] = [];
  const arrivals: number[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        arrivals.push(h!.clock.now());
        const answer = script.shift() ?? { takesMs: 0, status: 200 };
        h!.clock.advance(answer.takesMs);
        res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.headers ?? {}) });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  afterEach(async () => {
    script.length = 0;
    arrivals.length = 0;
    await h?.close();
    h = undefined;
  });

  async function startOneSession(): Promise<void> {
    h = await createHarness(dialect, { NUDGE_RETRY_BASE_MS: '10000' });
    const flow = { name: 'f', trigger: { event: 'appointment.created' }, steps: [{ id: 'hook', webhook: { url: `${url}/h` } }] };
    expect((await h.api('POST', '/v1/flows?activate=true', flow)).status).toBe(201);
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'a1', iso(T0 + 5 * H)));
  }

  /** Drains at `at` and returns how many requests the receiver has seen by then. */
  async function drainAt(at: number): Promise<number> {
    h!.clock.set(at);
    await h!.drain();
    return arrivals.length;
  }

  it('waits the whole Retry-After from a 429 that took 1.5 s to arrive', async () => {
    await startOneSession();
    script.push({ takesMs: 1_500, status: 429, headers: { 'retry-after': '2' } });
    expect(await drainAt(T0)).toBe(1);
    // The answer came at T0 + 1.5 s and asked for 2 s more.
    expect(await drainAt(T0 + 3_499)).toBe(1);
    expect(await drainAt(T0 + 3_500)).toBe(2);
    expect(arrivals[1]).toBe(T0 + 3_500);
  });

  it('keeps the backoff floor after a slow 503', async () => {
    await startOneSession();
    script.push({ takesMs: 6_000, status: 503 });
    expect(await drainAt(T0)).toBe(1);
    // Cap 10 s, equal jitter with random 0.5: 7.5 s after the answer (T0 + 6 s), not after T0.
    expect(await drainAt(T0 + 13_499)).toBe(1);
    expect(await drainAt(T0 + 13_500)).toBe(2);
  });
});
