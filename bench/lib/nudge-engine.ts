/**
 * Nudge as it runs in production: `nudge serve` (API and worker in one process on SQLite; API
 * only on PostgreSQL, plus `nudge worker` processes), fed over its HTTP API with
 * `appointment.created` / `.rescheduled` / `.canceled` batches, with one active flow.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine, EngineConfig, EngineName, ReminderSpec } from './engine.js';
import { createClient } from './http-client.js';
import { appointmentEvent, reminderFlow } from './payload.js';
import { createPgAdmin, type PgAdmin } from './pg-admin.js';
import { startChild, type Child } from './processes.js';

export const NUDGE_SCHEMA = 'bench_nudge';

export interface NudgeEngine extends Engine {
  /** The API's base URL and key, once started. */
  readonly api: { url: string; key: string };
  /** POSTs events (one, or a batch of up to 1000) to the API; throws unless every one was applied. */
  postEvents(events: Array<Record<string, unknown>>): Promise<void>;
  /** The API process (serve). */
  apiPid(): number;
  /** Rows in one of Nudge's tables (read from outside the engine). */
  countRows(table: string): Promise<number>;
}

export interface NudgeEngineOptions {
  /** The flow to create and activate; default: a webhook 24 h before each appointment. */
  flow?: Record<string, unknown>;
  /** Extra node flags for the worker processes (e.g. `--cpu-prof`). */
  nodeFlags?: string[];
  /** Run an API-only process and workers on PostgreSQL (default) or API+worker in one. */
  separateApi?: boolean;
}

