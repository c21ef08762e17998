/**
 * Nudge's engine in this process, without HTTP between client and server: N bookings ingested
 * through the app (`app.request`, batches of 1000), then the clock jumps 25 hours so that every
 * reminder is due and the worker drains them to the receiver. Prints ingest and drain rates.
 * Made for profiling and before/after comparisons of store changes:
 *
 *   node --cpu-prof --cpu-prof-dir=bench/results/profiles --import tsx bench/engine-drain.ts --db sqlite --n 5000
 *   npm run bench:drain -- --db postgres --n 5000 --runs 3
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { loadConfig } from '../src/config.js';
import { createEngine } from '../src/engine/engine.js';
import { createApp } from '../src/server/app.js';
import { createPostgresStore } from '../src/store/postgres/postgres-store.js';
import { createApiKey, createWorkspace } from '../src/store/repositories/workspaces.js';
import { createSqliteStore } from '../src/store/sqlite/sqlite-store.js';
import type { Store } from '../src/store/store.js';
import { appointmentEvent, reminderFlow } from './lib/payload.js';
import { createPgAdmin, DEFAULT_PG_URL } from './lib/pg-admin.js';
import { cpuMs, cpuMsByName, cpuMsSince, waitForQuiet } from './lib/processes.js';
import { startReceiver } from './lib/receiver.js';
import { log, table, writeResult } from './lib/report.js';
import { fmt, median } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    n: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '128' },
    batch: { type: 'string', default: '100' },
    /** Events per ingest request: 1000 (POST /v1/events/batch), or 1 (POST /v1/events, 16 requests in flight). */
    'ingest-batch': { type: 'string', default: '1000' },
    'pg-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? DEFAULT_PG_URL },
    experiment: { type: 'string', multiple: true, default: [] },
    /** Run without the store's own speed-ups (SQLite statement cache, PostgreSQL prepared statements), for before/after. */
    baseline: { type: 'boolean', default: false },
    /** Write a CPU profile of one phase (ingest or drain) to bench/results/profiles/. */
    profile: { type: 'string' },
  },
});
const experiments = new Set(values.experiment as string[]);

/**
 * `--experiment count-queries` (PostgreSQL): counts every statement Nudge's pg clients send, by
 * kind, by patching pg's Client.prototype.query in Nudge's own copy of pg.
 */
const queryCounts = new Map<string, number>();
/** With count-queries: bytes of SQL text and parameters sent, by the same kinds. */
const queryBytes = new Map<string, number>();
/**
 * `--experiment named-statements` (PostgreSQL): sends Kysely's statements as named prepared
 * statements (parsed and planned once per connection) to measure what that would save.
 */
if (experiments.has('named-statements')) {
  const pgModule = createRequire(new URL('../src/', import.meta.url))('pg') as { Client: { prototype: { query: (...a: unknown[]) => unknown } } };
  const original = pgModule.Client.prototype.query;
  const names = new Map<string, string>();
  pgModule.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const [text, values] = args;
    if (typeof text === 'string' && Array.isArray(values) && /^(select|insert|update|delete) /.test(text) && text.includes('"')) {
      let name = names.get(text);
      if (!name) names.set(text, (name = `k${names.size}`));
      return original.call(this, { name, text, values });
    }
    return original.apply(this, args);
  };
}
if (experiments.has('count-queries')) {
  const pgModule = createRequire(new URL('../src/', import.meta.url))('pg') as { Client: { prototype: { query: (...a: unknown[]) => unknown } } };
  const original = pgModule.Client.prototype.query;
  pgModule.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const config = args[0] as string | { text?: string };
    const text = typeof config === 'string' ? config : (config?.text ?? '');
    const kind = text.trim().replace(/\s+/g, ' ').slice(0, 60);
    queryCounts.set(kind, (queryCounts.get(kind) ?? 0) + 1);
    const values = typeof config === 'string' ? args[1] : (config as { values?: unknown }).values;
    let bytes = Buffer.byteLength(text);
    if (Array.isArray(values)) for (const v of values) bytes += v == null ? 0 : Buffer.byteLength(typeof v === 'string' ? v : JSON.stringify(v));
    queryBytes.set(kind, (queryBytes.get(kind) ?? 0) + bytes);
    return original.apply(this, args);
  };
}
/**
 * Experiments measure proposals for code outside the store without changing it:
 * - zone-cache: memoize luxon's IANAZone.isValidZone (core/appointment-timing.ts calls it on every
 *   zone resolution; luxon builds an Intl.DateTimeFormat each time).
 */
