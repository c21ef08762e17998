/** Long-running commands: `serve` (API + worker) and `worker`, with graceful shutdown on SIGINT/SIGTERM. */
import type { Config } from '../config.js';
import { bootstrapIfEmpty, createEngine, type Engine } from '../engine/engine.js';
import { createApp } from '../server/app.js';
import { listen, type RunningServer } from '../server/http-server.js';

export async function runServe(config: Readonly<Config>): Promise<void> {
  const engine = await createEngine(config);
  let server: RunningServer | null = null;
  try {
    await migrate(engine);
    const boot = await bootstrapIfEmpty(engine.ctx);
    server = await listen(createApp(engine.ctx), config.host, config.port);
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${server.port}`;
    if (boot) {
      process.stdout.write(
        [
          '',
          `Nudge created workspace "default" (${boot.workspaceId}). Its API key, shown only this once:`,
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
  try {
    await migrate(engine);
    await engine.startWorker();
  } catch (error) {
    await engine.close();
    throw error;
  }
  onShutdown(engine, null);
}

async function migrate(engine: Engine): Promise<void> {
  const applied = await engine.ctx.store.migrate();
  if (applied.length > 0) engine.ctx.logger.info({ applied }, 'migrations applied');
}

function onShutdown(engine: Engine, server: RunningServer | null): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    engine.ctx.logger.info({ signal }, 'shutting down');
    void (async () => {
      try {
        await server?.close();
        await engine.close();
      } finally {
        process.exit(0);
      }
    })();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
