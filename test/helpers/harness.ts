/**
 * An engine in this process on a real test database, with a clock the test moves. Time-based
 * behaviour is checked to the millisecond by setting the clock and calling `drain()`, which runs
 * exactly the timers due at that moment. Requests go through the real HTTP app (`app.request`).
 */
import { pino, type Logger } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createEngine, type Engine } from '../../src/engine/engine.js';
import { createApp } from '../../src/server/app.js';
import type { Dialect } from '../../src/store/store.js';
import { createApiKey, createWorkspace } from '../../src/store/repositories/workspaces.js';
import { startReceiver, type Receiver } from './receiver.js';
import { createTestStore, type TestStore } from './test-store.js';

export class ManualClock {
  constructor(public current: number) {}
  now(): number {
    return this.current;
  }
  set(iso: string | number): void {
    this.current = typeof iso === 'number' ? iso : Date.parse(iso);
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
}

export interface Harness {
  engine: Engine;
  clock: ManualClock;
  testStore: TestStore;
  workspaceId: string;
  apiKey: string;
  api<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>;
  /** A request to the app as given: no API key added (for cookie sessions and public routes). */
  raw(path: string, init?: RequestInit): Promise<Response>;
  /** Runs every timer due now; returns how many ran. */
  drain(): Promise<number>;
  /** Creates a workspace with its own key (for cross-workspace checks). */
  otherWorkspace(): Promise<{ workspaceId: string; apiKey: string }>;
  close(): Promise<void>;
}

export const T0 = Date.parse('2026-11-23T09:00:00.000Z');

export async function createHarness(
  dialect: Dialect,
  env: Record<string, string> = {},
  plan: { plan?: string; flowLimit?: number } = {},
  options: { logger?: Logger; writer?: 'batched' | 'plain' } = {},
): Promise<Harness> {
  const testStore = await createTestStore(dialect);
  const clock = new ManualClock(T0);
  const config = loadConfig({
    NUDGE_LOG_LEVEL: 'silent',
    NUDGE_RETRY_BASE_MS: '60000',
    NUDGE_DATA_DIR: '/nonexistent',
    NUDGE_SECRET_KEY: 'ZGV2ZWxvcG1lbnQtb25seS1rZXktMzItYnl0ZXMtISE=',
    // Receivers and stand-ins listen on 127.0.0.1, which the SSRF guard refuses unless allowed.
    NUDGE_OUTBOUND_ALLOW: '127.0.0.1',
    ...env,
  });
  const engine = await createEngine(config, {
    store: testStore.store,
    clock,
    logger: options.logger ?? pino({ level: process.env.NUDGE_TEST_LOG ?? 'silent' }),
    random: () => 0.5,
    // NUDGE_TEST_WRITER=plain runs a suite against the plain session writer (session-writer/).
    writer: options.writer ?? (process.env.NUDGE_TEST_WRITER === 'plain' ? 'plain' : 'batched'),
  });
  const workspace = await createWorkspace(testStore.store.db, { name: 'test', timezone: 'UTC', plan: plan.plan ?? 'advanced', flowLimit: plan.flowLimit }, clock.now());
  const { key } = await createApiKey(testStore.store.db, workspace.id, 'test', clock.now());
  const app = createApp(engine.ctx);
  const request = async (apiKey: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${apiKey}`, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await app.request(path, init);
    // An event stream never ends by itself: report its status and headers, and hang up.
    if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
      await res.body?.cancel();
      return { status: res.status, body: '' as any };
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* keep text */
    }
    return { status: res.status, body: parsed as any };
  };
  return {
    engine,
    clock,
    testStore,
    workspaceId: workspace.id,
    apiKey: key,
    api: (method, path, body, headers) => request(key, method, path, body, headers),
    raw: async (path, init) => app.request(path, init),
    drain: () => engine.scheduler.drain(),
    async otherWorkspace() {
      const ws = await createWorkspace(testStore.store.db, { name: 'other' }, clock.now());
      const k = await createApiKey(testStore.store.db, ws.id, 'other', clock.now());
      return { workspaceId: ws.id, apiKey: k.key };
    },
    async close() {
      await engine.scheduler.stop(1000);
      await testStore.cleanup();
    },
  };
}

/** An appointment event body. */
export function appointmentEvent(
  name: string,
  id: string,
  startIso: string,
  extra: { email?: string; idempotency_key?: string; contact?: Record<string, unknown>; appointment?: Record<string, unknown>; occurred_at?: string } = {},
): Record<string, unknown> {
  return {
    name,
    ...(extra.idempotency_key ? { idempotency_key: extra.idempotency_key } : {}),
    ...(extra.occurred_at ? { occurred_at: extra.occurred_at } : {}),
    contact: { external_id: `cust-${id}`, email: extra.email ?? `cust-${id}@example.com`, first_name: 'Ada', ...(extra.contact ?? {}) },
    appointment: {
      id,
      start_at: startIso,
      service_name: 'Tattoo Removal',
      service_duration: 30,
      timezone: 'America/Los_Angeles',
      ...(extra.appointment ?? {}),
    },
  };
}

/**
 * For a suite on one dialect: a fresh harness for each test and one HTTP receiver for the suite
 * (its requests cleared before each test). Registers the hooks; read `h` and `receiver` inside tests.
 */
export function useHarnessAndReceiver(dialect: Dialect): { readonly h: Harness; readonly receiver: Receiver } {
  let h: Harness | undefined;
  let receiver: Receiver | undefined;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });
  beforeEach(async () => {
    receiver!.requests.length = 0;
    h = await createHarness(dialect);
  });
  afterEach(async () => {
    await h?.close();
  });
  return {
    get h() {
      return h!;
    },
    get receiver() {
      return receiver!;
    },
  };
}

/** Creates and activates a flow; returns its id. */
export async function activeFlow(h: Harness, definition: unknown): Promise<string> {
  const res = await h.api('POST', '/v1/flows?activate=true', definition);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.id as string;
}
