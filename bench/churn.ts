/**
 * Churn: many pending reminders (due in 1–30 days) while appointments are rescheduled and
 * canceled at a steady rate, and a measured set of reminders comes due. A share of the moves and
 * cancels hits the measured set (moved to a new time inside the window, at least 2 s ahead, or
 * canceled), the rest hits the far backlog. At the end every reminder is checked: no canceled
 * one arrived, every moved one arrived once carrying its new time, none of the backlog arrived,
 * and lateness is measured against each reminder's final due time. A move or cancel is picked at
 * least 2 s before the reminder is due, but an engine may acknowledge it later than that; a
 * reminder whose move or cancel was acknowledged only after it was due is "raced" (what fired was
 * the right thing to fire when it fired), counted apart and left out of the checks.
 *
 *   npm run bench:churn                          # 20k pending, 2k due over 20 s, 500 moves/s, 100 cancels/s
 *   npm run bench:churn -- --mode full           # 1M pending, 50k due over 100 s
 *   npm run bench:churn -- --engines nudge-sqlite,graphile --pending 200000
 */
import { commandLine, parseCommon, sized } from './lib/cli.js';
import type { Engine, EngineName, ReminderSpec } from './lib/engine.js';
import { buildEngine } from './lib/engines.js';
import { REMINDER_OFFSET_MS } from './lib/payload.js';
import { cpuMs, sampleRss, sleep, waitForQuiet } from './lib/processes.js';
import { startReceiver } from './lib/receiver.js';
import { log, table, writeResult } from './lib/report.js';
import { distribution, fmt, fmtBytes, fmtMs, median, ratio, type Distribution } from './lib/stats.js';
import { checkDeliveries, enqueueAll, scattered } from './lib/timer-run.js';

const args = parseCommon(
  'Churn: reschedules and cancels while reminders come due.\n' +
    '  --pending N  --n N (measured, due in the window)  --window SECONDS  --moves PER_S  --cancels PER_S  --near FRACTION  --lead SECONDS',
  {
    pending: { type: 'string' },
    n: { type: 'string' },
    window: { type: 'string' },
    moves: { type: 'string' },
    cancels: { type: 'string' },
    near: { type: 'string' },
    lead: { type: 'string' },
  },
  { engines: ['nudge-sqlite', 'nudge-pg', 'graphile', 'pgboss', 'bullmq', 'bullmq-pg'], runs: { smoke: 1, default: 3, full: 1 } },
);
const pending = sized(args.values, 'pending', args.mode, { smoke: 1000, default: 20_000, full: 1_000_000 });
const n = sized(args.values, 'n', args.mode, { smoke: 200, default: 2000, full: 50_000 });
const windowS = sized(args.values, 'window', args.mode, { smoke: 2, default: 20, full: 100 });
const movesPerS = sized(args.values, 'moves', args.mode, { smoke: 50, default: 500, full: 500 });
const cancelsPerS = sized(args.values, 'cancels', args.mode, { smoke: 10, default: 100, full: 100 });
const near = args.values.near !== undefined ? Number(args.values.near) : 0.2;
const DAY = 86_400_000;
/** A measured reminder is only moved or canceled while it is at least this far from firing. */
const MARGIN_MS = 2000;

interface ChurnResult {
  engine: EngineName;
  settings: Record<string, unknown>;
  preload: { seconds: number; perS: number };
  moves: { done: number; near: number; perS: number; batchP50: number; batchP99: number };
  cancels: { done: number; near: number; perS: number };
  delivered: number;
  duplicates: number;
  misses: number;
  canceledFired: number;
  backlogFired: number;
  movedDelivered: number;
  movedOnTime: number;
  movedReminders: number;
  wrongPayload: number;
  firedEarly: number;
  lateness: Distribution;
  workerRssPeak: number;
  workerCpuMsPerS: number;
  slackMs: number;
  busyBefore: number;
  refused: number;
  /** Measured reminders whose move or cancel was acknowledged after they were due (left out of the checks). */
  raced: number;
}

