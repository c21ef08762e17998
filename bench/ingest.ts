/**
 * Ingest: events per second accepted (202, committed) over HTTP with keep-alive, single
 * (`POST /v1/events`) and batch (`POST /v1/events/batch`), Nudge on SQLite and on PostgreSQL
 * with an appointment-time flow active (every booking writes its trigger timer), against a bare
 * Hono server answering 202 after parsing the body, measured side by side with autocannon.
 *
 *   npm run bench:ingest                                  # 10 s per target, 3 runs
 *   npm run bench:ingest -- --duration 30 --batch-size 1000 --connections 32
 */
import autocannon, { type Result } from 'autocannon';
import { commandLine, int, parseCommon, sized } from './lib/cli.js';
import type { EngineName } from './lib/engine.js';
import { buildEngine } from './lib/engines.js';
import type { NudgeEngine } from './lib/nudge-engine.js';
import { appointmentEvent } from './lib/payload.js';
import { cpuMs, sleep, startChild, waitForQuiet } from './lib/processes.js';
import { log, table, writeResult } from './lib/report.js';
import { fmt, fmtMs, median, ratio } from './lib/stats.js';

type Target = 'bare' | 'nudge-sqlite' | 'nudge-pg';
const args = parseCommon(
  'Ingest: events/s over HTTP against a bare server.\n  --duration SECONDS  --connections N (single)  --batch-connections N  --batch-size N  --targets bare,nudge-sqlite,nudge-pg',
  {
    duration: { type: 'string' },
    connections: { type: 'string', default: '16' },
    'batch-connections': { type: 'string', default: '4' },
    'batch-size': { type: 'string', default: '100' },
    targets: { type: 'string', default: 'bare,nudge-sqlite,nudge-pg' },
  },
  { engines: ['nudge-sqlite', 'nudge-pg'], runs: { smoke: 1, default: 3, full: 3 } },
);
const durationS = sized(args.values, 'duration', args.mode, { smoke: 2, default: 10, full: 30 });
const connections = int(args.values.connections, 'connections');
const batchConnections = int(args.values['batch-connections'], 'batch-connections');
const batchSize = int(args.values['batch-size'], 'batch-size');
const targets = String(args.values.targets).split(',') as Target[];

interface Measure {
  target: Target;
  endpoint: 'single' | 'batch';
  requestsPerS: number;
  eventsPerS: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  serverCpuMsPerS: number;
  stored?: number;
  busyBefore: number;
}

let sequence = 0;
/** Every request books a new appointment 2–9 days ahead (its reminder is due 1–8 days ahead). */
function booking(): Record<string, unknown> {
  const i = ++sequence;
  return appointmentEvent('appointment.created', i, Date.now() + 2 * 86_400_000 + (i % 604_800) * 1000);
}

async function hammer(url: string, endpoint: 'single' | 'batch', headers: Record<string, string>, seconds: number): Promise<Result> {
  const single = endpoint === 'single';
  return autocannon({
    url,
    connections: single ? connections : batchConnections,
    duration: seconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        path: single ? '/v1/events' : '/v1/events/batch',
        headers: { 'content-type': 'application/json', ...headers },
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify(single ? booking() : { events: Array.from({ length: batchSize }, booking) }),
        }),
      },
    ],
  });
}

