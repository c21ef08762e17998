import { Hono } from 'hono';
import { ValidationError, type FieldIssue } from '../../core/errors.js';
import { issueAt } from '../../core/issue-codes.js';
import type { EngineContext } from '../../engine/engine-context.js';
import { parseEventInput, parseIdempotencyHeader, type EventInput } from '../../engine/event-input.js';
import { ingestEvents } from '../../engine/ingest.js';
import { eventView, getEvent, listEvents } from '../../store/repositories/events.js';
import { resolveRefFilters } from '../../store/repositories/record-refs.js';
import type { AppEnv } from '../app-types.js';
import { PAGE_PARAMS, pageFrom, pageOf } from '../pagination.js';
import { APPOINTMENT_REF_PARAM, CONTACT_REF_PARAM, defineQuery, textParam } from '../query-params.js';
import { readJson, requireObject } from '../request-body.js';

export const EVENT_LIST_QUERY = defineQuery({
  ...PAGE_PARAMS,
  name: textParam('event name'),
  contact_id: CONTACT_REF_PARAM,
  appointment_id: APPOINTMENT_REF_PARAM,
});

/** Most events accepted in one batch request. */
export const MAX_BATCH_EVENTS = 1000;

export function eventRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/', async (c) => {
    const input = parseEventInput(await readJson(c));
    const headerKey = parseIdempotencyHeader(c.req.header('idempotency-key'));
    const [result] = await ingestEvents(ctx, c.get('workspace'), [input], headerKey);
    return c.json({ data: result }, result!.duplicate ? 200 : 202);
  });

  app.post('/batch', async (c) => {
    const body = requireObject(await readJson(c));
    const extra = Object.keys(body).filter((k) => k !== 'events');
    if (extra.length > 0) throw new ValidationError('invalid_request', extra.map((k) => issueAt(k, 'unknown_field')));
    if (!Array.isArray(body.events)) throw new ValidationError('invalid_request', [issueAt('events', 'expected_array')]);
    if (body.events.length === 0 || body.events.length > MAX_BATCH_EVENTS) {
      throw new ValidationError('invalid_request', [issueAt('events', 'event_count', { maximum: MAX_BATCH_EVENTS })]);
    }
    // Validate all first: a batch with one bad event writes nothing.
    const inputs: EventInput[] = [];
    const issues: FieldIssue[] = [];
    body.events.forEach((event, i) => {
      try {
        inputs.push(parseEventInput(event, ['events', i]));
      } catch (error) {
        if (error instanceof ValidationError && error.details) issues.push(...error.details);
        else throw error;
      }
    });
    if (issues.length > 0) throw new ValidationError('invalid_event', issues);
    const results = await ingestEvents(ctx, c.get('workspace'), inputs);
    return c.json({ data: results }, 202);
  });

  app.get('/', EVENT_LIST_QUERY.check, async (c) => {
    const { limit, cursor, contact_id, appointment_id, ...filters } = EVENT_LIST_QUERY.read(c);
    const page = pageFrom({ limit, cursor });
    const refs = await resolveRefFilters(ctx.store.db, c.get('workspace').id, { contact_id, appointment_id });
    const rows = refs === null ? [] : await listEvents(ctx.store.db, c.get('workspace').id, { ...page, ...filters, ...refs });
    return c.json(pageOf(rows, page, eventView));
  });

  app.get('/:id', async (c) => {
    const row = await getEvent(ctx.store.db, c.get('workspace').id, c.req.param('id'));
    return c.json({ data: eventView(row) });
  });

  return app;
}
