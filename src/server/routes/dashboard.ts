/**
 * What the web app's dashboard reads: the overview, analytics (JSON and CSV), a flow's counts per
 * step; and the retry of a failed delivery.
 */
import { Hono, type Context } from 'hono';
import type { EngineContext } from '../../engine/engine-context.js';
import { analyticsCsv, readAnalytics, readOverview, readStepCounts } from '../../engine/analytics-service.js';
import { retryDelivery } from '../../engine/delivery-retry.js';
import { getFlow } from '../../store/repositories/flows.js';
import type { AppEnv } from '../app-types.js';
import { defineQuery, enumParam, isoTimeParam, textParam } from '../query-params.js';

const PERIOD_PARAMS = {
  from: isoTimeParam('start of the period (inclusive), ISO 8601 with Z or an offset; default: `to` minus 7 days'),
  to: isoTimeParam('end of the period (exclusive); default: now (or `from` plus 7 days, if earlier); at most 366 days after `from`'),
};

export const ANALYTICS_QUERY = defineQuery({
  ...PERIOD_PARAMS,
  flow_id: textParam('only this flow'),
  interval: enumParam(['day', 'hour'] as const, 'bucket size, in the workspace timezone (default day; hour covers at most 31 days)'),
});
export const STEP_COUNTS_QUERY = defineQuery(PERIOD_PARAMS);

export function dashboardRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const db = ctx.store.db;

  const analytics = async (c: Context<AppEnv>) => {
    const ws = c.get('workspace');
    const { flow_id, ...query } = ANALYTICS_QUERY.read(c);
    const flow = flow_id === undefined ? undefined : await getFlow(db, ws.id, flow_id);
    return { result: await readAnalytics(ctx, ws, query, flow), perFlow: flow === undefined };
  };

  app.get('/overview', async (c) => c.json({ data: await readOverview(ctx, c.get('workspace')) }));

  app.get('/analytics', ANALYTICS_QUERY.check, async (c) => {
    const { result } = await analytics(c);
    const { grid: _grid, ...data } = result;
    return c.json({ data });
  });

  app.get('/analytics.csv', ANALYTICS_QUERY.check, async (c) => {
    const { result, perFlow } = await analytics(c);
    return c.body(analyticsCsv(result, perFlow), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="nudge-analytics.csv"',
    });
  });

  app.get('/flows/:id/step-counts', STEP_COUNTS_QUERY.check, async (c) => {
    const ws = c.get('workspace');
    const flow = await getFlow(db, ws.id, c.req.param('id'));
    return c.json({ data: await readStepCounts(ctx, ws, flow, STEP_COUNTS_QUERY.read(c)) });
  });

  app.post('/deliveries/:id/retry', async (c) => c.json({ data: await retryDelivery(ctx, c.get('workspace'), c.req.param('id')) }, 202));

  return app;
}