if (experiments.has('zone-cache')) {
  // Nudge's own luxon (the bench folder has another copy, via graphile-worker), both builds.
  type Luxon = typeof import('luxon');
  const rootRequire = createRequire(new URL('../src/', import.meta.url));
  const cjs = rootRequire('luxon') as Luxon;
  const esm = (await import(pathToFileURL(rootRequire.resolve('luxon').replace(/build\/node\/luxon\.js$/, 'build/es6/luxon.mjs')).href)) as Luxon;
  for (const { IANAZone } of [esm, cjs]) {
    const original = IANAZone.isValidZone.bind(IANAZone);
    const known = new Map<string, boolean>();
    IANAZone.isValidZone = (zone: string) => {
      let valid = known.get(zone);
      if (valid === undefined) known.set(zone, (valid = original(zone)));
      return valid;
    };
  }
}
const n = Number(values.n);
const db = values.db === 'postgres' || values.db === 'pg' ? 'postgres' : 'sqlite';
const SCHEMA = 'bench_drain';

/** Profiles `fn` with the inspector when `--profile` names this phase. */
async function phase<T>(name: 'ingest' | 'drain', fn: () => Promise<T>): Promise<T> {
  if (values.profile !== name) return fn();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync('bench/results/profiles', { recursive: true });
    const file = `bench/results/profiles/${name}-${db}-${[...experiments].join('+') || 'base'}-${Date.now()}.cpuprofile`;
    writeFileSync(file, JSON.stringify(profile));
    log(`profile: ${file}`);
    session.disconnect();
  }
}

interface DrainResult {
  ingestPerS: number;
  drainPerS: number;
  engineCpuMsPerReminder: number;
  dbCpuMsPerReminder: number;
  statementsPerReminder: number | null;
}

