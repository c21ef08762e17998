/**
 * graphile-worker 0.17 with the batching settings of its performance guide
 * (website/docs/performance.md): a local queue fetching jobs in batches, completions batched
 * with no delay, `concurrentJobs` 24. Future jobs are found by polling, so `pollInterval` bounds
 * lateness; 500 ms here, the bench's common poll budget (pg-boss cannot go lower).
 * A reminder is `add_jobs` with `job_key = appointment id` (a reschedule replaces the run time
 * and payload of the unlocked job; a cancel is `remove_job(key)`).
 */
import { Logger, makeWorkerUtils, run, type WorkerUtils } from 'graphile-worker';
import { tuningNumber } from '../lib/engine.js';
import { appointmentId, REMINDER_OFFSET_MS, reminderJob, type ReminderJob } from '../lib/payload.js';
import type { PeerContext, PeerDefinition } from './peer.js';

const SCHEMA = 'bench_graphile';
const TASK = 'remind';

/** Warnings and errors only: the default logger writes a line per job. */
const quietLogger = new Logger(() => (level, message) => {
  if (level === 'error' || level === 'warning') process.stderr.write(`graphile-worker ${level}: ${message}\n`);
});

function options(ctx: PeerContext) {
  return {
    concurrency: tuningNumber(ctx.tuning, 'concurrency', 24),
    pollInterval: tuningNumber(ctx.tuning, 'poll', 500),
    localQueueSize: tuningNumber(ctx.tuning, 'localQueue', 500),
    refetchDelayMs: tuningNumber(ctx.tuning, 'refetchDelay', 10),
    maxPoolSize: tuningNumber(ctx.tuning, 'pool', 26),
  };
}

export const graphile: PeerDefinition = {
  name: 'graphile',
  settings: (ctx) => ({ ...options(ctx), completeJobBatchDelay: 0, failJobBatchDelay: 0, jobKey: 'appointment id' }),

  async reset(ctx, admin) {
    await admin.dropSchema(SCHEMA);
    const utils = await makeWorkerUtils({ connectionString: ctx.pgUrl, schema: SCHEMA, logger: quietLogger });
    try {
      await utils.migrate();
    } finally {
      await utils.release();
    }
  },

  async client(ctx) {
    const utils: WorkerUtils = await makeWorkerUtils({ connectionString: ctx.pgUrl, schema: SCHEMA, logger: quietLogger });
    const add = (items: Array<{ i: number; start: number }>) =>
      utils.addJobs(
        items.map((it) => ({
          identifier: TASK,
          payload: reminderJob(it.i, it.start),
          runAt: new Date(it.start - REMINDER_OFFSET_MS),
          jobKey: appointmentId(it.i),
        })),
      );
    return {
      async schedule(items) {
        await add(items);
      },
      async reschedule(items) {
        await add(items);
      },
      async cancel(items) {
        await utils.withPgClient((c) =>
          c.query(`select "${SCHEMA}".remove_job(k) from unnest($1::text[]) as k`, [items.map((it) => appointmentId(it.i))]),
        );
      },
      async enqueueNow(job: ReminderJob) {
        await utils.addJob(TASK, job);
      },
      close: async () => {
        await utils.release();
      },
    };
  },

  async runWorker(ctx, deliver) {
    const o = options(ctx);
    const runner = await run({
      connectionString: ctx.pgUrl,
      schema: SCHEMA,
      concurrency: o.concurrency,
      pollInterval: o.pollInterval,
      maxPoolSize: o.maxPoolSize,
      logger: quietLogger,
      noHandleSignals: true,
      taskList: {
        [TASK]: async (payload, helpers) => deliver(payload as ReminderJob, helpers.job.id),
      },
      preset: {
        worker: {
          localQueue: { size: o.localQueueSize, refetchDelay: { durationMs: o.refetchDelayMs } },
          completeJobBatchDelay: 0,
          failJobBatchDelay: 0,
        },
      },
    });
    return { stop: () => runner.stop() };
  },

  storageBytes: (_ctx, admin) => admin.schemaBytes(SCHEMA),
  operations: (_ctx, admin) => admin.transactions(),
};
