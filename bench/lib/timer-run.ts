/**
 * One timer run: N reminders due across a window (or all at one instant), enqueued ahead of time
 * in a shuffled order, fired by the engine and delivered to the receiver. Shared by the timers
 * and burst scenarios.
 */
import type { Engine, EngineName, ReminderSpec } from './engine.js';
import { buildEngine, type BuildOptions } from './engines.js';
import { REMINDER_OFFSET_MS } from './payload.js';
import { cpuMs, cpuMsByName, cpuMsSince, sampleRss, sleep, waitForQuiet } from './processes.js';
import { startReceiver, type ReceiverDump } from './receiver.js';
import { log, writeResult } from './report.js';
import { commandLine, type CommonArgs } from './cli.js';
import { distribution, type Distribution } from './stats.js';

/**
 * Reminders enqueued (due a year out, never fired) to measure an engine's enqueue rate before
 * the real ones, so that the lead before the first due time fits that engine.
 */
const CALIBRATION = 1000;
const YEAR = 365 * 86_400_000;

export interface TimerRunOptions extends Omit<BuildOptions, 'receiverUrl'> {
  engine: EngineName;
  n: number;
  /** Seconds over which due times spread; 0 = all due at the same instant. */
  windowS: number;
  /** Seconds from the start of enqueueing to the first due time; null = estimated. */
  leadS: number | null;
  /** Seconds to wait after the last due time before counting misses. */
  drainTimeoutS: number;
  chunk?: number;
  /** Enqueue requests in flight. */
  parallel?: number;
  /** Longest wait for a quiet machine before the run (0: do not wait). */
  quietWaitS?: number;
}

export interface TimerRunResult {
  engine: EngineName;
  settings: Record<string, unknown>;
  n: number;
  windowS: number;
  offeredPerS: number | null;
  enqueue: { seconds: number; perS: number; slackMs: number; valid: boolean };
  delivered: number;
  duplicates: number;
  misses: number;
  unexpected: number;
  wrongPayload: number;
  lateness: Distribution;
  /** Deliveries per second from the first due time to the last delivery. */
  completionsPerS: number;
  /** Last delivery minus last due time. */
  drainLagMs: number;
  workerRssPeak: number;
  workerCpuMsPerS: number;
  dbCpuMsPerS: number;
  /**
   * CPU ms per delivered reminder, from the first due time to the end of the run: the engine's
   * worker processes, and the database server (every PostgreSQL / Redis process on the machine).
   */
  workerCpuMsPerReminder: number;
  dbCpuMsPerReminder: number;
  /** Share of the machine's CPU busy just before the run (others' work). */
  busyBefore: number;
}

/** Visits 0..n-1 in a scattered order (a stride coprime with n), as bookings arrive. */
export function scattered(n: number): number[] {
  let stride = Math.max(1, Math.floor(n * 0.618));
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  while (gcd(stride, n) !== 1) stride++;
  const out = new Array<number>(n);
  for (let k = 0; k < n; k++) out[k] = (k * stride) % n;
  return out;
}

export async function enqueueAll(engine: Engine, specs: ReminderSpec[], chunk: number, parallel: number): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: parallel }, async () => {
    while (next < specs.length) {
      const from = next;
      next += chunk;
      await engine.schedule(specs.slice(from, from + chunk));
    }
  });
  await Promise.all(lanes);
}

export interface Delivery {
  delivered: number;
  duplicates: number;
  misses: number;
  wrongPayload: number;
  lateness: Float64Array;
  lastArrival: number;
}

/** Compares what arrived with what was due: `expectedStart[i]` NaN means "must not arrive". */
export function checkDeliveries(dump: ReceiverDump, expectedStart: Float64Array, from = 0, to = expectedStart.length): Delivery & { forbidden: number } {
  const lateness: number[] = [];
  let delivered = 0;
  let duplicates = 0;
  let misses = 0;
  let wrongPayload = 0;
  let forbidden = 0;
  let lastArrival = 0;
  for (let i = from; i < to; i++) {
    const count = dump.counts[i]!;
    const start = expectedStart[i]!;
    if (Number.isNaN(start)) {
      if (count > 0) forbidden++;
      continue;
    }
    if (count === 0) {
      misses++;
      continue;
    }
    delivered++;
    duplicates += count - 1;
    if (dump.starts[i] !== start) wrongPayload++;
    lateness.push(dump.arrivals[i]! - (start - REMINDER_OFFSET_MS));
    lastArrival = Math.max(lastArrival, dump.arrivals[i]!);
  }
  return { delivered, duplicates, misses, wrongPayload, forbidden, lateness: Float64Array.from(lateness), lastArrival };
}

