import { Hono, type Context } from 'hono';
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

/** A request's context; `Path` types its parameters (`'/:id'`). */
type FlowContext<Path extends string = '/'> = Context<AppEnv, Path>;

/** `GET /v1/flows`: the flows with their trigger, and with `?include=counts` their sessions by status. */
function listFlowsHandler(ctx: EngineContext) {
  return async (c: FlowContext) => {
    const { status, include } = FLOW_LIST_QUERY.read(c);
    const rows = await listFlows(ctx.store.db, c.get('workspace').id, status);
    const counts = include === 'counts' ? await countSessionsByFlow(ctx.store.db, rows.map((r) => r.id)) : undefined;
    return c.json({
      data: rows.map((r) => ({
        ...flowView(r),
        trigger: decodeJson<{ trigger?: unknown }>(r.definition_json, {}).trigger ?? null,
        ...(counts ? { sessions: counts.get(r.id) ?? {} } : {}),
      })),
    });
  };
}

/** Sessions by status, and the open ones (active, waiting) by the step they are at. */
function sessionsOfSteps(counts: Array<{ step_id: string | null; status: string; count: number }>) {
  const sessions: Record<string, number> = {};
  const atStep: Record<string, Record<string, number>> = {};
  for (const { step_id, status, count } of counts) {
    sessions[status] = (sessions[status] ?? 0) + count;
    if ((status === 'active' || status === 'waiting') && step_id) {
      atStep[step_id] = { ...(atStep[step_id] ?? {}), [status]: count };
    }
  }
  return { sessions, atStep };
}

/** `GET /v1/flows/{id}`: the flow, its current definition, its sessions (by status and by step) and its skips. */
function showFlowHandler(ctx: EngineContext) {
  return async (c: FlowContext<'/:id'>) => {
    const db = ctx.store.db;
    const row = await getFlow(db, c.get('workspace').id, c.req.param('id'));
    const version = await getFlowVersion(db, row.id, row.version);
    const { sessions, atStep } = sessionsOfSteps(await countSessionsByStep(db, row.id));
    const skipped = await countSkipsByReason(db, row.id);
    return c.json({ data: { ...flowView(row, decodeJson(version.definition_json, null)), sessions, sessions_at_step: atStep, skipped } });
  };
}

/** `GET /v1/flows/{id}/versions`: every version with its definition. */
function listVersionsHandler(ctx: EngineContext) {
  return async (c: FlowContext<'/:id/versions'>) => {
    const row = await getFlow(ctx.store.db, c.get('workspace').id, c.req.param('id'));
    const versions = await listFlowVersions(ctx.store.db, row.id);
    return c.json({
      data: versions.map((v) => ({
        version: v.version,
        created_at: new Date(v.created_at).toISOString(),
        definition: decodeJson(v.definition_json, null),
      })),
    });
  };
}

/** The flow as saved, with the definition of its current version. */
async function savedFlowView(ctx: EngineContext, row: FlowRow): Promise<Record<string, unknown>> {
  const version = await getFlowVersion(ctx.store.db, row.id, row.version);
  return flowView(row, decodeJson(version.definition_json, null));
}

/** Routes that save a definition: validate, create (`?activate=`), apply (flows as code), edit. */
function flowWriteRoutes(app: Hono<AppEnv>, ctx: EngineContext): void {
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
    const activate = FLOW_CREATE_QUERY.read(c).activate ?? false;
    const row = await createFlow(ctx, c.get('workspace'), await readJsonOrYaml(c), { activate });
    return c.json({ data: await savedFlowView(ctx, row) }, 201);
  });

  app.put('/:id', async (c) => {
    const input = await readJsonOrYaml(c);
    checkFlow(ctx, input);
    const row = await updateFlow(ctx, c.get('workspace'), c.req.param('id'), input);
    return c.json({ data: await savedFlowView(ctx, row) });
  });
}

export function flowRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', FLOW_LIST_QUERY.check, listFlowsHandler(ctx));
  flowWriteRoutes(app, ctx);
  app.get('/:id', showFlowHandler(ctx));
  app.post('/:id/activate', async (c) => c.json({ data: flowView(await activateFlow(ctx, c.get('workspace'), c.req.param('id'))) }));
  app.post('/:id/resume', async (c) => c.json({ data: flowView(await activateFlow(ctx, c.get('workspace'), c.req.param('id'))) }));
  app.post('/:id/pause', async (c) => c.json({ data: flowView(await pauseFlow(ctx, c.get('workspace'), c.req.param('id'))) }));
  app.post('/:id/archive', async (c) => c.json({ data: flowView(await archiveFlow(ctx, c.get('workspace'), c.req.param('id'))) }));
  app.get('/:id/versions', listVersionsHandler(ctx));
  return app;
}
