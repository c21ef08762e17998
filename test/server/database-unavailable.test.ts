/**
 * While PostgreSQL cannot be reached, API requests answer 503 `database_unavailable` with
 * Retry-After (clients and load balancers retry), never a 500; once it is back they answer as
 * before. The store reaches PostgreSQL through a TCP proxy the test cuts.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { createApp } from '../../src/server/app.js';
import { isDatabaseUnavailable } from '../../src/store/db-errors.js';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createApiKey, createWorkspace } from '../../src/store/repositories/workspaces.js';
import type { Store } from '../../src/store/store.js';
import { T0 } from '../helpers/harness.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { createTestStore, postgresTestUrl, testDialects, type TestStore } from '../helpers/test-store.js';

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })],
    ['a terminated backend', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    ['a connection exception', Object.assign(new Error('connection failure'), { code: '08006' })],
    ['too many connections', Object.assign(new Error('sorry, too many clients already'), { code: '53300' })],
    ['a connection lost mid-query', new Error('Connection terminated unexpectedly')],
    ['SQLite busy past its timeout', Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })],
    ['a cause that is one of these', new Error('query failed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) })],
    ['every address refused', new AggregateError([Object.assign(new Error('a'), { code: 'ECONNREFUSED' })], 'connect failed')],
  ])('is true for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a unique violation', Object.assign(new Error('duplicate key'), { code: '23505' })],
    ['a syntax error', Object.assign(new Error('syntax error'), { code: '42601' })],
    ['a SQLite constraint', Object.assign(new Error('NOT NULL constraint failed'), { code: 'SQLITE_CONSTRAINT_NOTNULL' })],
    ['a plain error', new Error('boom')],
    ['not an error', 'Connection terminated'],
  ])('is false for %s', (_, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe.runIf(testDialects().includes('postgres'))('API while PostgreSQL cannot be reached', () => {
  let testStore: TestStore;
  let proxy: TcpProxy;
  let store: Store;
  let engine: Engine;
  let api: (method: string, path: string, body?: unknown) => Promise<{ status: number; headers: Headers; body: any }>;

  beforeAll(async () => {
    testStore = await createTestStore('postgres');
    const target = new URL(postgresTestUrl());
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const url = new URL(postgresTestUrl());
    url.host = `127.0.0.1:${proxy.port}`;
    store = await createPostgresStore({ url: url.toString(), schema: testStore.schema!, poolSize: 2 });
    const config = loadConfig({ NUDGE_LOG_LEVEL: 'silent', NUDGE_DATA_DIR: '/nonexistent', NUDGE_SECRET_KEY: 'ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMtISE=' });
    engine = await createEngine(config, { store, clock: { now: () => T0 }, logger: pino({ level: 'silent' }), random: () => 0.5 });
    const workspace = await createWorkspace(testStore.store.db, { name: 'down' }, T0);
    const { key } = await createApiKey(testStore.store.db, workspace.id, 'down', T0);
    const app = createApp(engine.ctx);
    api = async (method, path, body) => {
      const init: RequestInit = { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } };
      if (body !== undefined) init.body = JSON.stringify(body);
      const res = await app.request(path, init);
      return { status: res.status, headers: res.headers, body: await res.json() };
    };
  });
  afterAll(async () => {
    await engine?.scheduler.stop(1000);
    await store?.close();
    await proxy?.close();
    await testStore?.cleanup();
  });

  const event = { name: 'signup', contact: { external_id: 'c-1' } };

  it('answers 503 database_unavailable with Retry-After while cut, and as before once restored', async () => {
    expect((await api('GET', '/v1/flows')).status).toBe(200);

    await proxy.cut();
    for (const [method, path, body] of [['GET', '/v1/flows'], ['POST', '/v1/events', event], ['GET', '/v1/sessions']] as const) {
      const res = await api(method, path, body);
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(503);
      expect(res.body).toEqual({ error: { code: 'database_unavailable', message: expect.any(String) } });
      expect(res.headers.get('retry-after')).toBe('1');
    }
    expect((await engine.ctx.store.nextDueAt().then(() => 'ok', () => 'down'))).toBe('down');

    await proxy.restore();
    const accepted = await api('POST', '/v1/events', event);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    expect((await api('GET', '/v1/events')).body.data).toHaveLength(1);
  });
});