export function createNudgeEngine(name: 'nudge-sqlite' | 'nudge-pg', config: EngineConfig, options: NudgeEngineOptions = {}): NudgeEngine {
  const sqlite = name === 'nudge-sqlite';
  const env: Record<string, string> = {
    NUDGE_HOST: '127.0.0.1',
    PORT: '0',
    NUDGE_LOG_LEVEL: 'info',
    NUDGE_WORKER_CONCURRENCY: config.tuning.concurrency ?? '128',
    NUDGE_WORKER_BATCH: config.tuning.batch ?? '100',
    NUDGE_LEASE_MS: config.tuning.lease ?? '30000',
    NUDGE_MAX_IDLE_MS: config.tuning.maxIdle ?? '30000',
    // The receiver is on loopback, which the outbound guard refuses unless allowed.
    NUDGE_OUTBOUND_ALLOW: '127.0.0.1',
  };
  const separateApi = !sqlite && (options.separateApi ?? true);
  const workers = sqlite ? 1 : config.workers;
  const settings = {
    database: sqlite ? 'sqlite (WAL, synchronous=NORMAL)' : 'postgres',
    processes: sqlite ? '1 (serve: API + worker)' : separateApi ? `serve (API only) + ${workers} worker` : `serve + ${workers - 1} worker`,
    concurrency: Number(env.NUDGE_WORKER_CONCURRENCY),
    batch: Number(env.NUDGE_WORKER_BATCH),
    leaseMs: Number(env.NUDGE_LEASE_MS),
    maxIdleMs: Number(env.NUDGE_MAX_IDLE_MS),
  };
  let dir: string | null = null;
  let api: Child | null = null;
  let workerChildren: Child[] = [];
  let admin: PgAdmin | null = null;
  const client = createClient(8);
  const state = { url: '', key: '' };
  let counter = 0;

  async function postEvents(events: Array<Record<string, unknown>>): Promise<void> {
    const single = events.length === 1;
    const res = await client.post<{ data: unknown; error?: unknown }>(
      `${state.url}/v1/events${single ? '' : '/batch'}`,
      single ? events[0] : { events },
      { authorization: `Bearer ${state.key}` },
    );
    if (res.status !== 202 && res.status !== 200) throw new Error(`POST events: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 500)}`);
    const results = (single ? [res.body.data] : res.body.data) as Array<{ applied: boolean; duplicate: boolean }>;
    const refused = results.filter((r) => !r.applied || r.duplicate).length;
    if (refused > 0) throw new Error(`${refused} of ${events.length} events were not applied (out of order or duplicate)`);
  }

  const occurredAt = () => new Date().toISOString();

  const engine: NudgeEngine = {
    name: name as EngineName,
    settings,
    api: state,
    postEvents,
    apiPid: () => api?.pid ?? -1,

    async start() {
      const nodeFlags = options.nodeFlags ?? [];
      const fromSource = nodeFlags.some((f) => f.startsWith('--cpu-prof'));
      if (sqlite) {
        dir = mkdtempSync(join(tmpdir(), 'nudge-bench-'));
        env.DATABASE_URL = `sqlite:${join(dir, 'nudge.db')}`;
      } else {
        admin = await createPgAdmin(config.pgUrl);
        await admin.dropSchema(NUDGE_SCHEMA);
        env.DATABASE_URL = config.pgUrl;
        env.NUDGE_DB_SCHEMA = NUDGE_SCHEMA;
      }
      api = await startChild('nudge', {
        name: 'nudge serve',
        args: ['serve'],
        env: { ...env, NUDGE_RUN_WORKER: separateApi ? '0' : '1' },
        nodeFlags: separateApi ? [] : nodeFlags,
        fromSource,
      });
      const [, url] = await api.waitFor(/Nudge listening on (http:\/\/[^"\s]+)/);
      const [, key] = await api.waitFor(/NUDGE_API_KEY=(nk_[A-Za-z0-9_-]+)/);
      state.url = url!;
      state.key = key!;
      const extra = separateApi ? workers : workers - 1;
      workerChildren = await Promise.all(
        Array.from({ length: Math.max(0, extra) }, async (_, k) => {
          const w = await startChild('nudge', { name: `nudge worker ${k + 1}`, args: ['worker'], env, nodeFlags, fromSource });
          await w.waitFor(/"msg":"worker started"/);
          return w;
        }),
      );
      const flow = options.flow ?? reminderFlow(config.receiverUrl);
      const res = await client.post(`${state.url}/v1/flows?activate=true`, flow, { authorization: `Bearer ${state.key}` });
      if (res.status !== 201) throw new Error(`creating the flow: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    },

    async schedule(items: ReminderSpec[]) {
      await postEvents(items.map((it) => appointmentEvent('appointment.created', it.i, it.start, `cr-${it.i}`)));
    },

    async reschedule(items: ReminderSpec[]) {
      const at = occurredAt();
      await postEvents(
        items.map((it) => ({ ...appointmentEvent('appointment.rescheduled', it.i, it.start, `mv-${it.i}-${++counter}`), occurred_at: at })),
      );
    },

    async cancel(items: ReminderSpec[]) {
      const at = occurredAt();
      await postEvents(items.map((it) => ({ ...appointmentEvent('appointment.canceled', it.i, it.start, `cx-${it.i}`), occurred_at: at })));
    },

    workerPids: () => (separateApi ? workerChildren.map((w) => w.pid) : [api?.pid ?? -1, ...workerChildren.map((w) => w.pid)]),
    allPids: () => [api?.pid ?? -1, ...workerChildren.map((w) => w.pid)],

    async storageBytes() {
      if (!sqlite) return admin!.schemaBytes(NUDGE_SCHEMA);
      const file = env.DATABASE_URL!.slice('sqlite:'.length);
      const size = (f: string) => {
        try {
          return statSync(f).size;
        } catch {
          return 0;
        }
      };
      const detail: Record<string, number> = { 'nudge.db': size(file), 'nudge.db-wal': size(`${file}-wal`) };
      try {
        const { default: Database } = await import('better-sqlite3');
        const db = new Database(file, { readonly: true });
        try {
          const rows = db.prepare('select name, sum(pgsize) as bytes from dbstat group by name').all() as Array<{ name: string; bytes: number }>;
          for (const r of rows) detail[`sqlite:${r.name}`] = r.bytes;
        } finally {
          db.close();
        }
      } catch {
        /* dbstat not compiled in: totals only */
      }
      return { bytes: detail['nudge.db']! + detail['nudge.db-wal']!, detail };
    },

    async countRows(table) {
      if (!sqlite) {
        const rows = await admin!.query<{ n: string }>(`select count(*) as n from "${NUDGE_SCHEMA}"."${table}"`);
        return Number(rows[0]?.n ?? 0);
      }
      const { default: Database } = await import('better-sqlite3');
      const db = new Database(env.DATABASE_URL!.slice('sqlite:'.length), { readonly: true });
      try {
        return (db.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n;
      } finally {
        db.close();
      }
    },

    async operations() {
      return sqlite ? Number.NaN : admin!.transactions();
    },

    async stop() {
      await Promise.all(workerChildren.map((w) => w.stop()));
      await api?.stop();
      workerChildren = [];
      api = null;
      client.close();
      await admin?.close();
      admin = null;
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = null;
    },
  };
  return engine;
}
