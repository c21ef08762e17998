/** Long-running commands: `serve` (API + worker) and `worker`, with graceful shutdown on SIGINT/SIGTERM. */
import { localUrl, type Config } from '../config.js';
import { bootstrapIfEmpty, createEngine, type Engine } from '../engine/engine.js';
import { createApp } from '../server/app.js';
import { listen, type RunningServer } from '../server/http-server.js';
import { createProbeApp } from '../server/probe-routes.js';

export async function runServe(config: Readonly<Config>): Promise<void> {
  const engine = await createEngine(config);
  let server: RunningServer | null = null;
  try {
    await migrate(engine);
    const boot = await bootstrapIfEmpty(engine.ctx);
    server = await listen(createApp(engine.ctx), config.host, config.port);
    const url = localUrl(config.host, server.port);
    if (boot) {
      process.stdout.write(
        [
          '',
          `Nudge created workspace "default" (${boot.workspaceId}).`,
          '',
          'Create the owner account in your browser (a one-time link, valid 7 days):',
          '',
          `  ${config.publicUrl ?? url}${boot.setupPath}`,
          '',
          'Its API key, shown only this once:',
          '',
          `  NUDGE_API_KEY=${boot.apiKey}`,
          '',
          `Try: curl -H "Authorization: Bearer ${boot.apiKey}" ${url}/v1/workspace`,
          '',
        ].join('\n') + '\n',
      );
    }
    if (config.runWorker) await engine.startWorker();
    engine.ctx.logger.info({ url, database: engine.ctx.store.dialect, worker: config.runWorker }, `Nudge listening on ${url}`);
  } catch (error) {
    await server?.close();
    await engine.close();
    throw error;
  }
  onShutdown(engine, server);
}

export async function runWorker(config: Readonly<Config>): Promise<void> {
  const engine = await createEngine(config);
  let probes: RunningServer | null = null;
  try {
    await migrate(engine);
    if (config.metricsPort !== null) {
      probes = await listen(createProbeApp(engine.ctx), config.host, config.metricsPort);
      const url = localUrl(config.host, probes.port);
      engine.ctx.logger.info({ url }, `worker probes on ${url} (/health, /metrics)`);
    }
    await engine.startWorker();
  } catch (error) {
    await probes?.close();
    await engine.close();
    throw error;
  }
  onShutdown(engine, probes);
}

async function migrate(engine: Engine): Promise<void> {
  const applied = await engine.ctx.store.migrate();
  if (applied.length > 0) engine.ctx.logger.info({ applied }, 'migrations applied');
}

/** Beyond the grace period, how long releasing work and closing connections may take before the process exits anyway. */
const CLOSE_BOUND_MS = 10_000;

/**
 * SIGTERM or SIGINT: stop claiming and accepting, give running steps and requests
 * `shutdownGraceMs` to finish, release the timers of those still running (another process takes
 * them at once), close the store, exit 0. Exits 1 if that fails or outlasts the bound; a second
 * signal exits 1 at once.
 */
function onShutdown(engine: Engine, server: RunningServer | null): void {
  const { logger, config } = engine.ctx;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    const graceMs = config.shutdownGraceMs;
    logger.info({ signal, graceMs }, 'shutting down');
    setTimeout(() => {
      logger.error({ boundMs: graceMs + CLOSE_BOUND_MS }, 'shutdown took too long; exiting');
      process.exit(1);
    }, graceMs + CLOSE_BOUND_MS).unref();
    void (async () => {
      try {
        await Promise.all([server?.close(graceMs), engine.scheduler.stop(graceMs)]);
        await engine.close();
        logger.info('stopped');
      } catch (error) {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      }
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
