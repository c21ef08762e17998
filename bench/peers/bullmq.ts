/**
 * BullMQ 6 on Redis and on its PostgreSQL backend (`createPostgresBackend`, same API). Delayed
 * jobs wake workers through a marker (Redis `BZPOPMIN`, PostgreSQL `LISTEN/NOTIFY`), so there is
 * no poll interval. High-throughput settings from its guides: `addBulk`, worker `concurrency` 100,
 * `removeOnComplete`. A reminder is a delayed job with `jobId = appointment id`; a reschedule is
 * `updateData` + `changeDelay`, a cancel is `remove`.
 */
import { Queue, Worker, createPostgresBackend, runMigrations, type Job, type JobsOptions } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { tuningNumber } from '../lib/engine.js';
import { appointmentId, REMINDER_OFFSET_MS, reminderJob, type ReminderJob } from '../lib/payload.js';
import type { PgAdmin } from '../lib/pg-admin.js';
import type { PeerClient, PeerContext, PeerDefinition } from './peer.js';

const QUEUE = 'remind';
const PG_SCHEMA = 'bench_bullmq';
/** A Redis database of the bench's own, flushed before each run. */
const REDIS_DB = 5;

type Backend = 'redis' | 'postgres';

function redisConnection(ctx: PeerContext) {
  const u = new URL(ctx.redisUrl);
  return { host: u.hostname, port: Number(u.port || 6379), db: REDIS_DB };
}

function options(ctx: PeerContext) {
  return {
    concurrency: tuningNumber(ctx.tuning, 'concurrency', 100),
    pool: tuningNumber(ctx.tuning, 'pool', 20),
  };
}

const JOB_OPTIONS: JobsOptions = { removeOnComplete: true, removeOnFail: 1000, attempts: 3 };

function makeQueue(backend: Backend, ctx: PeerContext): Queue {
  if (backend === 'redis') return new Queue(QUEUE, { connection: redisConnection(ctx) });
  return new Queue(QUEUE, { connection: { connectionString: ctx.pgUrl, schema: PG_SCHEMA, max: 10 } }, createPostgresBackend) as unknown as Queue;
}

async function redisInfo(ctx: PeerContext, field: string, section: string): Promise<number> {
  const redis = new Redis({ ...redisConnection(ctx), lazyConnect: true });
  await redis.connect();
  try {
    const info = await redis.info(section);
    const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(info);
    return m ? Number(m[1]) : Number.NaN;
  } finally {
    redis.disconnect();
  }
}

/** Redis memory in use right after the reset: storage is measured from there. */
let redisBaseline = 0;

function definition(backend: Backend): PeerDefinition {
  return {
    name: backend === 'redis' ? 'bullmq' : 'bullmq-pg',
    settings: (ctx) => ({ backend, ...options(ctx), jobOptions: JOB_OPTIONS, jobId: 'appointment id' }),

    async reset(ctx, admin: PgAdmin) {
      if (backend === 'redis') {
        const redis = new Redis(redisConnection(ctx));
        await redis.flushdb();
        redis.disconnect();
        redisBaseline = await redisInfo(ctx, 'used_memory', 'memory');
        return;
      }
      await admin.dropSchema(PG_SCHEMA);
      const client = new pg.Client({ connectionString: ctx.pgUrl });
      await client.connect();
      try {
        await runMigrations(client, PG_SCHEMA);
      } finally {
        await client.end();
      }
    },

    async client(ctx): Promise<PeerClient> {
      const queue = makeQueue(backend, ctx);
      await queue.waitUntilReady();
      /** Runs `fn` on each item's job, 16 at a time; returns how many failed (logged once per kind). */
      const seen = new Set<string>();
      const withJobs = async (items: Array<{ i: number; start: number }>, fn: (job: Job, it: { i: number; start: number }) => Promise<void>) => {
        const lanes = 16;
        let failed = 0;
        for (let k = 0; k < items.length; k += lanes) {
          await Promise.all(
            items.slice(k, k + lanes).map(async (it) => {
              try {
                const job = (await queue.getJob(appointmentId(it.i))) as Job | undefined;
                if (job) await fn(job, it);
                else failed++;
              } catch (error) {
                // e.g. "Job … is not in the delayed state. changeDelay": it was already promoted.
                failed++;
                const kind = String((error as Error).message).replace(/Job \S+/, 'Job …');
                if (!seen.has(kind)) process.stderr.write(`bullmq (${backend}) refused: ${kind}\n`);
                seen.add(kind);
              }
            }),
          );
        }
        return failed;
      };
      return {
        async schedule(items) {
          const now = Date.now();
          await queue.addBulk(
            items.map((it) => ({
              name: QUEUE,
              data: reminderJob(it.i, it.start),
              opts: { ...JOB_OPTIONS, jobId: appointmentId(it.i), delay: Math.max(0, it.start - REMINDER_OFFSET_MS - now) },
            })),
          );
        },
        async reschedule(items) {
          return withJobs(items, async (job, it) => {
            await job.updateData(reminderJob(it.i, it.start));
            await job.changeDelay(Math.max(0, it.start - REMINDER_OFFSET_MS - Date.now()));
          });
        },
        async cancel(items) {
          let refused = 0;
          for (let k = 0; k < items.length; k += 16) {
            const removed = await Promise.all(items.slice(k, k + 16).map((it) => queue.remove(appointmentId(it.i)).catch(() => 0)));
            refused += removed.filter((r) => r !== 1).length;
          }
          return refused;
        },
        async enqueueNow(job: ReminderJob) {
          await queue.add(QUEUE, job, JOB_OPTIONS);
        },
        close: () => queue.close(),
      };
    },

    async runWorker(ctx, deliver) {
      const o = options(ctx);
      const processor = async (job: Job) => deliver(job.data as ReminderJob, job.id ?? '');
      const worker =
        backend === 'redis'
          ? new Worker(QUEUE, processor, { connection: redisConnection(ctx), concurrency: o.concurrency })
          : (new Worker(
              QUEUE,
              processor,
              { connection: { connectionString: ctx.pgUrl, schema: PG_SCHEMA, max: o.pool }, concurrency: o.concurrency },
              createPostgresBackend,
            ) as unknown as Worker);
      worker.on('error', (e) => process.stderr.write(`bullmq worker: ${String(e)}\n`));
      await worker.waitUntilReady();
      return { stop: () => worker.close() };
    },

    async storageBytes(ctx, admin) {
      if (backend === 'postgres') return admin.schemaBytes(PG_SCHEMA);
      const used = await redisInfo(ctx, 'used_memory', 'memory');
      return { bytes: used - redisBaseline, detail: { redis_used_memory: used, redis_baseline: redisBaseline } };
    },

    async operations(ctx, admin) {
      return backend === 'postgres' ? admin.transactions() : redisInfo(ctx, 'total_commands_processed', 'stats');
    },
  };
}

export const bullmqRedis = definition('redis');
export const bullmqPostgres = definition('postgres');