async function measureTarget(target: Target): Promise<Measure[]> {
  const busyBefore = await waitForQuiet(log, 0.25, args.mode === 'smoke' ? 0 : 300);
  let url: string;
  let headers: Record<string, string> = {};
  let pid: number;
  let stop: () => Promise<void>;
  let count: (() => Promise<number>) | null = null;
  if (target === 'bare') {
    const bare = await startChild('bare-server', { name: 'bare server' });
    [, url] = (await bare.waitFor(/bare listening on (http:\/\/\S+)/)) as unknown as [string, string];
    pid = bare.pid;
    stop = () => bare.stop();
  } else {
    const engine = (await buildEngine(target as EngineName, {
      receiverUrl: 'http://127.0.0.1:9',
      workers: 1,
      pgUrl: args.pgUrl,
      redisUrl: args.redisUrl,
      set: args.set,
      nudge: { separateApi: false },
      nodeFlags: args.cpuProf ? ['--cpu-prof', '--cpu-prof-dir=bench/results/profiles'] : [],
    })) as NudgeEngine;
    await engine.start();
    url = engine.api.url;
    headers = { authorization: `Bearer ${engine.api.key}` };
    pid = engine.apiPid();
    stop = () => engine.stop();
    count = () => engine.countRows('events');
  }
  try {
    const out: Measure[] = [];
    for (const endpoint of ['single', 'batch'] as const) {
      await hammer(url, endpoint, headers, 1); // warm-up, discarded
      const before = count ? await count() : 0;
      const cpu0 = cpuMs(pid);
      const r = await hammer(url, endpoint, headers, durationS);
      const cpu1 = cpuMs(pid);
      const stored = count ? (await count()) - before : undefined;
      const perRequest = endpoint === 'single' ? 1 : batchSize;
      out.push({
        target,
        endpoint,
        requestsPerS: r['2xx'] / r.duration,
        eventsPerS: (r['2xx'] * perRequest) / r.duration,
        p50: r.latency.p50,
        p99: r.latency.p99,
        ok: r['2xx'],
        non2xx: r.non2xx,
        errors: r.errors + r.timeouts,
        serverCpuMsPerS: (cpu1 - cpu0) / r.duration,
        busyBefore,
        ...(stored === undefined ? {} : { stored }),
      });
      log(`${target} ${endpoint}: ${fmt(out.at(-1)!.eventsPerS, 0)} events/s, p99 ${fmtMs(r.latency.p99)}${stored === undefined ? '' : `, ${stored} stored`}`);
      await sleep(500);
    }
    return out;
  } finally {
    await stop();
  }
}

const results: Measure[] = [];
for (let run = 1; run <= args.runs; run++) {
  for (const target of targets) {
    log(`run ${run}/${args.runs}: ${target}`);
    results.push(...(await measureTarget(target)));
    writeResult('ingest', { partial: true, command: commandLine('bench/ingest.ts'), runs: results });
  }
}

const med = (t: Target, e: string, f: (m: Measure) => number) => median(results.filter((m) => m.target === t && m.endpoint === e).map(f));
const rows: string[][] = [];
for (const endpoint of ['single', 'batch'] as const) {
  for (const t of targets) {
    const stored = results.filter((m) => m.target === t && m.endpoint === endpoint && m.stored !== undefined);
    rows.push([
      endpoint === 'single' ? 'POST /v1/events' : `POST /v1/events/batch (${batchSize})`,
      t,
      fmt(med(t, endpoint, (m) => m.eventsPerS), 0),
      fmtMs(med(t, endpoint, (m) => m.p50)),
      fmtMs(med(t, endpoint, (m) => m.p99)),
      `${results.filter((m) => m.target === t && m.endpoint === endpoint).reduce((s, m) => s + m.non2xx + m.errors, 0)}`,
      // Requests still in flight when autocannon stops are committed but not counted: stored ≥ accepted.
      stored.length ? (stored.every((m) => m.stored! >= m.ok * (endpoint === 'single' ? 1 : batchSize)) ? 'all 202s' : 'MISSING') : '',
      fmt(med(t, endpoint, (m) => m.serverCpuMsPerS), 0),
      t === 'bare' ? '' : ratio(med(t, endpoint, (m) => m.eventsPerS), med('bare', endpoint, (m) => m.eventsPerS)),
    ]);
  }
}
const file = writeResult('ingest', { command: commandLine('bench/ingest.ts'), durationS, connections, batchConnections, batchSize, runs: results });
process.stdout.write(`\nIngest: ${durationS} s per target and endpoint, ${connections} connections (batch: ${batchConnections}), medians of ${args.runs} run(s)\n\n`);
process.stdout.write(
  `${table(['endpoint', 'target', 'events /s', 'p50', 'p99', 'errors', 'stored', 'server CPU ms/s', '÷ bare'], rows)}\n\nresults: ${file}\n`,
);
