/**
 * End to end: bookings posted one by one at a steady rate (open loop), each starting a flow
 * whose webhook reaches the receiver; latency is delivery time minus the moment the event was
 * sent. Nudge: `appointment.created` → event-triggered flow → webhook. Peers: the same event to
 * a Hono API (peer-api-main.ts) that enqueues a job due now, run by their workers.
 *
 *   npm run bench:e2e                       # 1,000 events/s for 10 s, 3 runs
 *   npm run bench:e2e -- --rate 2000 --duration 60 --engines nudge-pg,bullmq
 */
import { commandLine, int, parseCommon, sized } from './lib/cli.js';
import { ENGINE_NAMES, type EngineName } from './lib/engine.js';
import { buildEngine } from './lib/engines.js';
import { createClient } from './lib/http-client.js';
import type { NudgeEngine } from './lib/nudge-engine.js';
import { appointmentEvent, confirmationFlow } from './lib/payload.js';
import { sampleRss, sleep, startChild, waitForQuiet, type Child } from './lib/processes.js';
import { startReceiver } from './lib/receiver.js';
import { log, table, writeResult } from './lib/report.js';
import { distribution, fmt, fmtBytes, fmtMs, median, ratio, type Distribution } from './lib/stats.js';

const args = parseCommon(
  'End to end: event in, webhook out, at a steady rate.\n  --rate EVENTS_PER_S  --duration SECONDS  --max-inflight N',
  { rate: { type: 'string' }, duration: { type: 'string' }, 'max-inflight': { type: 'string', default: '512' } },
  { engines: ENGINE_NAMES, runs: { smoke: 1, default: 3, full: 3 } },
);
const rate = sized(args.values, 'rate', args.mode, { smoke: 100, default: 1000, full: 1000 });
const durationS = sized(args.values, 'duration', args.mode, { smoke: 1, default: 10, full: 60 });
const maxInflight = int(args.values['max-inflight'], 'max-inflight');

interface E2eResult {
  engine: EngineName;
  settings: Record<string, unknown>;
  sent: number;
  sentPerS: number;
  refused: number;
  delivered: number;
  duplicates: number;
  misses: number;
  latency: Distribution;
  apiLatency: Distribution;
  workerRssPeak: number;
  busyBefore: number;
}