async function once(): Promise<DrainResult> {
  await waitForQuiet(log, 0.25, 120);
  const dir = mkdtempSync(join(tmpdir(), 'nudge-drain-'));
  let store: Store;
  if (db === 'sqlite') store = await createSqliteStore({ filename: join(dir, 'nudge.db'), statementCache: !values.baseline });
  else {
    const admin = await createPgAdmin(String(values['pg-url']));
    await admin.dropSchema(SCHEMA);
    await admin.close();
    store = await createPostgresStore({ url: String(values['pg-url']), schema: SCHEMA, preparedStatements: !values.baseline });
  }
  await store.migrate();
  const receiver = await startReceiver(n);
  let offset = 0;
  const clock = { now: () => Date.now() + offset };
  const config = loadConfig({
    NUDGE_LOG_LEVEL: 'silent',
    NUDGE_DATA_DIR: dir,
    NUDGE_OUTBOUND_ALLOW: '127.0.0.1',
    NUDGE_WORKER_CONCURRENCY: String(values.concurrency),
    NUDGE_WORKER_BATCH: String(values.batch),
  });
  const engine = await createEngine(config, { store, clock, logger: pino({ level: 'silent' }) });
  try {
    const workspace = await createWorkspace(store.db, { name: 'bench', plan: 'advanced' }, clock.now());
    const { key } = await createApiKey(store.db, workspace.id, 'bench', clock.now());
    const app = createApp(engine.ctx);
    const post = async (path: string, body: unknown) => {
      const res = await app.request(path, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    };
    await post('/v1/flows?activate=true', reminderFlow(receiver.url));
    const t0 = Date.now();
    const startBase = Date.now() + 25 * 3_600_000;
    await phase('ingest', async () => {
      const per = Number(values['ingest-batch']);
      const event = (i: number) => appointmentEvent('appointment.created', i, startBase + ((i * 7919) % 60_000));
      if (per === 1) {
        let next = 0;
        await Promise.all(Array.from({ length: 16 }, async () => {
          while (next < n) await post('/v1/events', event(next++));
        }));
      } else {
        for (let k = 0; k < n; k += per) {
          await post('/v1/events/batch', { events: Array.from({ length: Math.min(per, n - k) }, (_, j) => event(k + j)) });
        }
      }
    });
    const ingestS = (Date.now() - t0) / 1000;
    const logStatements = (phaseName: string, per: string) => {
      const total = [...queryCounts.values()].reduce((a, b) => a + b, 0);
      const bytes = [...queryBytes.values()].reduce((a, b) => a + b, 0);
      log(`${phaseName}: ${total} statements, ${(total / n).toFixed(1)} per ${per}; ${Math.round(bytes / n)} bytes of SQL and parameters per ${per}`);
      for (const [kind, count] of [...queryCounts].sort((a, b) => b[1] - a[1])) {
        log(`  ${(count / n).toFixed(2).padStart(6)}  ${String(Math.round((queryBytes.get(kind) ?? 0) / n)).padStart(6)} B  ${kind}`);
      }
    };
    if (queryCounts.size > 0) logStatements('ingest', 'event');
    queryCounts.clear();
    queryBytes.clear();
    // Every reminder is now due (they fire 24 h before starts 25 h to 25 h 1 min ahead), at most a
    // minute late: well within max_lateness (1 h), past which a late reminder is skipped, not sent.
    offset = 3_600_000 + 61_000;
    const t1 = Date.now();
    const cpu0 = { self: cpuMs(process.pid), db: cpuMsByName(['postgres']), receiver: cpuMs(receiver.child.pid) };
    const c = await phase('drain', async () => {
      await engine.startWorker();
      return receiver.waitForTotal(n, Date.now() + 600_000);
    });
    const drainS = (Date.now() - t1) / 1000;
    const cpu = { self: cpuMs(process.pid) - cpu0.self, db: cpuMsSince(cpu0.db, ['postgres']), receiver: cpuMs(receiver.child.pid) - cpu0.receiver };
    const gs = engine.ctx.commits.stats;
    log(`group commit: ${gs.units} units in ${gs.transactions} transactions (${(gs.units / Math.max(1, gs.transactions)).toFixed(1)} per transaction), ${gs.fallbacks} fallbacks`);
    log(`drain CPU per reminder: engine ${(cpu.self / n).toFixed(2)} ms, postgres ${(cpu.db / n).toFixed(2)} ms, receiver ${(cpu.receiver / n).toFixed(2)} ms`);
    if (c.total < n) log(`only ${c.total} of ${n} delivered`);
    const statements = queryCounts.size > 0 ? [...queryCounts.values()].reduce((a, b) => a + b, 0) : null;
    if (queryCounts.size > 0) logStatements('drain', 'reminder');
    return {
      ingestPerS: n / ingestS,
      drainPerS: c.total / drainS,
      engineCpuMsPerReminder: cpu.self / n,
      dbCpuMsPerReminder: cpu.db / n,
      statementsPerReminder: statements === null ? null : statements / n,
    };
  } finally {
    await engine.close();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results: DrainResult[] = [];
for (let r = 0; r < Number(values.runs); r++) {
  const res = await once();
  log(`${db}: ingest ${fmt(res.ingestPerS, 0)} events/s, drain ${fmt(res.drainPerS, 0)} reminders/s`);
  results.push(res);
}
const file = writeResult('engine-drain', { db, n, baseline: values.baseline, experiments: [...experiments], concurrency: Number(values.concurrency), batch: Number(values.batch), runs: results });
process.stdout.write(
  `\n${table(
    ['db', 'n', 'store speed-ups', 'experiments', 'ingest events/s', 'drain reminders/s', 'engine CPU ms/reminder', 'PostgreSQL CPU ms/reminder'],
    [
      [
        db,
        n,
        values.baseline ? 'off (--baseline)' : 'on',
        [...experiments].join(',') || 'none',
        fmt(median(results.map((r) => r.ingestPerS)), 0),
        fmt(median(results.map((r) => r.drainPerS)), 0),
        fmt(median(results.map((r) => r.engineCpuMsPerReminder)), 2),
        db === 'postgres' ? fmt(median(results.map((r) => r.dbCpuMsPerReminder)), 2) : '–',
      ],
    ],
  )}\n\nIn-process, medians of ${results.length} run(s).\nresults: ${file}\n`,
);
