/**
 * Signing in and the browser sessions that follow. A session lasts 14 days from its last use and
 * 30 days at most; its last use is written at most once a minute per process. Signing in checks
 * the password (and the two-factor code when the user has one), under the per-email and
 * per-address failure limits of sign-in-limiter.ts.
 */
import { AuthError, NudgeError, ValidationError } from '../../core/errors.js';
import { signInSchema } from '../../core/account-input.js';
import { zodIssues } from '../../core/zod-issues.js';
import { appendAudit } from '../../store/repositories/audit-log.js';
import { findUserByEmail, findUserSession, insertUserSession, touchUserSession, updateUser } from '../../store/repositories/users.js';
import { getWorkspace } from '../../store/repositories/workspaces.js';
import type { UserRow, UserSessionRow, Workspace } from '../../store/schema.js';
import type { EngineContext } from '../engine-context.js';
import { decoyHash, verifyPassword } from './passwords.js';
import type { SignInLimiter } from './sign-in-limiter.js';
import { csrfTokenFor, hashToken, newToken } from './tokens.js';
import { acceptCode } from './two-factor.js';

export const SESSION_IDLE_MS = 14 * 24 * 3600_000;
export const SESSION_MAX_MS = 30 * 24 * 3600_000;
const TOUCH_PRECISION_MS = 60_000;

/** A user with a fresh session: the cookie's token and the CSRF token that goes with it. */
export interface SignedIn {
  token: string;
  csrfToken: string;
  expiresAt: number;
  user: UserRow;
  workspace: Workspace;
}

/** The signed-in user of a request. */
export interface CurrentSession {
  session: UserSessionRow;
  user: UserRow;
  workspace: Workspace;
  csrfToken: string;
}

export async function startSession(ctx: EngineContext, user: UserRow): Promise<SignedIn> {
  const now = ctx.clock.now();
  const token = newToken();
  const expiresAt = now + SESSION_IDLE_MS;
  await insertUserSession(ctx.store.db, { id: hashToken(token), user_id: user.id, workspace_id: user.workspace_id, created_at: now, last_seen_at: now, expires_at: expiresAt });
  const workspace = await getWorkspace(ctx.store.db, user.workspace_id);
  return { token, csrfToken: csrfTokenFor(token), expiresAt, user, workspace };
}

/** The session a cookie's token names, if it is live; its expiry slides forward with use. */
export async function resolveSession(ctx: EngineContext, token: string): Promise<CurrentSession | null> {
  const now = ctx.clock.now();
  const found = await findUserSession(ctx.store.db, hashToken(token), now);
  if (!found) return null;
  const { session, user } = found;
  if (now - session.last_seen_at >= TOUCH_PRECISION_MS) {
    const expiresAt = Math.min(now + SESSION_IDLE_MS, session.created_at + SESSION_MAX_MS);
    await touchUserSession(ctx.store.db, session.id, now, expiresAt);
  }
  const workspace = await getWorkspace(ctx.store.db, user.workspace_id);
  return { session, user, workspace, csrfToken: csrfTokenFor(token) };
}

/**
 * Checks the credentials and starts a session. Refuses with 429 while the email or address is
 * over its failure limit; a wrong password or code counts as a failure, a missing code does not.
 */
export async function signIn(ctx: EngineContext, limiter: SignInLimiter, body: unknown, address: string): Promise<SignedIn> {
  const parsed = signInSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError('invalid_sign_in', zodIssues(parsed.error));
  const email = parsed.data.email.toLowerCase();
  const now = ctx.clock.now();
  const waitMs = await limiter.retryAfter(email, address, now);
  if (waitMs > 0) {
    const retryAfterS = Math.ceil(waitMs / 1000);
    throw new NudgeError('too_many_attempts', `too many failed sign-ins; try again in ${Math.ceil(retryAfterS / 60)} min`, { status: 429, retryAfterS });
  }
  const user = await findUserByEmail(ctx.store.db, email);
  const passwordOk = user ? await verifyPassword(parsed.data.password, user.password_hash) : await verifyPassword(parsed.data.password, await decoyHash()).then(() => false);
  if (!user || !passwordOk) {
    await limiter.recordFailure(email, address, now);
    throw new AuthError('wrong email or password', 'invalid_credentials');
  }
  if (user.totp_secret) {
    if (parsed.data.code === undefined) throw new AuthError('enter the 6-digit code from your authenticator app', 'two_factor_required', 'code');
    const counter = acceptCode(user.totp_secret, parsed.data.code, now, user.totp_last_counter);
    if (counter === null) {
      await limiter.recordFailure(email, address, now);
      throw new AuthError('that code is wrong or was already used', 'invalid_code', 'code');
    }
    await updateUser(ctx.store.db, user.id, { totp_last_counter: counter });
  }
  await limiter.recordSuccess(email);
  await updateUser(ctx.store.db, user.id, { last_sign_in_at: now });
  const signedIn = await startSession(ctx, { ...user, last_sign_in_at: now });
  await appendAudit(ctx.store.db, { workspaceId: user.workspace_id, actor: { ...userActor(user), ip: address }, action: 'user.signed_in', target: { kind: 'user', id: user.id } }, now);
  return signedIn;
}

export function userActor(user: UserRow) {
  return { kind: 'user' as const, id: user.id, label: user.email };
}

/** True when the workspace requires two-factor sign-in and this user has not set it up. */
export function mustSetUpTwoFactor(user: UserRow, workspace: Workspace): boolean {
  return workspace.require_two_factor === 1 && !user.totp_secret;
}
