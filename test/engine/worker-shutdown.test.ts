/**
 * A worker stopping with a send in flight: after the grace period it gives the timer back (due
 * now, lease gone, the claim not counted against MAX_CLAIMS) and commits nothing more, so the late
 * answer cannot write over the timer another worker now runs; that worker sends again with the
 * same idempotency key and completes the session.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;

describe.each(testDialects())('a worker stopping on %s', (dialect) => {
  let h: Harness | undefined;
  let server: Server;
  let url: string;
  /** Requests held until the test answers them. */
  const held: Array<{ req: IncomingMessage; res: ServerResponse }> = [];
  let holdRequests = true;

  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      if (holdRequests) held.push({ req, res });
      else res.writeHead(200).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  afterEach(async () => {
    for (const { res } of held.splice(0)) res.writeHead(200).end('{}');
    await h?.close();
    h = undefined;
  });

  it('releases the timer of a step still running after the grace period, and commits nothing after', async () => {
    h = await createHarness(dialect, { NUDGE_LEASE_MS: '600000' });
    const flow = { name: 'f', trigger: { event: 'appointment.created' }, steps: [{ id: 'hook', webhook: { url: `${url}/h` } }] };
    expect((await h.api('POST', '/v1/flows?activate=true', flow)).status).toBe(201);
    await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'a1', iso(T0 + 5 * H)));
    const db = h.engine.ctx.store.db;

    await h.engine.startWorker();
    await expect.poll(() => held.length, { timeout: 5_000, interval: 10 }).toBe(1);
    const leased = await db.selectFrom('timers').selectAll().executeTakeFirstOrThrow();
    expect(leased.lease_owner).not.toBeNull();
    expect(leased.due_at).toBe(T0 + 600_000);

    h.clock.advance(1_000);
    await h.engine.scheduler.stop(100);
    const released = await db.selectFrom('timers').selectAll().executeTakeFirstOrThrow();
    expect(released).toMatchObject({ id: leased.id, lease_owner: null, due_at: T0 + 1_000, claims: leased.claims - 1 });

    // The late answer: the step's commit is refused, so nothing changes.
    const first = held.shift()!;
    first.res.writeHead(200).end('{}');
    await h.engine.scheduler.idle();
    expect(await db.selectFrom('timers').selectAll().executeTakeFirstOrThrow()).toEqual(released);
    expect(await db.selectFrom('deliveries').selectAll().execute()).toEqual([]);

    // Another worker on the same database takes it at once and finishes it.
    holdRequests = false;
    const next = await createEngine(h.engine.ctx.config, { store: h.engine.ctx.store, clock: h.clock, logger: pino({ level: 'silent' }), random: () => 0.5 });
    const secondKey = new Promise<string>((resolve) => server.once('request', (req: IncomingMessage) => resolve(String(req.headers['idempotency-key']))));
    expect(await next.scheduler.drain()).toBe(1);
    expect(await secondKey).toBe(String(first.req.headers['idempotency-key']));
    const sessions = (await h.api('GET', '/v1/sessions')).body.data;
    expect(sessions.map((s: { status: string }) => s.status)).toEqual(['completed']);
    holdRequests = true;
  });
});
