/** Trying a flow before going live: preview a step, send a test, dry-run the whole flow. */
import { Hono } from 'hono';
import { checkTrialInput } from '../../core/trial-input.js';
import type { EngineContext } from '../../engine/engine-context.js';
import { dryRun, previewStep, testSend } from '../../engine/preview-service.js';
import type { AppEnv } from '../app-types.js';
import { readJson, requireObject } from '../request-body.js';

export function flowTrialRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  /**
   * `{ step_id, event_id? | event?, definition? }`: without an event, Sesami's sample booking is
   * used; with `definition`, an unsaved draft of the flow is rendered instead of its saved version.
   */
  app.post('/:id/preview', async (c) => {
    const body = requireObject(await readJson(c));
    checkTrialInput('preview', body);
    const result = await previewStep(ctx, c.get('workspace'), c.req.param('id'), body.step_id as string, body);
    return c.json({ data: result });
  });

  /** `{ step_id, to? (email), url? (webhook), event_id? | event? }`: sends one step for real. */
  app.post('/:id/test', async (c) => {
    const body = requireObject(await readJson(c));
    checkTrialInput('test', body);
    const result = await testSend(ctx, c.get('workspace'), c.req.param('id'), body.step_id as string, body, {
      to: body.to as string | undefined,
      url: body.url as string | undefined,
    });
    return c.json({ data: result });
  });

  /** `{ event_id? | event?, now?, definition? }`: the timeline of what would be sent when, sending nothing. */
  app.post('/:id/dry-run', async (c) => {
    const body = requireObject(await readJson(c));
    const { now } = checkTrialInput('dry-run', body);
    return c.json({ data: await dryRun(ctx, c.get('workspace'), c.req.param('id'), body, now) });
  });

  return app;
}