/** Deterministic pseudo-random numbers, so every engine gets the same churn. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function runChurn(name: EngineName): Promise<ChurnResult> {
  const busyBefore = await waitForQuiet(log, 0.25, args.mode === 'smoke' ? 0 : 300);
  const total = n + pending;
  const receiver = await startReceiver(total);
  const engine: Engine = await buildEngine(name, {
    receiverUrl: receiver.url,
    workers: args.workers,
    pgUrl: args.pgUrl,
    redisUrl: args.redisUrl,
    set: args.set,
  });
  const random = rng(42);
  try {
    await engine.start();
    // The backlog: reminders 1–30 days out, enqueued first (no deadline).
    const t0 = Date.now();
    const start = new Float64Array(total);
    const backlog: ReminderSpec[] = scattered(pending).map((k) => {
      const i = n + k;
      start[i] = t0 + DAY + Math.floor(random() * 29 * DAY) + REMINDER_OFFSET_MS;
      return { i, start: start[i]! };
    });
    log(`${name}: preloading ${pending} pending reminders`);
    await enqueueAll(engine, backlog, 1000, 2);
    const preloadS = (Date.now() - t0) / 1000;
    log(`${name}: preloaded in ${preloadS.toFixed(1)} s (${fmt(pending / preloadS, 0)}/s)`);

    // The measured set, due across the window after a lead.
    const lead = args.values.lead !== undefined ? Number(args.values.lead) : 3 + (n / Math.max(200, pending / preloadS)) * 1.5;
    const base = Date.now() + Math.round(lead * 1000);
    const windowMs = windowS * 1000;
    const measured: ReminderSpec[] = scattered(n).map((i) => {
      start[i] = base + Math.floor((i * windowMs) / Math.max(1, n - 1)) + REMINDER_OFFSET_MS;
      return { i, start: start[i]! };
    });
    await enqueueAll(engine, measured, 1000, 2);
    const slackMs = base - Date.now();
    if (slackMs < 0) log(`${name}: WARNING the measured set was enqueued ${-slackMs} ms after its first due time`);

    const moved = new Uint8Array(total);
    const canceled = new Uint8Array(total);
    /**
     * Measured reminders whose move or cancel the engine acknowledged only after the reminder was
     * due (at its old time or its new one): whatever fired then is a race the client lost, not a
     * wrong send, so they are counted apart and left out of the checks.
     */
    const raced = new Uint8Array(total);
    const pids = engine.workerPids();
    const cpu0 = pids.reduce((s, p) => s + cpuMs(p), 0);
    const rss = sampleRss(() => engine.workerPids());
    const churnStart = Date.now();
    const churnEnd = base + windowMs;
    // Pacing counts what was owed (rate × time); the sent counts are what actually went out.
    let movesDone = 0;
    let movesSent = 0;
    let movesNear = 0;
    let cancelsDone = 0;
    let cancelsSent = 0;
    let cancelsNear = 0;
    const batchMs: number[] = [];
    /** Moves and cancels the engine refused (e.g. BullMQ's changeDelay on a job no longer delayed). */
    let refused = 0;

    const pickNear = (now: number): number => {
      for (let tries = 0; tries < 20; tries++) {
        const i = Math.floor(random() * n);
        if (!canceled[i] && start[i]! - REMINDER_OFFSET_MS > now + MARGIN_MS) return i;
      }
      return -1;
    };
    const pickFar = (): number => {
      for (let tries = 0; tries < 20; tries++) {
        const i = n + Math.floor(random() * pending);
        if (!canceled[i]) return i;
      }
      return -1;
    };

    log(`${name}: churning (${movesPerS} moves/s, ${cancelsPerS} cancels/s, ${Math.round(near * 100)}% on the measured set) until the window ends`);
    while (Date.now() < churnEnd) {
      const now = Date.now();
      const elapsed = (now - churnStart) / 1000;
      const owedMoves = Math.floor(elapsed * movesPerS) - movesDone;
      const owedCancels = Math.floor(elapsed * cancelsPerS) - cancelsDone;
      if (owedMoves <= 0 && owedCancels <= 0) {
        await sleep(20);
        continue;
      }
      const moves: ReminderSpec[] = [];
      const cancels: ReminderSpec[] = [];
      const touched = new Set<number>();
      /** A reminder not yet touched in this batch: from the measured set (`near`) or the backlog; null if none. */
      const pick = (): { i: number; isNear: boolean } | null => {
        let i = random() < near ? pickNear(now) : -1;
        const isNear = i >= 0;
        if (i < 0) i = pickFar();
        if (i < 0 || touched.has(i)) return null;
        touched.add(i);
        return { i, isNear };
      };
      /** Per measured reminder touched in this batch, the earliest time it is due (old or new). */
      const dueBefore = new Map<number, number>();
      for (let k = 0; k < Math.min(owedMoves, 1000); k++) {
        const picked = pick();
        if (!picked) continue;
        const { i, isNear } = picked;
        if (isNear) dueBefore.set(i, start[i]! - REMINDER_OFFSET_MS);
        const due = isNear
          ? Math.max(now + MARGIN_MS, base) + Math.floor(random() * Math.max(1, churnEnd - Math.max(now + MARGIN_MS, base)))
          : now + DAY + Math.floor(random() * 29 * DAY);
        start[i] = due + REMINDER_OFFSET_MS;
        if (isNear) dueBefore.set(i, Math.min(dueBefore.get(i)!, due));
        moved[i] = 1;
        moves.push({ i, start: start[i]! });
        if (isNear) movesNear++;
      }
      for (let k = 0; k < Math.min(owedCancels, 1000); k++) {
        const picked = pick();
        if (!picked) continue;
        const { i, isNear } = picked;
        if (isNear) dueBefore.set(i, start[i]! - REMINDER_OFFSET_MS);
        canceled[i] = 1;
        cancels.push({ i, start: start[i]! });
        if (isNear) cancelsNear++;
      }
      const t = Date.now();
      const [movesRefused, cancelsRefused] = await Promise.all([moves.length ? engine.reschedule(moves) : 0, cancels.length ? engine.cancel(cancels) : 0]);
      refused += (movesRefused || 0) + (cancelsRefused || 0);
      const acked = Date.now();
      for (const [i, due] of dueBefore) if (acked >= due) raced[i] = 1;
      batchMs.push(acked - t);
      movesSent += moves.length;
      cancelsSent += cancels.length;
      movesDone += Math.max(owedMoves, 0);
      cancelsDone += Math.max(owedCancels, 0);
    }
    const churnS = (Date.now() - churnStart) / 1000;

    // Wait for the measured set (minus cancels) to arrive, then a little longer for strays.
    const expected = new Float64Array(total);
    let expectedCount = 0;
    for (let i = 0; i < total; i++) {
      const live = i < n && !canceled[i];
      expected[i] = live ? start[i]! : Number.NaN;
      if (live) expectedCount++;
    }
    await receiver.waitForTotal(expectedCount, Date.now() + 60_000);
    // Duplicates count towards that total: wait at least until every measured reminder was due, plus 2 s.
    await sleep(Math.max(0, churnEnd + 2000 - Date.now()));
    await sleep(1000);
    const peaks = rss.stop();
    const cpu1 = pids.reduce((s, p) => s + cpuMs(p), 0);
    const dump = await receiver.dump();
    const racedCount = raced.reduce((a, b) => a + b, 0);
    // Raced reminders are out of the checks: expected nothing, and whatever arrived is not counted.
    const checked = { ...dump, counts: Float64Array.from(dump.counts, (c, i) => (raced[i] ? 0 : c)) };
    for (let i = 0; i < n; i++) if (raced[i]) expected[i] = Number.NaN;
    const measuredCheck = checkDeliveries(checked, expected, 0, n);
    const backlogCheck = checkDeliveries(dump, expected, n, total);
    /** Distinct measured reminders moved at least once and not canceled (a reminder may be moved several times). */
    let movedReminders = 0;
    let movedDelivered = 0;
    let movedOnTime = 0;
    let firedEarly = 0;
    let canceledFired = 0;
    for (let i = 0; i < n; i++) {
      if (raced[i]) continue;
      if (canceled[i]) {
        if (dump.counts[i]! > 0) canceledFired++;
        continue;
      }
      const due = start[i]! - REMINDER_OFFSET_MS;
      if (dump.counts[i]! > 0 && dump.arrivals[i]! < due - 5) firedEarly++;
      if (!moved[i]) continue;
      movedReminders++;
      if (dump.counts[i] === 1) movedDelivered++;
      if (dump.counts[i] === 1 && dump.starts[i] === start[i] && dump.arrivals[i]! >= due - 5) movedOnTime++;
    }
    return {
      engine: name,
      settings: engine.settings,
      preload: { seconds: preloadS, perS: pending / preloadS },
      moves: { done: movesSent, near: movesNear, perS: movesSent / churnS, batchP50: median(batchMs), batchP99: distribution(batchMs).p99 },
      cancels: { done: cancelsSent, near: cancelsNear, perS: cancelsSent / churnS },
      delivered: measuredCheck.delivered,
      duplicates: measuredCheck.duplicates,
      misses: measuredCheck.misses,
      canceledFired,
      raced: racedCount,
      backlogFired: backlogCheck.forbidden,
      movedDelivered,
      movedOnTime,
      movedReminders,
      wrongPayload: measuredCheck.wrongPayload,
      firedEarly,
      lateness: distribution(measuredCheck.lateness),
      workerRssPeak: [...peaks.values()].reduce((a, b) => Math.max(a, b), 0),
      workerCpuMsPerS: (cpu1 - cpu0) / churnS,
      slackMs,
      busyBefore,
      refused,
    };
  } finally {
    await engine.stop().catch((e: unknown) => log(`${name}: stop failed: ${String(e)}`));
    await receiver.close();
  }
}

