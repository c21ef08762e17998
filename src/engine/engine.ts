/**
 * The composition of the engine: store, channels, flow cache, metrics and the scheduler,
 * built once from the config. `serve` and `worker` both use it; tests build it directly.
 */
import { pino, type Logger } from 'pino';
import { createEmailChannel, type EmailChannelOptions } from '../channels/email/email-channel.js';
import { createWebhookChannel } from '../channels/webhook/webhook-channel.js';
import { builtinChannels } from '../channels/builtin.js';
import { createOutboundGuard, withOutboundGuard } from '../channels/http/outbound-guard.js';
import { createChannelRegistry } from '../channels/registry.js';
import type { Config } from '../config.js';
import { createStore } from '../store/create-store.js';
import type { Store } from '../store/store.js';
import { insertOutbox } from '../store/repositories/deliveries.js';
import { newId } from '../store/repositories/ids.js';
import { encodeJson } from '../store/repositories/json.js';
import { countSessionsByStatus } from '../store/repositories/sessions.js';
import { countTimers, oldestDueScheduledAt } from '../store/repositories/timers.js';
import { createApiKey, createWorkspace, countWorkspaces } from '../store/repositories/workspaces.js';
import { createInvite, invitePath } from './accounts/invites.js';
import { systemClock, type Clock, type EngineContext } from './engine-context.js';
import { FlowCache } from './flow-cache.js';
import { RateLimiter } from './rate-limiter.js';
import { createSecretBox, loadSecretKey } from './secrets.js';
import { createMetrics, registerStateGauges } from './metrics.js';
import { createActivityLog } from './activity-log.js';
import { BatchReader } from './batch-reader.js';
import { inList } from '../store/repositories/in-list.js';
import { GroupCommitter } from './group-commit.js';
import { createBatchedWriter, createPlainWriter } from './session-writer/writers.js';
import { Scheduler } from './scheduler.js';
import { RetentionCleaner } from './retention-cleaner.js';

export interface Engine {
  ctx: EngineContext;
  scheduler: Scheduler;
  /** Deletes what is older than the workspaces' retention settings; runs with the worker. */
  retention: RetentionCleaner;
  /** Starts the worker loop (and the retention cleanup) in this process. */
  startWorker(): Promise<void>;
  /**
   * Stops the worker (running steps get `config.shutdownGraceMs` to finish, then their timers are
   * released) and closes the store.
   */
  close(): Promise<void>;
}

export interface EngineOptions {
  store?: Store;
  clock?: Clock;
  logger?: Logger;
  random?: () => number;
  /**
   * Which session writer to use (session-writer/): `batched` (default: group commit, ends batched)
   * or `plain` (a transaction per commit, a statement per session; to test with and measure against).
   */
  writer?: 'batched' | 'plain';
}

export async function createEngine(config: Readonly<Config>, options: EngineOptions = {}): Promise<Engine> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: { service: 'nudge' } });
  const store = options.store ?? (await openStore(config, logger));
  const clock = options.clock ?? systemClock;
  const { registry, outbound } = createChannels(config, store, clock);
  const secretBox = createSecretBox(await loadSecretKey(config.secretKey, config.dataDir));
  const commits = createCommitter(config, store);
  let scheduler: Scheduler | null = null;
  const ctx: EngineContext = {
    store,
    config,
    clock,
    logger,
    flows: new FlowCache(registry.validators),
    registry,
    rateLimiter: new RateLimiter(),
    secretBox,
    metrics: createMetrics(),
    activity: createActivityLog(logger),
    outbound,
    random: options.random ?? Math.random,
    commits,
    writer: options.writer === 'plain' ? createPlainWriter(store) : createBatchedWriter(store, commits),
    ...createBatchReaders(store),
    wake(dueAt: number) {
      scheduler?.wake(dueAt);
      if (store.capabilities.listenNotify) {
        store.notifyTimers(dueAt).catch((err: unknown) => logger.warn({ err }, 'timer notify failed'));
      }
    },
  };
  registerGauges(ctx);
  scheduler = new Scheduler(ctx, config.worker);
  return engineOf(ctx, scheduler);
}

function openStore(config: Readonly<Config>, logger: Logger): Promise<Store> {
  return createStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    schema: config.dbSchema,
    onError: (err) => logger.warn({ err }, 'database error nobody awaited (recovering)'),
  });
}

