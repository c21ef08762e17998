/** Trying a flow before going live: preview a step, send a test, dry-run the whole flow. */
import { Hono } from 'hono';
import { ValidationError, type FieldIssue } from '../../core/errors.js';
import { issueAt } from '../../core/issue-codes.js';
import type { EngineContext } from '../../engine/engine-context.js';
import { parseIsoTime } from '../../core/input-ranges.js';
import { dryRun, previewStep, testSend } from '../../engine/preview-service.js';
import type { AppEnv } from '../app-types.js';
import { readJson, requireObject } from '../request-body.js';

function fields(body: Record<string, unknown>, allowed: Record<string, 'string' | 'object'>, required: string[] = []): void {
  const issues: FieldIssue[] = [];
  for (const [k, v] of Object.entries(body)) {
    const type = allowed[k];
    if (!type) issues.push(issueAt(k, 'unknown_field'));
    else if (type === 'string' && typeof v !== 'string') issues.push(issueAt(k, 'expected_type', { type: 'string' }));
  }
  for (const k of required) if (body[k] === undefined) issues.push(issueAt(k, 'required'));
  if (body.event !== undefined && body.event_id !== undefined) issues.push({ path: 'event', message: 'give event or event_id, not both' });
  if (issues.length > 0) throw new ValidationError('invalid_request', issues);
}

export function flowTrialRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  /**
   * `{ step_id, event_id? | event?, definition? }`: without an event, Sesami's sample booking is
   * used; with `definition`, an unsaved draft of the flow is rendered instead of its saved version.
   */
  app.post('/:id/preview', async (c) => {
    const body = requireObject(await readJson(c));
    fields(body, { step_id: 'string', event_id: 'string', event: 'object', definition: 'object' }, ['step_id']);
    const result = await previewStep(ctx, c.get('workspace'), c.req.param('id'), body.step_id as string, body);
    return c.json({ data: result });
  });

  /** `{ step_id, to? (email), url? (webhook), event_id? | event? }`: sends one step for real. */
  app.post('/:id/test', async (c) => {
    const body = requireObject(await readJson(c));
    fields(body, { step_id: 'string', to: 'string', url: 'string', event_id: 'string', event: 'object' }, ['step_id']);
    const result = await testSend(ctx, c.get('workspace'), c.req.param('id'), body.step_id as string, body, {
      to: body.to as string | undefined,
      url: body.url as string | undefined,
    });
    return c.json({ data: result });
  });

  /** `{ event_id? | event?, now?, definition? }`: the timeline of what would be sent when, sending nothing. */
  app.post('/:id/dry-run', async (c) => {
    const body = requireObject(await readJson(c));
    fields(body, { event_id: 'string', event: 'object', now: 'string', definition: 'object' });
    let now: number | undefined;
    if (typeof body.now === 'string') {
      now = parseIsoTime(body.now) ?? undefined;
      if (now === undefined) throw new ValidationError('invalid_request', [{ path: 'now', message: 'expected an ISO 8601 time with Z or an offset, years 0000–9999' }]);
    }
    return c.json({ data: await dryRun(ctx, c.get('workspace'), c.req.param('id'), body, now) });
  });

  return app;
}