const results: ChurnResult[] = [];
for (let run = 1; run <= args.runs; run++) {
  for (const engine of args.engines) {
    log(`run ${run}/${args.runs}: ${engine}`);
    results.push(await runChurn(engine));
    writeResult('churn', { partial: true, command: commandLine('bench/churn.ts'), runs: results });
  }
}

const engines = [...new Set(results.map((r) => r.engine))];
const med = (rs: ChurnResult[], f: (r: ChurnResult) => number) => median(rs.map(f));
const sum = (rs: ChurnResult[], f: (r: ChurnResult) => number) => rs.reduce((s, r) => s + f(r), 0);
const ref = results.filter((r) => r.engine === 'nudge-pg').length ? 'nudge-pg' : 'nudge-sqlite';
const refP99 = med(results.filter((r) => r.engine === ref), (r) => r.lateness.p99);
const rows = engines.map((e) => {
  const rs = results.filter((r) => r.engine === e);
  return [
    e + (rs.every((r) => r.slackMs >= 0) ? '' : ' (lead too short)'),
    fmt(med(rs, (r) => r.preload.perS), 0),
    `${fmt(med(rs, (r) => r.moves.perS), 0)} / ${fmt(med(rs, (r) => r.cancels.perS), 0)}`,
    fmtMs(med(rs, (r) => r.moves.batchP99)),
    `${fmt(med(rs, (r) => r.delivered), 0)}`,
    `${sum(rs, (r) => r.duplicates)}/${sum(rs, (r) => r.misses)}`,
    `${sum(rs, (r) => r.canceledFired)} of ${sum(rs, (r) => r.cancels.near)}`,
    `${sum(rs, (r) => r.movedOnTime)} of ${sum(rs, (r) => r.movedReminders)}`,
    `${sum(rs, (r) => r.wrongPayload)}/${sum(rs, (r) => r.firedEarly)}/${sum(rs, (r) => r.backlogFired)}/${sum(rs, (r) => r.refused)}`,
    `${sum(rs, (r) => r.raced)}`,
    fmtMs(med(rs, (r) => r.lateness.p50)),
    fmtMs(med(rs, (r) => r.lateness.p99)),
    fmtMs(med(rs, (r) => r.lateness.max)),
    fmtBytes(med(rs, (r) => r.workerRssPeak)),
    e === ref ? '' : ratio(med(rs, (r) => r.lateness.p99), refP99),
  ];
});
const file = writeResult('churn', { command: commandLine('bench/churn.ts'), pending, n, windowS, movesPerS, cancelsPerS, near, workers: args.workers, runs: results });
process.stdout.write(
  `\nChurn: ${pending} pending, ${n} due over ${windowS} s, ${movesPerS} moves/s and ${cancelsPerS} cancels/s (${Math.round(near * 100)}% on the measured set), medians of ${args.runs} run(s)\n\n`,
);
process.stdout.write(
  `${table(
    ['engine', 'preload /s', 'moves/s / cancels/s', 'op batch p99', 'delivered', 'dup/miss', 'canceled that fired', 'moved on new time', 'stale/early/backlog/refused', 'raced', 'late p50', 'late p99', 'late max', 'worker RSS', `p99 ÷ ${ref}`],
    rows,
  )}\n\nresults: ${file}\n`,
);
