/**
 * Footprint: with many reminders pending (due in 1–30 days), the worker's memory, the storage
 * each pending reminder costs, and what an idle engine costs when nothing is due: statements
 * per second (PostgreSQL transactions from pg_stat_database, Redis commands from INFO) and CPU.
 *
 *   npm run bench:footprint                       # 20k pending, 30 s idle
 *   npm run bench:footprint -- --mode full        # 1M pending
 *   npm run bench:footprint -- --pending 1000000 --idle 60 --engines nudge-pg,graphile
 */
import { commandLine, parseCommon, sized } from './lib/cli.js';
import { ENGINE_NAMES, type EngineName, type ReminderSpec } from './lib/engine.js';
import { buildEngine } from './lib/engines.js';
import type { NudgeEngine } from './lib/nudge-engine.js';
import { REMINDER_OFFSET_MS } from './lib/payload.js';
import { cpuMs, cpuMsByName, cpuMsSince, rssBytes, sampleRss, sleep, waitForQuiet } from './lib/processes.js';
import { startReceiver } from './lib/receiver.js';
import { log, table, writeResult } from './lib/report.js';
import { fmt, fmtBytes, median, ratio } from './lib/stats.js';
import { createPgAdmin } from './lib/pg-admin.js';
import { enqueueAll, scattered } from './lib/timer-run.js';

const args = parseCommon(
  'Footprint: memory, storage per pending reminder and idle cost.\n  --pending N  --idle SECONDS  --settle SECONDS',
  { pending: { type: 'string' }, idle: { type: 'string' }, settle: { type: 'string' } },
  { engines: ENGINE_NAMES, runs: { smoke: 1, default: 3, full: 1 } },
);
const pending = sized(args.values, 'pending', args.mode, { smoke: 1000, default: 20_000, full: 1_000_000 });
const idleS = sized(args.values, 'idle', args.mode, { smoke: 1, default: 30, full: 60 });
const DAY = 86_400_000;

interface FootprintResult {
  engine: EngineName;
  settings: Record<string, unknown>;
  pending: number;
  preloadPerS: number;
  workerRss: number;
  workerRssPeak: number;
  apiRss: number | null;
  storageBytes: number;
  storageDetail: Record<string, number>;
  bytesPerReminder: number;
  idleOpsPerS: number;
  idleWorkerCpuMsPerS: number;
  idleDbCpuMsPerS: number;
  delivered: number;
  busyBefore: number;
}

/**
 * A PostgreSQL backend reports its transactions to pg_stat_database when it goes idle, up to 10 s
 * after its last one: with a 3 s settle, an engine whose preload had just ended was charged in
 * the idle window for preload transactions (Nudge: 1.0–1.4 idle statements/s measured, while
 * log_statement showed it sending 3 statements in those 30 s). The smoke measures nothing, so it
 * settles 1 s.
 */
const SETTLE_MS = sized(args.values, 'settle', args.mode, { smoke: 1, default: 12, full: 12 }) * 1000;

async function vacuumBenchDatabase(): Promise<void> {
  const admin = await createPgAdmin(args.pgUrl);
  try {
    await admin.query('vacuum (analyze)');
  } finally {
    await admin.close();
  }
}

