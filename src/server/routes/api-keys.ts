/**
 * The workspace's API keys: create (the key is returned once; only its hash is stored), list
 * (never the hash) and revoke. Each key has a role (owner, admin or staff; default admin) that limits
 * what it may do, as a user's does; only owners manage keys (server/access-rules.ts).
 */
import { Hono } from 'hono';
import { ValidationError } from '../../core/errors.js';
import { formatStoredTime as iso } from '../../core/input-ranges.js';
import { newApiKeySchema } from '../../core/account-input.js';
import { zodIssues } from '../../core/zod-issues.js';
import type { EngineContext } from '../../engine/engine-context.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../../store/repositories/workspaces.js';
import type { ApiKeyRow } from '../../store/schema.js';
import type { AppEnv } from '../app-types.js';
import { readJson } from '../request-body.js';

const apiKeyView = (row: ApiKeyRow) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  created_at: iso(row.created_at),
  last_used_at: iso(row.last_used_at),
  revoked_at: iso(row.revoked_at),
  role: row.role,
});

export function apiKeyRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => c.json({ data: (await listApiKeys(ctx.store.db, c.get('workspace').id)).map(apiKeyView) }));

  app.post('/', async (c) => {
    const parsed = newApiKeySchema.safeParse(await readJson(c));
    if (!parsed.success) throw new ValidationError('invalid_api_key', zodIssues(parsed.error));
    const { key, row } = await createApiKey(ctx.store.db, c.get('workspace').id, parsed.data.name, ctx.clock.now(), parsed.data.role);
    return c.json({ data: { ...apiKeyView(row), key } }, 201);
  });

  app.delete('/:id', async (c) => {
    const row = await revokeApiKey(ctx.store.db, c.req.param('id'), ctx.clock.now(), c.get('workspace').id);
    return c.json({ data: apiKeyView(row) });
  });

  return app;
}
