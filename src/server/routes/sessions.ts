import { Hono } from 'hono';
import { SESSION_STATES } from '../../core/session-state.js';
import type { EngineContext } from '../../engine/engine-context.js';
import { stopSession } from '../../engine/flow-service.js';
import { deliveryView, listSessionDeliveries } from '../../store/repositories/deliveries.js';
import { getSession, listSessionLogs, listSessions, sessionLogView, sessionView } from '../../store/repositories/sessions.js';
import { resolveRefFilters } from '../../store/repositories/record-refs.js';
import type { AppEnv } from '../app-types.js';
import { PAGE_PARAMS, pageFrom, pageOf } from '../pagination.js';
import { APPOINTMENT_REF_PARAM, CONTACT_REF_PARAM, defineQuery, enumParam, textParam } from '../query-params.js';

export const SESSION_LIST_QUERY = defineQuery({
  ...PAGE_PARAMS,
  flow_id: textParam('flow'),
  contact_id: CONTACT_REF_PARAM,
  appointment_id: APPOINTMENT_REF_PARAM,
  step_id: textParam('current step'),
  status: enumParam(SESSION_STATES, 'session status'),
});

export function sessionRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const db = ctx.store.db;

  app.get('/', SESSION_LIST_QUERY.check, async (c) => {
    const { limit, cursor, contact_id, appointment_id, ...filters } = SESSION_LIST_QUERY.read(c);
    const page = pageFrom({ limit, cursor });
    const refs = await resolveRefFilters(db, c.get('workspace').id, { contact_id, appointment_id });
    const rows = refs === null ? [] : await listSessions(db, c.get('workspace').id, { ...page, ...filters, ...refs });
    return c.json(pageOf(rows, page, sessionView));
  });

  /** A session with its timeline: log entries and delivery attempts in time order. */
  app.get('/:id', async (c) => {
    const row = await getSession(db, c.get('workspace').id, c.req.param('id'));
    const [logs, deliveries] = await Promise.all([listSessionLogs(db, row.id), listSessionDeliveries(db, row.id)]);
    return c.json({
      data: {
        ...sessionView(row),
        timeline: logs.map(sessionLogView),
        deliveries: deliveries.map(deliveryView),
      },
    });
  });

  app.post('/:id/stop', async (c) => {
    const ws = c.get('workspace');
    await stopSession(ctx, ws, c.req.param('id'));
    return c.json({ data: sessionView(await getSession(db, ws.id, c.req.param('id'))) });
  });

  return app;
}
