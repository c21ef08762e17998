/**
 * pg-boss 10 (the newest that runs on Node 20). Its worker loop fetches `batchSize` jobs, runs
 * the handler on the whole batch, then waits for the rest of `pollingIntervalSeconds` (minimum
 * 0.5 s) even when it found jobs (src/worker.js), so throughput comes from big batches and
 * several `work()` loops per process ("teams"): 8 × 100 here. A reminder is `insert` with
 * `startAfter`; 10.x has no update, so a reschedule is `cancel` + a new job, and a cancel is `cancel`.
 */
import PgBoss from 'pg-boss';
import { tuningNumber } from '../lib/engine.js';
import { REMINDER_OFFSET_MS, reminderJob, type ReminderJob } from '../lib/payload.js';
import type { PeerContext, PeerDefinition } from './peer.js';

const SCHEMA = 'bench_pgboss';
const QUEUE = 'remind';

function options(ctx: PeerContext) {
  return {
    teams: tuningNumber(ctx.tuning, 'teams', 8),
    batchSize: tuningNumber(ctx.tuning, 'batch', 100),
    pollingIntervalSeconds: tuningNumber(ctx.tuning, 'poll', 500) / 1000,
    max: tuningNumber(ctx.tuning, 'pool', 10),
  };
}

/** A job id per reminder and generation (a reschedule is a new job): a UUID built from both. */
function jobId(i: number, generation: number): string {
  return `${generation.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
}

export const pgboss: PeerDefinition = {
  name: 'pgboss',
  settings: (ctx) => ({ ...options(ctx), supervise: 'worker processes' }),

  async reset(ctx, admin) {
    await admin.dropSchema(SCHEMA);
    const boss = new PgBoss({ connectionString: ctx.pgUrl, schema: SCHEMA, supervise: false, schedule: false });
    boss.on('error', (e) => process.stderr.write(`pg-boss: ${String(e)}\n`));
    await boss.start();
    await boss.createQueue(QUEUE);
    await boss.stop({ graceful: false, wait: true });
  },

  async client(ctx) {
    const boss = new PgBoss({ connectionString: ctx.pgUrl, schema: SCHEMA, supervise: false, schedule: false, migrate: false });
    boss.on('error', (e) => process.stderr.write(`pg-boss: ${String(e)}\n`));
    await boss.start();
    const generations = new Map<number, number>();
    const insert = (items: Array<{ i: number; start: number }>) =>
      boss.insert(
        items.map((it) => ({
          id: jobId(it.i, generations.get(it.i) ?? 0),
          name: QUEUE,
          data: reminderJob(it.i, it.start),
          startAfter: new Date(it.start - REMINDER_OFFSET_MS),
        })),
      );
    const cancel = async (items: Array<{ i: number }>) => {
      await boss.cancel(QUEUE, items.map((it) => jobId(it.i, generations.get(it.i) ?? 0)));
    };
    return {
      schedule: insert,
      async reschedule(items) {
        await cancel(items);
        for (const it of items) generations.set(it.i, (generations.get(it.i) ?? 0) + 1);
        await insert(items);
      },
      cancel,
      async enqueueNow(job: ReminderJob) {
        await boss.send(QUEUE, job);
      },
      close: () => boss.stop({ graceful: false, wait: true }),
    };
  },

  async runWorker(ctx, deliver) {
    const o = options(ctx);
    const boss = new PgBoss({ connectionString: ctx.pgUrl, schema: SCHEMA, max: o.max });
    boss.on('error', (e) => process.stderr.write(`pg-boss: ${String(e)}\n`));
    await boss.start();
    for (let k = 0; k < o.teams; k++) {
      await boss.work<ReminderJob>(QUEUE, { batchSize: o.batchSize, pollingIntervalSeconds: o.pollingIntervalSeconds }, async (jobs) => {
        await Promise.all(jobs.map((job) => deliver(job.data, job.id)));
      });
    }
    return { stop: () => boss.stop({ graceful: true, wait: true, timeout: 10_000 }) };
  },

  storageBytes: (_ctx, admin) => admin.schemaBytes(SCHEMA),
  operations: (_ctx, admin) => admin.transactions(),
};
