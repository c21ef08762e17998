/**
 * A peer (graphile-worker, pg-boss, BullMQ on Redis or PostgreSQL) seen through one shape:
 * the driver resets its storage and enqueues through a client; worker processes
 * (peer-worker-main.ts) run its worker with the shared handler (deliver.ts).
 */
import type { Engine, EngineConfig, EngineName, ReminderSpec } from '../lib/engine.js';
import type { ReminderJob } from '../lib/payload.js';
import { createPgAdmin, type PgAdmin } from '../lib/pg-admin.js';
import { startChild, type Child } from '../lib/processes.js';

/** What both sides (driver and worker processes) know about a run. */
export interface PeerContext {
  pgUrl: string;
  redisUrl: string;
  receiverUrl: string;
  tuning: Record<string, string>;
}

export interface PeerClient {
  schedule(items: ReminderSpec[]): Promise<void>;
  reschedule(items: ReminderSpec[]): Promise<number | void>;
  cancel(items: ReminderSpec[]): Promise<number | void>;
  /** A job due now (the end-to-end scenario's API). */
  enqueueNow(job: ReminderJob, key: string): Promise<void>;
  close(): Promise<void>;
}

export interface PeerWorker {
  stop(): Promise<void>;
}

export interface PeerDefinition {
  name: EngineName;
  /** The settings used, for the report (documented high-throughput options). */
  settings(ctx: PeerContext): Record<string, unknown>;
  /** Drops what a previous run left and installs the schema. */
  reset(ctx: PeerContext, admin: PgAdmin): Promise<void>;
  client(ctx: PeerContext): Promise<PeerClient>;
  /** Runs in a worker process. */
  runWorker(ctx: PeerContext, deliver: (job: ReminderJob, uniqueId: string) => Promise<void>): Promise<PeerWorker>;
  storageBytes(ctx: PeerContext, admin: PgAdmin): Promise<{ bytes: number; detail: Record<string, number> }>;
  /** Cumulative statements (PostgreSQL transactions) or commands (Redis). */
  operations(ctx: PeerContext, admin: PgAdmin): Promise<number>;
}

export async function loadPeer(name: EngineName): Promise<PeerDefinition> {
  switch (name) {
    case 'graphile':
      return (await import('./graphile.js')).graphile;
    case 'pgboss':
      return (await import('./pgboss.js')).pgboss;
    case 'bullmq':
      return (await import('./bullmq.js')).bullmqRedis;
    case 'bullmq-pg':
      return (await import('./bullmq.js')).bullmqPostgres;
    default:
      throw new Error(`${name} is not a peer`);
  }
}

export function createPeerEngine(definition: PeerDefinition, config: EngineConfig, options: { nodeFlags?: string[] } = {}): Engine {
  const ctx: PeerContext = { pgUrl: config.pgUrl, redisUrl: config.redisUrl, receiverUrl: config.receiverUrl, tuning: config.tuning };
  let admin: PgAdmin | null = null;
  let client: PeerClient | null = null;
  let workers: Child[] = [];
  return {
    name: definition.name,
    settings: { ...definition.settings(ctx), httpClient: `undici ${ctx.tuning.client ?? 'request'}`, processes: `${config.workers} worker` },
    async start() {
      admin = await createPgAdmin(config.pgUrl);
      await definition.reset(ctx, admin);
      client = await definition.client(ctx);
      workers = await Promise.all(
        Array.from({ length: config.workers }, async (_, k) => {
          const w = await startChild('peer-worker', {
            name: `${definition.name} worker ${k + 1}`,
            env: { PEER: definition.name, PEER_CONTEXT: JSON.stringify(ctx) },
            nodeFlags: options.nodeFlags ?? [],
          });
          await w.waitFor(/peer worker ready/);
          return w;
        }),
      );
    },
    schedule: (items) => client!.schedule(items),
    reschedule: (items) => client!.reschedule(items),
    cancel: (items) => client!.cancel(items),
    workerPids: () => workers.map((w) => w.pid),
    allPids: () => workers.map((w) => w.pid),
    storageBytes: () => definition.storageBytes(ctx, admin!),
    operations: () => definition.operations(ctx, admin!),
    async stop() {
      await Promise.all(workers.map((w) => w.stop()));
      workers = [];
      await client?.close();
      client = null;
      await admin?.close();
      admin = null;
    },
  };
}
