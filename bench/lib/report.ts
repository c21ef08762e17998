/**
 * What every scenario leaves behind: a JSON file in bench/results/ (machine, versions, options,
 * every run's figures) and a table on stdout.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const ROOT_DIR = dirname(BENCH_DIR);
const RESULTS_DIR = join(BENCH_DIR, 'results');

export function versionOf(pkg: string, from: 'bench' | 'root' = 'bench'): string {
  const base = from === 'bench' ? BENCH_DIR : ROOT_DIR;
  try {
    return (JSON.parse(readFileSync(join(base, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function run(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 5000 });
  } catch {
    return '';
  }
}

/**
 * The commit measured, with `+changes` when the work tree differed from it: read when the scenario
 * starts (when it bundles Nudge), not when a result is written, which may be an hour later.
 */
const COMMIT = `${run('git', ['rev-parse', '--short', 'HEAD']).trim() || 'unknown'}${run('git', ['status', '--porcelain', '--untracked-files=no']).trim() ? '+changes' : ''}`;

/** Where the figures came from, recorded with every result. */
export function machine(): Record<string, unknown> {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 1e9),
    node: process.version,
    commit: COMMIT,
    postgres: run('psql', ['-h', '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-Atc', 'show server_version']).trim() || 'unknown',
    redis: /redis_version:([\d.]+)/.exec(run('redis-cli', ['-h', '127.0.0.1', 'info', 'server']))?.[1] ?? 'unknown',
    versions: {
      'better-sqlite3': versionOf('better-sqlite3', 'root'),
      kysely: versionOf('kysely', 'root'),
      hono: versionOf('hono', 'root'),
      'graphile-worker': versionOf('graphile-worker'),
      'pg-boss': versionOf('pg-boss'),
      bullmq: versionOf('bullmq'),
      autocannon: versionOf('autocannon'),
    },
  };
}

const files = new Map<string, string>();

/**
 * Writes `bench/results/<scenario>-<timestamp>.json` (the same file each time within one
 * invocation, so scenarios save after every run and an interrupted one keeps what it measured);
 * returns its path.
 */
export function writeResult(scenario: string, data: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  let file = files.get(scenario);
  if (!file) {
    file = join(RESULTS_DIR, `${scenario}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    files.set(scenario, file);
  }
  writeFileSync(file, `${JSON.stringify({ scenario, at: new Date().toISOString(), machine: machine(), ...data }, null, 2)}\n`);
  return file;
}

/** A Markdown table (also readable in a terminal). */
export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map(String));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(headers), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.map(line)].join('\n');
}

export function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${message}\n`);
}