async function runFootprint(name: EngineName): Promise<FootprintResult> {
  const busyBefore = await waitForQuiet(log, 0.25, args.mode === 'smoke' ? 0 : 300);
  const receiver = await startReceiver(pending);
  const engine = await buildEngine(name, { receiverUrl: receiver.url, workers: args.workers, pgUrl: args.pgUrl, redisUrl: args.redisUrl, set: args.set });
  try {
    await engine.start();
    const peak = sampleRss(() => engine.workerPids());
    const t0 = Date.now();
    let seed = 7;
    const specs: ReminderSpec[] = scattered(pending).map((i) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return { i, start: t0 + DAY + Math.floor((seed / 2147483648) * 29 * DAY) + REMINDER_OFFSET_MS };
    });
    log(`${name}: preloading ${pending} pending reminders`);
    await enqueueAll(engine, specs, 1000, 2);
    const preloadS = (Date.now() - t0) / 1000;
    log(`${name}: preloaded in ${preloadS.toFixed(1)} s; vacuuming, settling ${SETTLE_MS / 1000} s, then ${idleS} s idle`);
    // Autovacuum's transactions count in pg_stat_database like the engine's own, and it comes to
    // tables that just grew: vacuum and analyze now, for every engine alike.
    await vacuumBenchDatabase();
    await sleep(SETTLE_MS);

    const pids = engine.workerPids();
    const ops0 = await engine.operations();
    const cpu0 = pids.reduce((s, p) => s + cpuMs(p), 0);
    const db0 = cpuMsByName(['postgres', 'redis-server']);
    const rssSamples: number[] = [];
    const idleEnd = Date.now() + idleS * 1000;
    while (Date.now() < idleEnd) {
      rssSamples.push(pids.reduce((s, p) => s + rssBytes(p), 0) / Math.max(1, pids.length));
      await sleep(500);
    }
    const ops1 = await engine.operations();
    const cpu1 = pids.reduce((s, p) => s + cpuMs(p), 0);
    const dbCpu = cpuMsSince(db0, ['postgres', 'redis-server']);
    const storage = await engine.storageBytes();
    const peaks = peak.stop();
    const counts = await receiver.counts();
    const nudge = name.startsWith('nudge') ? (engine as NudgeEngine) : null;
    const apiPid = nudge?.apiPid();
    return {
      engine: name,
      settings: engine.settings,
      pending,
      preloadPerS: pending / preloadS,
      workerRss: median(rssSamples),
      workerRssPeak: [...peaks.values()].reduce((a, b) => Math.max(a, b), 0),
      apiRss: apiPid !== undefined && !pids.includes(apiPid) ? rssBytes(apiPid) : null,
      storageBytes: storage.bytes,
      storageDetail: storage.detail,
      bytesPerReminder: storage.bytes / pending,
      idleOpsPerS: (ops1 - ops0) / idleS,
      idleWorkerCpuMsPerS: (cpu1 - cpu0) / idleS,
      idleDbCpuMsPerS: dbCpu / idleS,
      delivered: counts.total,
      busyBefore,
    };
  } finally {
    await engine.stop().catch((e: unknown) => log(`${name}: stop failed: ${String(e)}`));
    await receiver.close();
  }
}

const results: FootprintResult[] = [];
for (let run = 1; run <= args.runs; run++) {
  for (const engine of args.engines) {
    log(`run ${run}/${args.runs}: ${engine}`);
    results.push(await runFootprint(engine));
    writeResult('footprint', { partial: true, command: commandLine('bench/footprint.ts'), runs: results });
  }
}
const engines = [...new Set(results.map((r) => r.engine))];
const med = (e: EngineName, f: (r: FootprintResult) => number) => median(results.filter((r) => r.engine === e).map(f));
const ref: EngineName = engines.includes('nudge-pg') ? 'nudge-pg' : 'nudge-sqlite';
const rows = engines.map((e) => [
  e,
  fmtBytes(med(e, (r) => r.workerRss)),
  fmtBytes(med(e, (r) => r.workerRssPeak)),
  fmtBytes(med(e, (r) => r.apiRss ?? Number.NaN)),
  fmtBytes(med(e, (r) => r.storageBytes)),
  fmt(med(e, (r) => r.bytesPerReminder), 0),
  fmt(med(e, (r) => r.idleOpsPerS), 2),
  fmt(med(e, (r) => r.idleWorkerCpuMsPerS), 1),
  fmt(med(e, (r) => r.idleDbCpuMsPerS), 1),
  fmt(med(e, (r) => r.preloadPerS), 0),
  e === ref ? '' : ratio(med(e, (r) => r.bytesPerReminder), med(ref, (r) => r.bytesPerReminder)),
  e === ref ? '' : ratio(med(e, (r) => r.idleOpsPerS), med(ref, (r) => r.idleOpsPerS)),
]);
const file = writeResult('footprint', { command: commandLine('bench/footprint.ts'), pending, idleS, workers: args.workers, runs: results });
process.stdout.write(`\nFootprint: ${pending} reminders pending (due in 1–30 days), ${idleS} s idle, medians of ${args.runs} run(s)\n\n`);
process.stdout.write(
  `${table(
    ['engine', 'worker RSS', 'worker RSS peak', 'API RSS', 'storage', 'bytes / reminder', 'idle statements /s', 'idle worker CPU ms/s', 'idle DB CPU ms/s', 'preload /s', `bytes ÷ ${ref}`, `idle stmts ÷ ${ref}`],
    rows,
  )}\n\nStatements: PostgreSQL transactions in the bench database (pg_stat_database), Redis commands (INFO); "–" on SQLite (in-process).\nresults: ${file}\n`,
);
