/**
 * GET /v1/stream and the change feed behind it: one poll for all clients, events only when a
 * workspace's marks move, heartbeats, clean ends on client abort and on server shutdown. The end
 * to end part runs a real listening server on SQLite and PostgreSQL and reads the stream with fetch.
 */
import { Hono } from 'hono';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.js';
import type { AppEnv } from '../../src/server/app-types.js';
import { ChangeFeed, type ChangeKind, type PollTimer } from '../../src/server/change-feed.js';
import { listen, type RunningServer } from '../../src/server/http-server.js';
import { streamRoutes } from '../../src/server/routes/stream.js';
import { NO_CHANGE_MARKS, readChangeMarks, type ChangeMarks } from '../../src/store/repositories/activity-counts.js';
import type { Workspace } from '../../src/store/schema.js';
import { appointmentEvent, createHarness, T0, type Harness } from '../helpers/harness.js';
import { testDialects } from '../helpers/test-store.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const logger = pino({ level: 'silent' });
const NOW = 1_000_000_000;

/**
 * A feed over marks the test sets, counting its reads, with a poll timer the test fires by hand
 * (`tick`): each tick runs the one pending poll and waits for it, so no assertion depends on how
 * fast the machine is.
 */
function fakeFeed() {
  const marks = new Map<string, ChangeMarks>();
  const reads: string[][] = [];
  let now = NOW;
  let pending: (() => void) | null = null;
  let inFlight: Promise<unknown> = Promise.resolve();
  const timer: PollTimer = {
    set: (fn) => {
      pending = fn;
      return fn;
    },
    clear: (handle) => {
      if (pending === handle) pending = null;
    },
  };
  const feed = new ChangeFeed({
    read: async (ids) => {
      reads.push([...ids]);
      const result = new Map(ids.map((id) => [id, { ...(marks.get(id) ?? NO_CHANGE_MARKS) }]));
      inFlight = Promise.resolve(result);
      return result;
    },
    now: () => now,
    logger,
    timer,
  });
  return {
    feed,
    reads,
    set: (id: string, m: Partial<ChangeMarks>) => marks.set(id, { ...(marks.get(id) ?? NO_CHANGE_MARKS), ...m }),
    advance: (ms: number) => (now += ms),
    /** Whether a poll is scheduled. */
    scheduled: () => pending !== null,
    /** Runs the scheduled poll to its end (the clock moves on by a poll interval, as real time would). */
    async tick(): Promise<void> {
      const fn = pending;
      pending = null;
      if (!fn) return;
      now += 1000;
      fn();
      await inFlight;
      for (let i = 0; i < 5; i++) await Promise.resolve();
    },
  };
}

describe('change feed', () => {
  it('polls once per tick for all subscribers, tells each workspace only its own changes, and stops with the last subscriber', async () => {
    const f = fakeFeed();
    f.set('ws_a', { sessions: NOW - 60_000 });
    const a1: ChangeKind[][] = [];
    const a2: ChangeKind[][] = [];
    const b: ChangeKind[][] = [];
    const off = [
      f.feed.subscribe('ws_a', (k) => a1.push(k)),
      f.feed.subscribe('ws_a', (k) => a2.push(k)),
      f.feed.subscribe('ws_b', (k) => b.push(k)),
    ];
    await f.tick();
    await f.tick();
    // The first read is the baseline: nothing to report.
    expect(a1).toEqual([]);
    expect(f.reads).toEqual([['ws_a', 'ws_b'], ['ws_a', 'ws_b']]);

    f.advance(10_000);
    f.set('ws_a', { deliveries: NOW + 10_000 - 5_000 });
    await f.tick();
    await f.tick();
    expect(a1).toEqual([['deliveries']]);
    expect(a2).toEqual([['deliveries']]);
    expect(b).toEqual([]);

    for (const unsubscribe of off) unsubscribe();
    expect(f.feed.size).toBe(0);
    expect(f.scheduled()).toBe(false);
  });

  it('reports a mark that was fresh when read once more on the next tick (writes in the same millisecond)', async () => {
    const f = fakeFeed();
    const seen: ChangeKind[][] = [];
    f.feed.subscribe('ws_a', (k) => seen.push(k));
    await f.tick();
    f.set('ws_a', { sessions: NOW + 1000 });
    await f.tick();
    expect(seen).toEqual([['sessions']]);
    await f.tick();
    await f.tick();
    // Once more for the fresh mark, then quiet.
    expect(seen).toEqual([['sessions'], ['sessions']]);
  });

  it('reports appointments and contacts as their own kinds, several in one event when they move together', async () => {
    const f = fakeFeed();
    const seen: ChangeKind[][] = [];
    f.feed.subscribe('ws_a', (k) => seen.push(k));
    await f.tick();
    f.advance(10_000);
    f.set('ws_a', { appointments: NOW });
    await f.tick();
    f.advance(10_000);
    f.set('ws_a', { appointments: NOW + 5_000, contacts: NOW + 5_000 });
    await f.tick();
    await f.tick();
    expect(seen).toEqual([['appointments'], ['appointments', 'contacts']]);
  });

  it('makes one read per tick however many clients listen', async () => {
    const f = fakeFeed();
    const off = Array.from({ length: 50 }, (_, i) => f.feed.subscribe(`ws_${i % 5}`, () => undefined));
    await f.tick();
    await f.tick();
    expect(f.reads).toHaveLength(2);
    expect(new Set(f.reads[0]).size).toBe(5);
    for (const o of off) o();
  });
});

