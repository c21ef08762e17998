/**
 * Who is calling. `Authorization: Bearer nk_…` names an API key (revoked keys are refused); the
 * `nudge_session` cookie names a signed-in user. Neither: no principal, and the access rules
 * decide whether that is enough (access.ts).
 *
 * Key lookups of requests that arrive in the same turn of the event loop share one statement (a
 * busy ingest endpoint sees many requests with the same few keys); every turn reads afresh, so a
 * revoked key stops working at once. `last_used_at` is written at most once a minute per key and
 * process, so a busy key costs one write a minute rather than one per request; listings show it
 * to that precision.
 *
 * A cookie is sent by the browser on its own, so a write made with one must also carry the
 * session's CSRF token in `X-CSRF-Token`, which only the app's own pages can read (from
 * `GET /v1/auth/me`). API keys are never sent on their own and need no token.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { AuthError } from '../core/errors.js';
import { storedRole } from '../core/roles.js';
import { resolveSession, type SignedIn } from '../engine/accounts/sessions.js';
import { csrfTokenMatches } from '../engine/accounts/tokens.js';
import type { EngineContext } from '../engine/engine-context.js';
import { BatchReader } from '../engine/batch-reader.js';
import { findWorkspacesByKeyHashes, hashApiKey, touchApiKey } from '../store/repositories/workspaces.js';
import type { AppEnv } from './app-types.js';
import { requestSource } from './proxy-trust.js';

const LAST_USED_PRECISION_MS = 60_000;
export const SESSION_COOKIE = 'nudge_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function authenticate(ctx: EngineContext): MiddlewareHandler<AppEnv> {
  const byHash = new BatchReader(
    (hashes) => findWorkspacesByKeyHashes(ctx.store.db, hashes),
    (row) => row.key_hash,
  );
  const lastTouched = new Map<string, number>();
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match?.[1]) throw new AuthError('malformed Authorization header: send Authorization: Bearer <key>');
      const hash = hashApiKey(match[1]);
      const found = await byHash.get(hash);
      if (!found) throw new AuthError('invalid or revoked API key');
      const now = ctx.clock.now();
      if (now - (lastTouched.get(hash) ?? -Infinity) >= LAST_USED_PRECISION_MS) {
        lastTouched.set(hash, now);
        await touchApiKey(ctx.store.db, hash, now);
      }
      const { key_hash: _hash, key_id, key_name, key_prefix, key_role, ...workspace } = found;
      c.set('workspace', workspace);
      c.set('principal', { kind: 'api_key', id: key_id, label: `${key_name} (${key_prefix}…)`, role: storedRole(key_role) });
      return next();
    }
    const token = getCookie(c, SESSION_COOKIE);
    if (token) {
      const current = await resolveSession(ctx, token);
      if (current) {
        const csrfOk = SAFE_METHODS.has(c.req.method) || csrfTokenMatches(token, c.req.header('x-csrf-token'));
        c.set('workspace', current.workspace);
        c.set('principal', { kind: 'user', id: current.user.id, label: current.user.email, role: storedRole(current.user.role), session: current, csrfOk });
      } else {
        deleteCookie(c, SESSION_COOKIE, { path: '/' });
      }
    }
    return next();
  };
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Secure when the client used https (as a trusted proxy reports it, proxy-trust.ts). */
export function setSessionCookie(c: Context, signedIn: SignedIn, now: number): void {
  setCookie(c, SESSION_COOKIE, signedIn.token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: requestSource(c).protocol === 'https',
    path: '/',
    maxAge: Math.max(0, Math.floor((signedIn.expiresAt - now) / 1000)),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/' });
}
