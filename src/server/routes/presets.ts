/** Presets: ready flows with placeholders; making a flow from one fills them. */
import { Hono } from 'hono';
import { ValidationError } from '../../core/errors.js';
import { issueAt } from '../../core/issue-codes.js';
import { referencedSecrets } from '../../core/flow-references.js';
import type { EngineContext } from '../../engine/engine-context.js';
import { getPreset, instantiatePreset, listPresets, presetView } from '../../engine/preset-service.js';
import { listSecrets } from '../../engine/secrets.js';
import type { AppEnv } from '../app-types.js';
import { readJson, requireObject } from '../request-body.js';

export function presetRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', (c) => c.json({ data: listPresets().map(presetView) }));
  app.get('/:id', (c) => c.json({ data: presetView(getPreset(c.req.param('id'))) }));

  /** `{ "placeholders": { "NAME": "value" }, "name"?: "…", "activate"?: true }` → 201 with the new flow. */
  app.post('/:id/flows', async (c) => {
    const body = requireObject(await readJson(c));
    const issues = Object.keys(body)
      .filter((k) => !['placeholders', 'name', 'activate'].includes(k))
      .map((k) => issueAt(k, 'unknown_field'));
    if (body.placeholders !== undefined && (typeof body.placeholders !== 'object' || body.placeholders === null || Array.isArray(body.placeholders))) {
      issues.push(issueAt('placeholders', 'expected_object'));
    }
    if (body.name !== undefined && typeof body.name !== 'string') issues.push(issueAt('name', 'expected_type', { type: 'string' }));
    if (body.activate !== undefined && typeof body.activate !== 'boolean') issues.push(issueAt('activate', 'expected_type', { type: 'boolean' }));
    if (issues.length > 0) throw new ValidationError('invalid_request', issues);
    const ws = c.get('workspace');
    const { flow, missing } = await instantiatePreset(ctx, ws, c.req.param('id'), {
      values: (body.placeholders ?? {}) as Record<string, string>,
      name: body.name as string | undefined,
      activate: body.activate as boolean | undefined,
    });
    const have = new Set((await listSecrets(ctx.store.db, ws.id)).map((s) => s.name));
    const version = await ctx.store.db
      .selectFrom('flow_versions')
      .select('definition_json')
      .where('flow_id', '=', flow.id)
      .where('version', '=', flow.version)
      .executeTakeFirstOrThrow();
    return c.json(
      {
        data: {
          flow: { id: flow.id, name: flow.name, status: flow.status, version: flow.version },
          missing_placeholders: missing,
          missing_secrets: referencedSecrets(JSON.parse(version.definition_json)).filter((n) => !have.has(n)),
        },
      },
      201,
    );
  });

  return app;
}