describe('stream route', () => {
  const workspace = { id: 'ws_a' } as Workspace;
  const appWith = (feed: ChangeFeed, heartbeatMs: number) => {
    const app = new Hono<AppEnv>();
    app.use('*', async (c, next) => {
      c.set('workspace', workspace);
      await next();
    });
    app.route('/stream', streamRoutes(feed, { heartbeatMs }));
    return app;
  };

  it('sends heartbeats and change events, and unsubscribes when the client hangs up', async () => {
    const f = fakeFeed();
    const res = await appWith(f.feed, 40).request('/stream');
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const text = await readUntil(reader, (t) => t.includes(': ping'), 2000);
    expect(text.startsWith(': connected\n\n')).toBe(true);
    await f.tick(); // the baseline read
    f.advance(10_000);
    f.set('ws_a', { flows: NOW });
    await f.tick();
    const more = await readUntil(reader, (t) => t.includes('event: change'), 2000);
    expect(more).toContain('event: change\ndata: {"kinds":["flows"]}\n\n');
    expect(f.feed.size).toBe(1);
    await reader.cancel();
    await sleep(20);
    expect(f.feed.size).toBe(0);
  });
});

async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, done: (text: string) => boolean, timeoutMs: number): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  const deadline = Date.now() + timeoutMs;
  while (!done(text)) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`stream: timed out; read so far: ${JSON.stringify(text)}`);
    const chunk = await Promise.race([reader.read(), sleep(left).then(() => null)]);
    if (chunk === null) continue;
    if (chunk.done) throw new Error(`stream ended; read so far: ${JSON.stringify(text)}`);
    text += decoder.decode(chunk.value, { stream: true });
  }
  return text;
}

describe.each(testDialects())('change marks on %s', (dialect) => {
  let h: Harness | undefined;
  afterEach(async () => h?.close());

  it('move for a reschedule (appointments) and for a changed contact (contacts), each workspace on its own', async () => {
    h = await createHarness(dialect);
    const other = await h.otherWorkspace();
    const db = h.engine.ctx.store.db;
    const read = async () => readChangeMarks(db, [h!.workspaceId, other.workspaceId]);
    expect((await read()).get(other.workspaceId)).toEqual(NO_CHANGE_MARKS);

    const start = new Date(T0 + 3 * 86_400_000).toISOString();
    expect((await h.api('POST', '/v1/events', appointmentEvent('appointment.created', 'bk-1', start))).status).toBe(202);
    const booked = (await read()).get(h.workspaceId)!;
    expect(booked).toMatchObject({ appointments: T0, contacts: T0 });

    h.clock.advance(60_000);
    const moved = new Date(T0 + 4 * 86_400_000).toISOString();
    expect((await h.api('POST', '/v1/events', appointmentEvent('appointment.rescheduled', 'bk-1', moved))).status).toBe(202);
    const rescheduled = (await read()).get(h.workspaceId)!;
    // The same contact fields: only the appointment moved.
    expect(rescheduled).toMatchObject({ appointments: T0 + 60_000, contacts: T0 });

    h.clock.advance(60_000);
    const renamed = appointmentEvent('appointment.rescheduled', 'bk-1', moved, { contact: { first_name: 'Grace' } });
    expect((await h.api('POST', '/v1/events', renamed)).status).toBe(202);
    expect((await read()).get(h.workspaceId)).toMatchObject({ appointments: T0 + 60_000, contacts: T0 + 120_000 });
    expect((await read()).get(other.workspaceId)).toEqual(NO_CHANGE_MARKS);
  });
});

describe.each(testDialects())('GET /v1/stream on %s, over a real connection', (dialect) => {
  let h: Harness | undefined;
  let server: RunningServer | undefined;
  afterEach(async () => {
    await server?.close();
    await h?.close();
  });

  it('sends a change when a session starts, and ends at once when the server closes', async () => {
    h = await createHarness(dialect);
    await h.api('POST', '/v1/flows?activate=true', { name: 'Welcome', trigger: { event: 'signup' }, steps: [{ id: 'pause', wait: { duration: '1h' } }] });
    server = await listen(createApp(h.engine.ctx), '127.0.0.1', 0);
    // Marks written so far are settled (well before the clock), so only new writes are reported.
    h.clock.advance(60_000);
    const res = await fetch(`http://127.0.0.1:${server.port}/v1/stream`, { headers: { authorization: `Bearer ${h.apiKey}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await readUntil(reader, (t) => t.includes(': connected'), 2000);
    await sleep(1200); // the feed's baseline read
    expect((await h.api('POST', '/v1/events', { name: 'signup', contact: { email: 'a@example.com' } })).status).toBe(202);
    const text = await readUntil(reader, (t) => t.includes('event: change'), 4000);
    expect(JSON.parse(/data: (.*)\n/.exec(text.slice(text.indexOf('event: change')))![1]!).kinds).toContain('sessions');

    const unauthorized = await fetch(`http://127.0.0.1:${server.port}/v1/stream`);
    expect(unauthorized.status).toBe(401);

    const started = Date.now();
    await server.close(10_000);
    server = undefined;
    expect(Date.now() - started).toBeLessThan(2000);
    const end = await Promise.race([reader.read().then((r) => (r.done ? 'ended' : 'data')).catch(() => 'ended'), sleep(2000).then(() => 'open')]);
    expect(end).not.toBe('open');
  }, 20_000);
});
