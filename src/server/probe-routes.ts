/**
 * `/health` and `/metrics`: what a load balancer and Prometheus ask of every Nudge process. The
 * API serves them beside `/v1`; `nudge worker` serves them alone on NUDGE_METRICS_PORT, so its
 * counters (deliveries, lateness) can be scraped too.
 */
import { Hono } from 'hono';
import { NudgeError } from '../core/errors.js';
import type { EngineContext } from '../engine/engine-context.js';
import type { AppEnv } from './app-types.js';
import { errorBody, mapError } from './error-mapping.js';

export function probeRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/health', async (c) => {
    try {
      await ctx.store.nextDueAt();
      return c.json({ status: 'ok', database: ctx.store.dialect });
    } catch {
      return c.json({ status: 'unavailable', database: ctx.store.dialect }, 503);
    }
  });
  app.get('/metrics', async (c) => {
    const text = await ctx.metrics.registry.metrics();
    return c.text(text, 200, { 'content-type': ctx.metrics.registry.contentType });
  });
  return app;
}

/** The probes alone: the worker process's HTTP app. */
export function createProbeApp(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.onError((error, c) => mapError(error, c, ctx.logger));
  app.notFound((c) => c.json(errorBody(new NudgeError('not_found', `no route for ${c.req.method} ${c.req.path}`, { status: 404 })), 404));
  app.route('/', probeRoutes(ctx));
  return app;
}
