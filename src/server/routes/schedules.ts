/**
 * Schedules: what will be sent when (pending triggers and waiting steps) and what was skipped, for
 * an appointment, a contact or a flow. Appointments and contacts are named by Nudge id or the
 * booking system's id.
 */
import { Hono, type Context } from 'hono';
import { ValidationError } from '../../core/errors.js';
import { issueAt } from '../../core/issue-codes.js';
import type { EngineContext } from '../../engine/engine-context.js';
import { getFlow } from '../../store/repositories/flows.js';
import { getAppointment, getContact } from '../../store/repositories/record-refs.js';
import { scheduleEntryView, type ScheduleAfter, type ScheduleScope } from '../../store/repositories/schedule.js';
import { readSchedule } from '../../engine/schedule-service.js';
import type { AppEnv } from '../app-types.js';
import { PAGE_PARAMS, pageFrom } from '../pagination.js';
import { defineQuery } from '../query-params.js';

export const SCHEDULE_QUERY = defineQuery(PAGE_PARAMS);

export function scheduleRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const db = ctx.store.db;

  const respond = async (c: Context<AppEnv>, scope: ScheduleScope) => {
    const page = pageFrom(SCHEDULE_QUERY.read(c));
    const entries = await readSchedule(ctx, c.get('workspace'), scope, { limit: page.limit, after: readCursor(page.cursor) });
    const last = entries[entries.length - 1];
    return c.json({
      data: entries.map(scheduleEntryView),
      next_cursor: entries.length === page.limit && last ? writeCursor({ dueAt: last.due_at, id: last.id }) : null,
    });
  };

  app.get('/appointments/:id/schedule', SCHEDULE_QUERY.check, async (c) => {
    const appointment = await getAppointment(db, c.get('workspace').id, c.req.param('id'));
    return respond(c, { appointmentId: appointment.id });
  });
  app.get('/contacts/:id/schedule', SCHEDULE_QUERY.check, async (c) => {
    const contact = await getContact(db, c.get('workspace').id, c.req.param('id'));
    return respond(c, { contactId: contact.id });
  });
  app.get('/flows/:id/schedule', SCHEDULE_QUERY.check, async (c) => {
    const flow = await getFlow(db, c.get('workspace').id, c.req.param('id'));
    return respond(c, { flowId: flow.id });
  });

  return app;
}

/** Schedules are in due order, so their cursor is a due time and an id, opaque to callers. */
function writeCursor(after: ScheduleAfter): string {
  return Buffer.from(`${after.dueAt}:${after.id}`).toString('base64url');
}

function readCursor(cursor: string | undefined): ScheduleAfter | null {
  if (cursor === undefined) return null;
  const m = /^(\d{1,16}):(.+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new ValidationError('invalid_query', [issueAt('cursor', 'page_cursor')]);
  return { dueAt: Number(m[1]), id: m[2]! };
}
