/**
 * Timers: N reminders due across a window, fired and delivered to a local receiver, through Nudge
 * (SQLite and PostgreSQL) and each peer on the same PostgreSQL (BullMQ also on Redis).
 *
 *   npm run bench:timers                              # 10k due over 2 s (5k/s), 3 runs, every engine
 *   npm run bench:timers -- --mode full               # 100k due over 10 s (10k/s)
 *   npm run bench:timers -- --n 1000000 --window 100  # 1M at 10k/s
 *   npm run bench:timers -- --engines nudge-pg,graphile --workers 2 --set nudge.concurrency=64
 */
import { commandLine, parseCommon, sized } from './lib/cli.js';
import { ENGINE_NAMES } from './lib/engine.js';
import { writeResult } from './lib/report.js';
import { runTimerScenario } from './lib/timer-run.js';
import { summarize, timerTable } from './lib/timer-report.js';

const args = parseCommon(
  'Timers: N reminders due across a window.\n  --n N  --window SECONDS  --lead SECONDS  --drain-timeout SECONDS',
  { n: { type: 'string' }, window: { type: 'string' }, lead: { type: 'string' }, 'drain-timeout': { type: 'string' } },
  { engines: ENGINE_NAMES, runs: { smoke: 1, default: 3, full: 3 } },
);
const n = sized(args.values, 'n', args.mode, { smoke: 300, default: 10_000, full: 100_000 });
const windowS = sized(args.values, 'window', args.mode, { smoke: 1, default: 2, full: 10 });
const leadS = args.values.lead !== undefined ? Number(args.values.lead) : null;
const drainTimeoutS = sized(args.values, 'drain-timeout', args.mode, { smoke: 30, default: 120, full: 300 });

const results = await runTimerScenario('timers', args, { n, windowS: windowS, leadS, drainTimeoutS });
const summaries = summarize(results);
const file = writeResult('timers', { command: commandLine('bench/timers.ts'), n, windowS, workers: args.workers, summaries, runs: results });
process.stdout.write(`\nTimers: ${n} reminders due over ${windowS} s (${Math.round(n / Math.max(windowS, 0.001))}/s), ${args.workers} worker process(es), medians of ${args.runs} run(s)\n\n`);
process.stdout.write(`${timerTable(summaries, 'steady')}\n\nresults: ${file}\n`);
