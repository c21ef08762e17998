import type { MiddlewareHandler } from 'hono';
import { AuthError } from '../core/errors.js';
import type { EngineContext } from '../engine/engine-context.js';
import { findWorkspaceByApiKey } from '../store/repositories/workspaces.js';
import type { AppEnv } from './app-types.js';

/** `Authorization: Bearer nk_…` → the key's workspace, or 401. Revoked keys are refused. */
export function apiKeyAuth(ctx: EngineContext): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new AuthError('missing API key: send Authorization: Bearer <key>');
    const workspace = await findWorkspaceByApiKey(ctx.store.db, match[1]);
    if (!workspace) throw new AuthError('invalid or revoked API key');
    c.set('workspace', workspace);
    await next();
  };
}
