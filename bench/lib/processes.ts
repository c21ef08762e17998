/**
 * Child processes for the bench: spawn one from a bundled entry, wait until it says it is ready,
 * read its memory and CPU time from /proc, and stop it. Every process started here is tracked and
 * killed (by its own pid) when the driver exits, so no server outlives a run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { entryFile, type Entry } from './build.js';
import { ROOT_DIR } from './report.js';

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** The last ~64 kB of its stdout and stderr. */
  output(): string;
  /** Resolves with the first match of `pattern` in its output (rejects if it exits first or after `timeoutMs`). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

const live = new Set<Child>();

function killAll(): void {
  for (const c of live) {
    try {
      c.proc.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

export interface StartOptions {
  name: string;
  args?: string[];
  env?: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  ipc?: boolean;
  /**
   * Run Nudge from source through tsx instead of the bundle: slower to start and ~47 MB heavier,
   * but CPU profiles then name src/ files and functions.
   */
  fromSource?: boolean;
}

export async function startChild(entry: Entry, options: StartOptions): Promise<Child> {
  const file = options.fromSource && entry === 'nudge' ? 'src/cli/main.ts' : await entryFile(entry);
  const loader = options.fromSource && entry === 'nudge' ? ['--import', 'tsx'] : [];
  const proc = spawn(process.execPath, [...loader, ...(options.nodeFlags ?? []), file, ...(options.args ?? [])], {
    cwd: ROOT_DIR,
    env: { ...process.env, ...options.env },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: Array<() => void> = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    if (out.length > 65_536) out = out.slice(-32_768);
    for (const w of waiters.slice()) w();
  };
  proc.stdout!.on('data', onData);
  proc.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const child: Child = {
    name: options.name,
    proc,
    pid: proc.pid!,
    output: () => out,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(() => {
          done();
          reject(new Error(`${options.name} did not print ${pattern} within ${timeoutMs} ms:\n${out.slice(-4000)}`));
        }, timeoutMs);
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            done();
            resolve(m);
          }
        };
        const onExit = () => {
          done();
          reject(new Error(`${options.name} exited (${proc.exitCode ?? proc.signalCode}) before printing ${pattern}:\n${out.slice(-4000)}`));
        };
        const done = () => {
          clearTimeout(deadline);
          const i = waiters.indexOf(check);
          if (i >= 0) waiters.splice(i, 1);
          proc.off('exit', onExit);
        };
        waiters.push(check);
        proc.once('exit', onExit);
        check();
      });
    },
    async stop(signal = 'SIGTERM', graceMs = 15_000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill(signal);
        const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      live.delete(child);
    },
  };
  live.add(child);
  void exited.then(() => live.delete(child));
  return child;
}

/** Resident memory of a process in bytes (VmRSS), or NaN when it is gone. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** User + system CPU time of a process in ms (clock ticks are 10 ms on Linux). */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return Number.NaN;
  }
}

/** Samples the RSS of some processes every `everyMs`; `stop()` returns each one's peak. */
export function sampleRss(pids: () => number[], everyMs = 250): { stop(): Map<number, number> } {
  const peaks = new Map<number, number>();
  const take = () => {
    for (const pid of pids()) {
      const rss = rssBytes(pid);
      if (Number.isFinite(rss)) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, rss));
    }
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peaks;
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** CPU ms used so far by each process (by pid) whose command name is one of `names` (e.g. postgres). */
export function cpuMsByName(names: string[]): Map<number, number> {
  const byPid = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      if (names.includes(comm)) byPid.set(Number(entry), cpuMs(Number(entry)));
    } catch {
      /* exited meanwhile */
    }
  }
  return byPid;
}

/**
 * CPU ms the processes of `names` used since `before` (a cpuMsByName snapshot): per pid, so that
 * a backend that exits in between (its CPU leaves the sum) cannot make the figure negative; a
 * process that started in between counts from zero. A process that exited is not counted.
 */
export function cpuMsSince(before: Map<number, number>, names: string[]): number {
  let total = 0;
  for (const [pid, ms] of cpuMsByName(names)) total += ms - (before.get(pid) ?? 0);
  return total;
}

function cpuTimes(): { idle: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  return { idle, total: v.reduce((a, b) => a + b, 0) };
}

/** Share of the machine's CPU busy over the next `ms` (0..1). */
export async function busyShare(ms = 1000): Promise<number> {
  const a = cpuTimes();
  await sleep(ms);
  const b = cpuTimes();
  const total = b.total - a.total;
  return total > 0 ? 1 - (b.idle - a.idle) / total : 0;
}

/**
 * Waits until the machine is quiet (less than `threshold` of its CPU busy for three seconds in a
 * row) so that a run does not measure somebody else's work; gives up after `maxWaitS`. Returns the
 * busy share seen last. BENCH_QUIET=0 skips the wait.
 */
export async function waitForQuiet(log: (m: string) => void, threshold = 0.25, maxWaitS = 300): Promise<number> {
  if (process.env.BENCH_QUIET === '0' || maxWaitS <= 0) return Number.NaN;
  const deadline = Date.now() + maxWaitS * 1000;
  let quiet = 0;
  let busy = 1;
  let told = false;
  while (quiet < 3 && Date.now() < deadline) {
    busy = await busyShare(1000);
    quiet = busy < threshold ? quiet + 1 : 0;
    if (quiet === 0 && !told) {
      log(`waiting for the machine to be quiet (${Math.round(busy * 100)}% busy)`);
      told = true;
    }
  }
  if (quiet < 3) log(`machine still ${Math.round(busy * 100)}% busy after ${maxWaitS} s; measuring anyway`);
  return busy;
}