async function runE2e(name: EngineName): Promise<E2eResult> {
  const busyBefore = await waitForQuiet(log, 0.25, args.mode === 'smoke' ? 0 : 300);
  const n = Math.ceil(rate * durationS);
  const receiver = await startReceiver(n + 1);
  const nudge = name.startsWith('nudge');
  const engine = await buildEngine(name, {
    receiverUrl: receiver.url,
    workers: args.workers,
    pgUrl: args.pgUrl,
    redisUrl: args.redisUrl,
    set: args.set,
    nudge: { flow: confirmationFlow(receiver.url) },
    nodeFlags: args.cpuProf ? ['--cpu-prof', '--cpu-prof-dir=bench/results/profiles'] : [],
  });
  let peerApi: Child | null = null;
  const client = createClient(64);
  try {
    await engine.start();
    let url: string;
    let headers: Record<string, string> = {};
    if (nudge) {
      const api = (engine as NudgeEngine).api;
      url = api.url;
      headers = { authorization: `Bearer ${api.key}` };
    } else {
      peerApi = await startChild('peer-api', {
        name: `${name} api`,
        env: { PEER: name, PEER_CONTEXT: JSON.stringify({ pgUrl: args.pgUrl, redisUrl: args.redisUrl, receiverUrl: receiver.url, tuning: {} }) },
      });
      [, url] = (await peerApi.waitFor(/peer api listening on (http:\/\/\S+)/)) as unknown as [string, string];
    }
    // Warm-up: one event (index n) through the whole path.
    await client.post(`${url}/v1/events`, appointmentEvent('appointment.created', n, Date.now() + 86_400_000), headers);
    await receiver.waitForTotal(1, Date.now() + 10_000);

    const sentAt = new Float64Array(n);
    const apiMs: number[] = [];
    let sent = 0;
    let inflight = 0;
    let refused = 0;
    const rss = sampleRss(() => engine.workerPids());
    const t0 = Date.now();
    log(`${name}: sending ${rate} events/s for ${durationS} s`);
    while (sent < n) {
      const owed = Math.min(n, Math.floor(((Date.now() - t0) / 1000) * rate)) - sent;
      for (let k = 0; k < owed && inflight < maxInflight; k++) {
        const i = sent++;
        const at = Date.now();
        sentAt[i] = at;
        inflight++;
        client
          .post(`${url}/v1/events`, appointmentEvent('appointment.created', i, at + 86_400_000), headers)
          .then(
            (res) => {
              if (res.status !== 202) refused++;
              apiMs.push(Date.now() - at);
            },
            () => refused++,
          )
          .finally(() => inflight--);
      }
      await sleep(5);
    }
    const sendS = (Date.now() - t0) / 1000;
    while (inflight > 0) await sleep(10);
    await receiver.waitForTotal(n + 1, Date.now() + 60_000);
    await sleep(500);
    const peaks = rss.stop();
    const dump = await receiver.dump();
    const latency: number[] = [];
    let delivered = 0;
    let duplicates = 0;
    for (let i = 0; i < n; i++) {
      const c = dump.counts[i]!;
      if (c === 0) continue;
      delivered++;
      duplicates += c - 1;
      latency.push(dump.arrivals[i]! - sentAt[i]!);
    }
    return {
      engine: name,
      settings: engine.settings,
      sent,
      sentPerS: sent / sendS,
      refused,
      delivered,
      duplicates,
      misses: n - delivered,
      latency: distribution(latency),
      apiLatency: distribution(apiMs),
      workerRssPeak: [...peaks.values()].reduce((a, b) => Math.max(a, b), 0),
      busyBefore,
    };
  } finally {
    client.close();
    await peerApi?.stop();
    await engine.stop().catch((e: unknown) => log(`${name}: stop failed: ${String(e)}`));
    await receiver.close();
  }
}

const results: E2eResult[] = [];
for (let run = 1; run <= args.runs; run++) {
  for (const engine of args.engines) {
    log(`run ${run}/${args.runs}: ${engine}`);
    results.push(await runE2e(engine));
    writeResult('e2e', { partial: true, command: commandLine('bench/e2e.ts'), runs: results });
  }
}
const engines = [...new Set(results.map((r) => r.engine))];
const med = (e: EngineName, f: (r: E2eResult) => number) => median(results.filter((r) => r.engine === e).map(f));
const ref: EngineName = engines.includes('nudge-pg') ? 'nudge-pg' : 'nudge-sqlite';
const rows = engines.map((e) => {
  const rs = results.filter((r) => r.engine === e);
  return [
    e,
    fmt(med(e, (r) => r.sentPerS), 0),
    `${fmt(med(e, (r) => r.delivered), 0)}/${fmt(med(e, (r) => r.sent), 0)}`,
    `${rs.reduce((s, r) => s + r.duplicates, 0)}/${rs.reduce((s, r) => s + r.misses, 0)}/${rs.reduce((s, r) => s + r.refused, 0)}`,
    fmtMs(med(e, (r) => r.latency.p50)),
    fmtMs(med(e, (r) => r.latency.p99)),
    fmtMs(med(e, (r) => r.latency.max)),
    fmtMs(med(e, (r) => r.apiLatency.p99)),
    fmtBytes(med(e, (r) => r.workerRssPeak)),
    e === ref ? '' : ratio(med(e, (r) => r.latency.p99), med(ref, (r) => r.latency.p99)),
  ];
});
const file = writeResult('e2e', { command: commandLine('bench/e2e.ts'), rate, durationS, workers: args.workers, runs: results });
process.stdout.write(`\nEnd to end: ${rate} events/s for ${durationS} s, ${args.workers} worker process(es), medians of ${args.runs} run(s)\n\n`);
process.stdout.write(
  `${table(['engine', 'sent /s', 'delivered', 'dup/miss/refused', 'e2e p50', 'e2e p99', 'e2e max', 'API p99', 'worker RSS', `p99 ÷ ${ref}`], rows)}\n\nresults: ${file}\n`,
);
