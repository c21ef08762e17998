/** The API key's workspace: its settings, read and changed. */
import { Hono } from 'hono';
import type { EngineContext } from '../../engine/engine-context.js';
import { changeWorkspaceSettings, workspaceView } from '../../engine/workspace-settings.js';
import type { AppEnv } from '../app-types.js';
import { readJson } from '../request-body.js';

export function workspaceRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', (c) => c.json({ data: workspaceView(c.get('workspace')) }));
  app.patch('/', async (c) => {
    const updated = await changeWorkspaceSettings(ctx, c.get('workspace').id, await readJson(c));
    return c.json({ data: workspaceView(updated) });
  });
  return app;
}
