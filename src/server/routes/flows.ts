import { Hono } from 'hono';
import type { EngineContext } from '../../engine/engine-context.js';
import { validateFlow } from '../../core/flow-validation.js';
import {
  activateFlow,
  applyFlow,
  archiveFlow,
  checkFlow,
  createFlow,
  pauseFlow,
  updateFlow,
} from '../../engine/flow-service.js';
import type { FlowRow } from '../../store/schema.js';
import { getFlow, getFlowVersion, listFlows, listFlowVersions } from '../../store/repositories/flows.js';
import { decodeJson } from '../../store/repositories/json.js';
import { countSessionsByFlow, countSessionsByStep } from '../../store/repositories/sessions.js';
import { countSkipsByReason } from '../../store/repositories/skips.js';
import type { AppEnv } from '../app-types.js';
import { booleanParam, defineQuery, enumParam } from '../query-params.js';
import { readJsonOrYaml } from '../request-body.js';

const FLOW_STATUSES = ['draft', 'active', 'paused', 'archived'] as const;

export const FLOW_LIST_QUERY = defineQuery({
  status: enumParam(FLOW_STATUSES, 'flow status'),
  include: enumParam(['counts'], 'counts: add `sessions`, each flow\'s sessions by status (one grouped count over the listed flows)'),
});
export const FLOW_CREATE_QUERY = defineQuery({ activate: booleanParam('activate the new flow (default false: a draft)') });
export const FLOW_APPLY_QUERY = defineQuery({ activate: booleanParam('activate the flow after saving it (default true)') });

function flowView(row: FlowRow, definition?: unknown): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    version: row.version,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
    ...(definition === undefined ? {} : { definition }),
  };
}

export function flowRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const db = ctx.store.db;

  app.get('/', FLOW_LIST_QUERY.check, async (c) => {
    const { status, include } = FLOW_LIST_QUERY.read(c);
    const rows = await listFlows(db, c.get('workspace').id, status);
    const counts = include === 'counts' ? await countSessionsByFlow(db, rows.map((r) => r.id)) : undefined;
    return c.json({
      data: rows.map((r) => ({
        ...flowView(r),
        trigger: decodeJson<{ trigger?: unknown }>(r.definition_json, {}).trigger ?? null,
        ...(counts ? { sessions: counts.get(r.id) ?? {} } : {}),
      })),
    });
  });

  /** Checks a definition without saving it: `{ valid, errors }`, always 200 for a readable body. */
  app.post('/validate', async (c) => {
    const result = validateFlow(await readJsonOrYaml(c), { channels: ctx.registry.validators });
    return c.json({ data: result.ok ? { valid: true, errors: [] } : { valid: false, errors: result.errors } });
  });

  /** Flows as code: create or update the flow with this name, then activate it (unless ?activate=false). */
  app.post('/apply', FLOW_APPLY_QUERY.check, async (c) => {
    const result = await applyFlow(ctx, c.get('workspace'), await readJsonOrYaml(c), {
      activate: FLOW_APPLY_QUERY.read(c).activate ?? true,
    });
    return c.json({ data: { action: result.action, flow: flowView(result.flow) } });
  });

  app.post('/', FLOW_CREATE_QUERY.check, async (c) => {
    const ws = c.get('workspace');
    const activate = FLOW_CREATE_QUERY.read(c).activate ?? false;
    const row = await createFlow(ctx, ws, await readJsonOrYaml(c), { activate });
    const version = await getFlowVersion(db, row.id, row.version);
    return c.json({ data: flowView(row, decodeJson(version.definition_json, null)) }, 201);
  });

  app.get('/:id', async (c) => {
    const row = await getFlow(db, c.get('workspace').id, c.req.param('id'));
    const version = await getFlowVersion(db, row.id, row.version);
    const counts = await countSessionsByStep(db, row.id);
    const sessions: Record<string, number> = {};
    const atStep: Record<string, Record<string, number>> = {};
    for (const { step_id, status, count } of counts) {
      sessions[status] = (sessions[status] ?? 0) + count;
      if ((status === 'active' || status === 'waiting') && step_id) {
        atStep[step_id] = { ...(atStep[step_id] ?? {}), [status]: count };
      }
    }
    const skipped = await countSkipsByReason(db, row.id);
    return c.json({ data: { ...flowView(row, decodeJson(version.definition_json, null)), sessions, sessions_at_step: atStep, skipped } });
  });

  app.put('/:id', async (c) => {
    const ws = c.get('workspace');
    const input = await readJsonOrYaml(c);
    checkFlow(ctx, input);
    const row = await updateFlow(ctx, ws, c.req.param('id'), input);
    const version = await getFlowVersion(db, row.id, row.version);
    return c.json({ data: flowView(row, decodeJson(version.definition_json, null)) });
  });

  app.post('/:id/activate', async (c) => c.json({ data: flowView(await activateFlow(ctx, c.get('workspace'), c.req.param('id'))) }));
  app.post('/:id/resume', async (c) => c.json({ data: flowView(await activateFlow(ctx, c.get('workspace'), c.req.param('id'))) }));
  app.post('/:id/pause', async (c) => c.json({ data: flowView(await pauseFlow(ctx, c.get('workspace'), c.req.param('id'))) }));
  app.post('/:id/archive', async (c) => c.json({ data: flowView(await archiveFlow(ctx, c.get('workspace'), c.req.param('id'))) }));

  app.get('/:id/versions', async (c) => {
    const row = await getFlow(db, c.get('workspace').id, c.req.param('id'));
    const versions = await listFlowVersions(db, row.id);
    return c.json({
      data: versions.map((v) => ({
        version: v.version,
        created_at: new Date(v.created_at).toISOString(),
        definition: decodeJson(v.definition_json, null),
      })),
    });
  });

  return app;
}
