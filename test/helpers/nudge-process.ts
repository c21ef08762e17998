/**
 * Nudge as a real process (`nudge serve` / `nudge worker`), started from source with tsx, for
 * end-to-end tests: real ports, real signals (SIGTERM, SIGKILL), real restarts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = 'src/cli/main.ts';
/** Test receivers listen on 127.0.0.1, which the SSRF guard refuses unless allowed. */
const LOCAL_RECEIVERS = '127.0.0.1';

export interface NudgeProcess {
  proc: ChildProcess;
  /** `serve`: the API's base URL; `worker`: its probes' base URL (/health, /metrics) when NUDGE_METRICS_PORT is set. */
  url: string | null;
  /** Set when the process created the default workspace. */
  apiKey: string | null;
  /** The one-time link to create the owner account, printed when the process created the default workspace. */
  setupUrl: string | null;
  output(): string;
  /** Parsed JSON log lines. */
  logs(): Array<Record<string, unknown>>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/** The CLI as the docs write it: the repository's `./nudge` script (README, docs/operations.md). */
export const NUDGE_SCRIPT = `${ROOT}nudge`;

/**
 * Runs `./nudge …` to completion. `cwd` defaults to the repository (where the docs run it);
 * `stdin` is piped in and closed (absent: an empty stdin that is not a terminal).
 */
export function nudgeCommand(
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string; stdin?: string } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(NUDGE_SCRIPT, args, {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, NUDGE_LOG_LEVEL: 'warn', NUDGE_OUTBOUND_ALLOW: LOCAL_RECEIVERS, ...env },
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
    proc.stdin.end(options.stdin ?? '');
  });
}

export async function startNudge(command: 'serve' | 'worker', env: Record<string, string>, timeoutMs = 30_000): Promise<NudgeProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, command], {
    cwd: ROOT,
    env: { ...process.env, NUDGE_LOG_LEVEL: 'info', PORT: '0', NUDGE_OUTBOUND_ALLOW: LOCAL_RECEIVERS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const ready = command === 'serve' ? /Nudge listening on (http:\/\/\S+)"/ : /"msg":"worker started"/;
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`nudge ${command} did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const m = out.match(ready);
      if (m) {
        clearTimeout(deadline);
        proc.stdout!.off('data', check);
        resolve(m);
      }
    };
    proc.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(deadline);
      reject(new Error(`nudge ${command} exited with ${code} before it was ready:\n${out}`));
    });
  });
  return {
    proc,
    url: command === 'serve' ? (match[1] ?? null) : (/worker probes on (http:\/\/\S+) /.exec(out)?.[1] ?? null),
    apiKey: /NUDGE_API_KEY=(nk_[A-Za-z0-9_-]+)/.exec(out)?.[1] ?? null,
    setupUrl: /(http:\/\/\S+\/setup\?token=[\w-]+)/.exec(out)?.[1] ?? null,
    output: () => out,
    logs: () =>
      out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => {
          try {
            return JSON.parse(l) as Record<string, unknown>;
          } catch {
            return {};
          }
        }),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
    exited,
  };
}

/** A JSON API call against a running server. */
export async function call<T = any>(url: string, key: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
