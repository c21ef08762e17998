/** Workspace secrets: set, list (names and times only) and delete. Values are never returned. */
import { Hono } from 'hono';
import { ValidationError } from '../../core/errors.js';
import type { EngineContext } from '../../engine/engine-context.js';
import { secretBodySchema } from '../../core/secret-input.js';
import { zodIssues } from '../../core/zod-issues.js';
import { checkSecret, deleteSecret, listSecrets, setSecret } from '../../engine/secrets.js';
import type { SecretRow } from '../../store/schema.js';
import type { AppEnv } from '../app-types.js';
import { readJson, requireObject } from '../request-body.js';

const view = (row: Pick<SecretRow, 'name' | 'created_at' | 'updated_at'>) => ({
  name: row.name,
  created_at: new Date(row.created_at).toISOString(),
  updated_at: new Date(row.updated_at).toISOString(),
});

export function secretRoutes(ctx: EngineContext): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => c.json({ data: (await listSecrets(ctx.store.db, c.get('workspace').id)).map(view) }));

  app.put('/:name', async (c) => {
    const name = c.req.param('name');
    checkSecret({ name });
    const parsed = secretBodySchema.safeParse(requireObject(await readJson(c)));
    if (!parsed.success) throw new ValidationError('invalid_secret', zodIssues(parsed.error));
    const { value } = parsed.data;
    const row = await ctx.store.transaction((trx) => setSecret(trx, ctx.secretBox, c.get('workspace').id, name, value, ctx.clock.now()));
    return c.json({ data: view(row) });
  });

  app.delete('/:name', async (c) => {
    await deleteSecret(ctx.store.db, c.get('workspace').id, c.req.param('name'));
    return c.body(null, 204);
  });

  return app;
}