export async function runTimers(o: TimerRunOptions): Promise<TimerRunResult> {
  const busyBefore = await waitForQuiet(log, 0.25, o.quietWaitS ?? 300);
  const receiver = await startReceiver(o.n);
  const engine = await buildEngine(o.engine, { ...o, receiverUrl: receiver.url });
  try {
    await engine.start();
    let lead = o.leadS;
    if (lead === null) {
      const c0 = Date.now();
      const probe = Array.from({ length: Math.min(CALIBRATION, o.n) }, (_, k) => ({ i: o.n + k, start: c0 + YEAR + k }));
      await enqueueAll(engine, probe, o.chunk ?? 1000, o.parallel ?? 2);
      const rate = probe.length / Math.max(0.001, (Date.now() - c0) / 1000);
      lead = 2 + (o.n / rate) * 1.3;
    }
    const t0 = Date.now();
    const base = t0 + Math.round(lead * 1000);
    const windowMs = o.windowS * 1000;
    const expectedStart = new Float64Array(o.n);
    const specs: ReminderSpec[] = scattered(o.n).map((i) => {
      const due = base + (o.n > 1 ? Math.floor((i * windowMs) / (o.n - 1)) : 0);
      expectedStart[i] = due + REMINDER_OFFSET_MS;
      return { i, start: due + REMINDER_OFFSET_MS };
    });
    log(`${o.engine}: enqueueing ${o.n} reminders due from +${lead.toFixed(1)} s over ${o.windowS} s`);
    await enqueueAll(engine, specs, o.chunk ?? 1000, o.parallel ?? 2);
    const enqueued = Date.now();
    const slackMs = base - enqueued;
    if (slackMs < 0) log(`${o.engine}: WARNING enqueueing ended ${-slackMs} ms after the first due time; rerun with a larger --lead`);
    else log(`${o.engine}: enqueued in ${((enqueued - t0) / 1000).toFixed(1)} s, ${(slackMs / 1000).toFixed(1)} s before the first due time`);

    const pids = engine.workerPids();
    const cpu0 = pids.reduce((s, p) => s + cpuMs(p), 0);
    const db0 = cpuMsByName(['postgres', 'redis-server']);
    const rss = sampleRss(() => engine.workerPids());
    const w0 = Math.max(Date.now(), base);
    const deadline = base + windowMs + o.drainTimeoutS * 1000;
    const lastDue = base + windowMs;
    // Stop when everything arrived, at the deadline, or when nothing arrived for a minute after
    // the last due time (an engine that lost reminders would otherwise hold the run until the
    // deadline). A minute, because Nudge delivers nothing of a burst until it has started every
    // session: its trigger timers are due before the session timers they create.
    const stallMs = 60_000;
    let lastTotal = -1;
    let lastProgress = Date.now();
    for (;;) {
      const c = await receiver.counts();
      const now = Date.now();
      if (c.total !== lastTotal) {
        lastTotal = c.total;
        lastProgress = now;
      }
      if (c.total >= o.n || now >= deadline) break;
      if (now > lastDue + stallMs && now - lastProgress > stallMs) break;
      await sleep(100);
    }
    const wEnd = Date.now();
    await sleep(500); // late duplicates
    const peaks = rss.stop();
    const cpu1 = pids.reduce((s, p) => s + cpuMs(p), 0);
    const dbCpu = cpuMsSince(db0, ['postgres', 'redis-server']);
    const dump = await receiver.dump();
    const d = checkDeliveries(dump, expectedStart);
    const elapsedS = Math.max(0.001, (wEnd - w0) / 1000);
    return {
      engine: o.engine,
      settings: engine.settings,
      n: o.n,
      windowS: o.windowS,
      offeredPerS: o.windowS > 0 ? o.n / o.windowS : null,
      enqueue: { seconds: (enqueued - t0) / 1000, perS: o.n / Math.max(0.001, (enqueued - t0) / 1000), slackMs, valid: slackMs >= 0 },
      delivered: d.delivered,
      duplicates: d.duplicates,
      misses: d.misses,
      unexpected: dump.unknown + dump.bad,
      wrongPayload: d.wrongPayload,
      lateness: distribution(d.lateness),
      completionsPerS: d.delivered === 0 ? 0 : d.delivered / Math.max(0.001, (d.lastArrival - base) / 1000),
      drainLagMs: d.delivered === 0 ? Number.NaN : d.lastArrival - lastDue,
      workerRssPeak: [...peaks.values()].reduce((a, b) => Math.max(a, b), 0),
      workerCpuMsPerS: (cpu1 - cpu0) / elapsedS,
      dbCpuMsPerS: dbCpu / elapsedS,
      workerCpuMsPerReminder: d.delivered === 0 ? Number.NaN : (cpu1 - cpu0) / d.delivered,
      dbCpuMsPerReminder: d.delivered === 0 ? Number.NaN : dbCpu / d.delivered,
      busyBefore,
    };
  } finally {
    await engine.stop().catch((e: unknown) => log(`${o.engine}: stop failed: ${String(e)}`));
    await receiver.close();
  }
}

/**
 * The run loop shared by the timers and burst scenarios: every engine once per run, interleaved,
 * the results saved after each run (an interrupted invocation keeps what it measured).
 */
export async function runTimerScenario(
  scenario: 'timers' | 'burst',
  args: CommonArgs,
  o: { n: number; windowS: number; leadS: number | null; drainTimeoutS: number },
): Promise<TimerRunResult[]> {
  const results: TimerRunResult[] = [];
  for (let run = 1; run <= args.runs; run++) {
    for (const engine of args.engines) {
      log(`run ${run}/${args.runs}: ${engine}`);
      results.push(
        await runTimers({
          engine,
          ...o,
          workers: args.workers,
          pgUrl: args.pgUrl,
          redisUrl: args.redisUrl,
          set: args.set,
          quietWaitS: args.mode === 'smoke' ? 0 : 300,
          nodeFlags: args.cpuProf ? ['--cpu-prof', '--cpu-prof-dir=bench/results/profiles'] : [],
        }),
      );
      writeResult(scenario, { partial: true, command: commandLine(`bench/${scenario}.ts`), runs: results });
    }
  }
  return results;
}
