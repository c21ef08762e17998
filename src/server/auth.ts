import type { MiddlewareHandler } from 'hono';
import { AuthError } from '../core/errors.js';
import type { EngineContext } from '../engine/engine-context.js';
import { BatchReader } from '../engine/batch-reader.js';
import { findWorkspacesByKeyHashes, hashApiKey } from '../store/repositories/workspaces.js';
import type { AppEnv } from './app-types.js';

/**
 * `Authorization: Bearer nk_…` → the key's workspace, or 401. Revoked keys are refused. Lookups of
 * requests that arrive in the same turn of the event loop share one statement (a busy ingest
 * endpoint sees many requests with the same few keys); every turn reads afresh, so a revoked key
 * stops working at once.
 */
export function apiKeyAuth(ctx: EngineContext): MiddlewareHandler<AppEnv> {
  const byHash = new BatchReader(
    (hashes) => findWorkspacesByKeyHashes(ctx.store.db, hashes),
    (row) => row.key_hash,
  );
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new AuthError('missing API key: send Authorization: Bearer <key>');
    const found = await byHash.get(hashApiKey(match[1]));
    if (!found) throw new AuthError('invalid or revoked API key');
    const { key_hash: _hash, ...workspace } = found;
    c.set('workspace', workspace);
    await next();
  };
}
