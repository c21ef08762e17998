/**
 * Every scenario at its smoke size (seconds each), one after another, so that the harness never
 * rots: exits non-zero only when a scenario itself fails (an exception, an engine that does not
 * start). Speed is not asserted; the tables are printed for a look.
 *
 *   npm run bench:smoke
 *   npm run bench:smoke -- --only timers,burst
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { log, ROOT_DIR } from './lib/report.js';

const SCENARIOS = ['ingest', 'timers', 'burst', 'churn', 'footprint', 'e2e'] as const;
const { values } = parseArgs({ options: { only: { type: 'string' } } });
const chosen = values.only ? values.only.split(',') : [...SCENARIOS];

const failures: string[] = [];
const started = Date.now();
for (const scenario of chosen) {
  log(`smoke: ${scenario}`);
  const t0 = Date.now();
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `bench/${scenario}.ts`, '--mode', 'smoke'], {
      cwd: ROOT_DIR,
      stdio: 'inherit',
      env: { ...process.env, BENCH_QUIET: '0' },
    });
    child.on('exit', (c) => resolve(c));
  });
  log(`smoke: ${scenario} ${code === 0 ? 'ok' : `FAILED (exit ${code})`} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (code !== 0) failures.push(scenario);
}
log(`smoke: ${chosen.length - failures.length}/${chosen.length} scenarios ran in ${((Date.now() - started) / 1000).toFixed(0)} s`);
if (failures.length > 0) {
  process.stderr.write(`smoke failed: ${failures.join(', ')}\n`);
  process.exit(1);
}
