/** The caller's workspace: its settings, read and changed (plan, flow limit and the two-factor rule by owners only). */
import { Hono } from 'hono';
import { can } from '../../core/roles.js';
import type { EngineContext } from '../../engine/engine-context.js';
import { deliverySettingsView, sendTestEmail } from '../../engine/delivery-settings.js';
import { changeWorkspaceSettings, workspaceView } from '../../engine/workspace-settings.js';
import type { AppEnv } from '../app-types.js';
import { readJson } from '../request-body.js';

export function workspaceRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', (c) => c.json({ data: workspaceView(c.get('workspace')) }));
  app.patch('/', async (c) => {
    const mayChangePlan = can(c.get('principal').role, 'plan:write');
    const updated = await changeWorkspaceSettings(ctx, c.get('workspace').id, await readJson(c), mayChangePlan);
    return c.json({ data: workspaceView(updated) });
  });
  app.get('/delivery', (c) => c.json({ data: deliverySettingsView(ctx, c.get('workspace')) }));
  app.post('/test-email', async (c) => c.json({ data: await sendTestEmail(ctx, c.get('workspace'), await readJson(c)) }));
  return app;
}
