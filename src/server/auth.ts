import type { MiddlewareHandler } from 'hono';
import { AuthError } from '../core/errors.js';
import type { EngineContext } from '../engine/engine-context.js';
import { BatchReader } from '../engine/batch-reader.js';
import { findWorkspacesByKeyHashes, hashApiKey, touchApiKey } from '../store/repositories/workspaces.js';
import type { AppEnv } from './app-types.js';

/**
 * `Authorization: Bearer nk_…` → the key's workspace, or 401. Revoked keys are refused. Lookups of
 * requests that arrive in the same turn of the event loop share one statement (a busy ingest
 * endpoint sees many requests with the same few keys); every turn reads afresh, so a revoked key
 * stops working at once.
 *
 * `last_used_at` is written at most once a minute per key and process, so a busy key costs one
 * write a minute rather than one per request; listings show it to that precision.
 */
const LAST_USED_PRECISION_MS = 60_000;

export function apiKeyAuth(ctx: EngineContext): MiddlewareHandler<AppEnv> {
  const byHash = new BatchReader(
    (hashes) => findWorkspacesByKeyHashes(ctx.store.db, hashes),
    (row) => row.key_hash,
  );
  const lastTouched = new Map<string, number>();
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new AuthError('missing API key: send Authorization: Bearer <key>');
    const hash = hashApiKey(match[1]);
    const found = await byHash.get(hash);
    if (!found) throw new AuthError('invalid or revoked API key');
    const now = ctx.clock.now();
    if (now - (lastTouched.get(hash) ?? -Infinity) >= LAST_USED_PRECISION_MS) {
      lastTouched.set(hash, now);
      await touchApiKey(ctx.store.db, hash, now);
    }
    const { key_hash: _hash, ...workspace } = found;
    c.set('workspace', workspace);
    await next();
  };
}