/** Every channel module, each HTTP send through one guard built from NUDGE_OUTBOUND_ALLOW (see outbound-guard.ts). */
function createChannels(config: Readonly<Config>, store: Store, clock: Clock) {
  const now = () => clock.now();
  const email = createEmailChannel({ smtpUrl: config.smtpUrl, now, writeOutbox: outboxWriter(store, clock) });
  const outbound = createOutboundGuard({ allow: config.outboundAllow });
  const modules = [createWebhookChannel({ now }), email, ...builtinChannels({ now, endpoints: config.channelEndpoints })];
  const registry = createChannelRegistry(modules.map((module) => withOutboundGuard(module, outbound)));
  return { registry, outbound };
}

/** Where the email channel keeps messages when no SMTP server is configured: the `outbox` table. */
function outboxWriter(store: Store, clock: Clock): EmailChannelOptions['writeOutbox'] {
  return async (channelContext, message) => {
    const id = newId('ob');
    await insertOutbox(store.db, {
      id,
      workspace_id: channelContext.workspaceId,
      delivery_id: channelContext.deliveryId ?? null,
      session_id: channelContext.sessionId,
      message_id: message.messageId,
      from_address: message.from,
      to_address: message.to,
      subject: message.subject,
      html: message.html ?? null,
      text: message.text ?? null,
      headers_json: encodeJson(message.headers),
      created_at: clock.now(),
    });
    return id;
  };
}

/**
 * The group committer. One writer (SQLite) commits group after group: waiting 1 ms under load
 * makes groups larger (group-commit.ts). With several connections (PostgreSQL), groups commit in
 * parallel instead; two connections stay free for reads and claims (bench:drain, PostgreSQL,
 * pool 10: 170 reminders/s with one group at a time, 214 with 4, 270 with 8).
 */
function createCommitter(config: Readonly<Config>, store: Store): GroupCommitter {
  const commitDelayMs = config.commitDelayMs ?? (store.capabilities.connections === 1 ? 1 : 0);
  return new GroupCommitter(store, 256, Math.max(1, store.capabilities.connections - 2), commitDelayMs);
}

/** Readers that gather the executor's lookups of appointments, contacts and events by id into one query each. */
function createBatchReaders(store: Store): Pick<EngineContext, 'appointments' | 'contacts' | 'events'> {
  const byId = (row: { id: string }) => row.id;
  const db = store.db;
  return {
    appointments: new BatchReader((ids) => db.selectFrom('appointments').selectAll().where(inList(db, 'id', ids)).execute(), byId),
    contacts: new BatchReader((ids) => db.selectFrom('contacts').selectAll().where(inList(db, 'id', ids)).execute(), byId),
    events: new BatchReader((ids) => db.selectFrom('events').selectAll().where(inList(db, 'id', ids)).execute(), byId),
  };
}

/** The gauges read at scrape time: sessions by status, pending and held timers, the oldest due timer's lag. */
function registerGauges(ctx: EngineContext): void {
  const { store, clock } = ctx;
  registerStateGauges(ctx.metrics, async () => {
    const now = clock.now();
    const [sessions, timers, oldest] = await Promise.all([
      countSessionsByStatus(store.db),
      countTimers(store.db),
      oldestDueScheduledAt(store.db, now),
    ]);
    return {
      sessions,
      timersPending: timers.pending,
      timersHeld: timers.held,
      lagSeconds: oldest === null ? 0 : Math.max(0, now - oldest) / 1000,
    };
  });
}

/** The engine's handle: its worker, and closing it all in order (worker, channels, outbound guard, store). */
function engineOf(ctx: EngineContext, scheduler: Scheduler): Engine {
  const { config } = ctx;
  const retention = new RetentionCleaner(ctx, { intervalMs: config.worker.retentionIntervalMs });
  return {
    ctx,
    scheduler,
    retention,
    async startWorker() {
      await scheduler.start();
      retention.start();
    },
    async close() {
      await retention.stop();
      await scheduler.stop(config.shutdownGraceMs);
      ctx.registry.close();
      await ctx.outbound.close();
      await ctx.store.close();
    },
  };
}

/**
 * On the first start against an empty database, creates a default workspace and an API key,
 * returned so the caller can print it once (only its hash is stored).
 */
export async function bootstrapIfEmpty(ctx: EngineContext): Promise<{ workspaceId: string; apiKey: string; setupPath: string } | null> {
  return ctx.store.transaction(async (trx) => {
    if ((await countWorkspaces(trx)) > 0) return null;
    const now = ctx.clock.now();
    const workspace = await createWorkspace(trx, { name: 'default', flowLimit: ctx.config.firstWorkspaceFlowLimit }, now);
    const { key } = await createApiKey(trx, workspace.id, 'default', now);
    const setup = await createInvite(trx, { workspaceId: workspace.id, kind: 'setup', role: 'owner', email: null, createdBy: null }, now);
    return { workspaceId: workspace.id, apiKey: key, setupPath: invitePath('setup', setup.token) };
  });
}
