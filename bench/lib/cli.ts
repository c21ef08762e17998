/**
 * Flags shared by every scenario. Sizes come from `--mode` (smoke: seconds, for CI; default:
 * minutes; full: the sizes) and can each be overridden by its own flag.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ENGINE_NAMES, type EngineName } from './engine.js';
import { DEFAULT_PG_URL } from './pg-admin.js';

export type Mode = 'smoke' | 'default' | 'full';

export interface CommonArgs {
  mode: Mode;
  engines: EngineName[];
  runs: number;
  workers: number;
  pgUrl: string;
  redisUrl: string;
  set: Record<string, string>;
  cpuProf: boolean;
  values: Record<string, string | boolean | string[] | undefined>;
}

const COMMON: NonNullable<ParseArgsConfig['options']> = {
  mode: { type: 'string', default: 'default' },
  engines: { type: 'string' },
  runs: { type: 'string' },
  workers: { type: 'string' },
  'pg-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? DEFAULT_PG_URL },
  'redis-url': { type: 'string', default: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379' },
  set: { type: 'string', multiple: true, default: [] },
  'cpu-prof': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
};

export function parseCommon(
  usage: string,
  options: NonNullable<ParseArgsConfig['options']>,
  defaults: { engines: readonly EngineName[]; runs: Record<Mode, number>; workers?: number },
): CommonArgs {
  const { values } = parseArgs({ options: { ...COMMON, ...options }, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(`${usage}\n\nCommon flags: --mode smoke|default|full, --engines a,b, --runs N, --workers N,\n` +
      `  --pg-url URL, --redis-url URL, --set engine.key=value (repeatable), --cpu-prof\n` +
      `Engines: ${ENGINE_NAMES.join(', ')}\n`);
    process.exit(0);
  }
  const mode = values.mode as Mode;
  if (!['smoke', 'default', 'full'].includes(mode)) throw new Error(`--mode ${mode}: expected smoke, default or full`);
  const engines = values.engines ? String(values.engines).split(',').map((s) => s.trim()).filter(Boolean) : [...defaults.engines];
  for (const e of engines) if (!(ENGINE_NAMES as readonly string[]).includes(e)) throw new Error(`unknown engine ${e} (${ENGINE_NAMES.join(', ')})`);
  const set: Record<string, string> = {};
  for (const pair of values.set as string[]) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--set ${pair}: expected engine.key=value`);
    set[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return {
    mode,
    engines: engines as EngineName[],
    runs: values.runs ? int(values.runs, 'runs') : defaults.runs[mode],
    workers: values.workers ? int(values.workers, 'workers') : (defaults.workers ?? 1),
    pgUrl: String(values['pg-url']),
    redisUrl: String(values['redis-url']),
    set,
    cpuProf: Boolean(values['cpu-prof']),
    values: values as CommonArgs['values'],
  };
}

export function int(value: unknown, name: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} ${String(value)}: expected a non-negative number`);
  return n;
}

/** `--flag` if given, else the mode's size. */
export function sized(values: CommonArgs['values'], flag: string, mode: Mode, sizes: Record<Mode, number>): number {
  return values[flag] !== undefined ? int(values[flag], flag) : sizes[mode];
}

/** The command line that reproduces this run, for the report. */
export function commandLine(script: string): string {
  return `node --import tsx ${script} ${process.argv.slice(2).join(' ')}`.trim();
}
