/**
 * Burst: N reminders due at the same instant; how fast each engine drains them.
 *
 *   npm run bench:burst                    # 10k at once, 3 runs, every engine
 *   npm run bench:burst -- --mode full     # 100k at once
 *   npm run bench:burst -- --engines nudge-pg,graphile --workers 2
 */
import { commandLine, parseCommon, sized } from './lib/cli.js';
import { ENGINE_NAMES } from './lib/engine.js';
import { writeResult } from './lib/report.js';
import { runTimerScenario } from './lib/timer-run.js';
import { summarize, timerTable } from './lib/timer-report.js';

const args = parseCommon(
  'Burst: N reminders due at one instant.\n  --n N  --lead SECONDS  --drain-timeout SECONDS',
  { n: { type: 'string' }, lead: { type: 'string' }, 'drain-timeout': { type: 'string' } },
  { engines: ENGINE_NAMES, runs: { smoke: 1, default: 3, full: 3 } },
);
const n = sized(args.values, 'n', args.mode, { smoke: 300, default: 10_000, full: 100_000 });
const leadS = args.values.lead !== undefined ? Number(args.values.lead) : null;
const drainTimeoutS = sized(args.values, 'drain-timeout', args.mode, { smoke: 30, default: 300, full: 900 });

const results = await runTimerScenario('burst', args, { n, windowS: 0, leadS, drainTimeoutS });
const summaries = summarize(results);
const file = writeResult('burst', { command: commandLine('bench/burst.ts'), n, workers: args.workers, summaries, runs: results });
process.stdout.write(`\nBurst: ${n} reminders due at the same instant, ${args.workers} worker process(es), medians of ${args.runs} run(s)\n\n`);
process.stdout.write(`${timerTable(summaries, 'burst')}\n\nresults: ${file}\n`);
