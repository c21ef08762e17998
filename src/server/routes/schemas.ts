/** Schemas for editors: the flow and its steps as JSON Schema, channels' settings, template variables. */
import { Hono } from 'hono';
import { flowJsonSchema, stepJsonSchemas } from '../../core/flow-json-schema.js';
import type { EngineContext } from '../../engine/engine-context.js';
import { templateVariablePaths } from '../../engine/template-context.js';
import type { AppEnv } from '../app-types.js';

export function schemaRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // The same for every request of this process: built once, on first use.
  let document: Record<string, unknown> | null = null;
  app.get('/flow', (c) => {
    document ??= {
      flow: flowJsonSchema(),
      steps: stepJsonSchemas(),
      channels: ctx.registry.describe().map((described) => {
        const m = described as { id: string; name: string; description: string; settings: unknown; credentialFields?: string[] };
        return { kind: m.id, name: m.name, description: m.description, config: m.settings, credential_fields: m.credentialFields ?? [] };
      }),
      variables: templateVariablePaths(),
    };
    return c.json({ data: document });
  });
  return app;
}
