/**
 * Managing people: the owner's view of users (change role, remove; a workspace always keeps an
 * owner), and each user's own password and two-factor settings.
 */
import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { issueAt } from '../../core/issue-codes.js';
import { changePasswordSchema, twoFactorCodeSchema, userChangesSchema } from '../../core/account-input.js';
import { zodIssues } from '../../core/zod-issues.js';
import { appendAudit, type AuditEntry } from '../../store/repositories/audit-log.js';
import { isUniqueViolation } from '../../store/repositories/json.js';
import { countOwners, deleteUser, deleteUserSessions, findUser, findUserByEmail, insertUser, updateUser, type NewUser } from '../../store/repositories/users.js';
import type { Database, UserRow, Workspace } from '../../store/schema.js';
import type { EngineContext } from '../engine-context.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { userActor } from './sessions.js';
import { acceptCode, newTotpSecret, otpauthUrl } from './two-factor.js';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

export function userView(user: UserRow) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    two_factor_enabled: user.totp_secret !== null,
    created_at: iso(user.created_at),
    last_sign_in_at: iso(user.last_sign_in_at),
  };
}

async function userOf(ctx: EngineContext, workspaceId: string, id: string): Promise<UserRow> {
  const user = await findUser(ctx.store.db, workspaceId, id);
  if (!user) throw new NotFoundError('user', id);
  return user;
}

async function keepAnOwner(ctx: EngineContext, user: UserRow): Promise<void> {
  if (user.role === 'owner' && (await countOwners(ctx.store.db, user.workspace_id)) <= 1) {
    throw new ConflictError('last_owner', 'a workspace needs an owner: make someone else owner first');
  }
}

/**
 * Adds an account inside the caller's transaction. Emails are unique per installation: a taken one
 * is a 409, whether the lookup finds it or a concurrent sign-up wins the race to the unique index.
 */
export async function addAccount(trx: Kysely<Database>, input: NewUser, now: number): Promise<UserRow> {
  const taken = () => new ConflictError('email_taken', `${input.email.toLowerCase()} already has an account`, 'email');
  if (await findUserByEmail(trx, input.email)) throw taken();
  try {
    return await insertUser(trx, input, now);
  } catch (error) {
    if (isUniqueViolation(error)) throw taken();
    throw error;
  }
}

export async function changeUserRole(ctx: EngineContext, workspaceId: string, id: string, body: unknown, actor: AuditEntry['actor']): Promise<UserRow> {
  const parsed = userChangesSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError('invalid_user', zodIssues(parsed.error));
  const user = await userOf(ctx, workspaceId, id);
  if (parsed.data.role === user.role) return user;
  if (parsed.data.role !== 'owner') await keepAnOwner(ctx, user);
  const now = ctx.clock.now();
  await ctx.store.transaction(async (trx) => {
    await updateUser(trx, id, { role: parsed.data.role });
    await appendAudit(trx, { workspaceId, actor, action: 'user.role_changed', target: { kind: 'user', id }, details: { from: user.role, to: parsed.data.role } }, now);
  });
  return { ...user, role: parsed.data.role };
}

/** Removes a user and ends their sessions. */
export async function removeUser(ctx: EngineContext, workspaceId: string, id: string, actor: AuditEntry['actor']): Promise<UserRow> {
  const user = await userOf(ctx, workspaceId, id);
  await keepAnOwner(ctx, user);
  const now = ctx.clock.now();
  await ctx.store.transaction(async (trx) => {
    await deleteUser(trx, id);
    await appendAudit(trx, { workspaceId, actor, action: 'user.removed', target: { kind: 'user', id }, details: { email: user.email, role: user.role } }, now);
  });
  return user;
}

/** Changes the user's password and ends their other sessions. */
export async function changePassword(ctx: EngineContext, user: UserRow, sessionId: string, body: unknown, ip?: string): Promise<void> {
  const parsed = changePasswordSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError('invalid_password', zodIssues(parsed.error));
  if (!(await verifyPassword(parsed.data.current_password, user.password_hash))) {
    throw new ValidationError('invalid_password', [issueAt('current_password', 'wrong_password')]);
  }
  const passwordHash = await hashPassword(parsed.data.new_password);
  await ctx.store.transaction(async (trx) => {
    await updateUser(trx, user.id, { password_hash: passwordHash });
    await deleteUserSessions(trx, user.id, sessionId);
    await appendAudit(trx, { workspaceId: user.workspace_id, actor: { ...userActor(user), ip }, action: 'user.password_changed', target: { kind: 'user', id: user.id } }, ctx.clock.now());
  });
}

/** Hands out a new secret for an authenticator app; two-factor stays off until a code confirms it. */
export async function startTwoFactorSetup(ctx: EngineContext, user: UserRow): Promise<{ secret: string; otpauth_url: string }> {
  const secret = newTotpSecret();
  await updateUser(ctx.store.db, user.id, { totp_pending_secret: secret });
  return { secret, otpauth_url: otpauthUrl(secret, user.email) };
}

function readCode(body: unknown): string {
  const parsed = twoFactorCodeSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError('invalid_code', zodIssues(parsed.error));
  return parsed.data.code;
}

const wrongCode = () => new ValidationError('invalid_code', [issueAt('code', 'wrong_code')]);

export async function enableTwoFactor(ctx: EngineContext, user: UserRow, body: unknown, ip?: string): Promise<void> {
  const code = readCode(body);
  if (!user.totp_pending_secret) throw new ConflictError('two_factor_not_started', 'set up two-factor sign-in first');
  const now = ctx.clock.now();
  const counter = acceptCode(user.totp_pending_secret, code, now, null);
  if (counter === null) throw wrongCode();
  await ctx.store.transaction(async (trx) => {
    await updateUser(trx, user.id, { totp_secret: user.totp_pending_secret, totp_pending_secret: null, totp_last_counter: counter });
    await appendAudit(trx, { workspaceId: user.workspace_id, actor: { ...userActor(user), ip }, action: 'user.two_factor_enabled', target: { kind: 'user', id: user.id } }, now);
  });
}

export async function disableTwoFactor(ctx: EngineContext, user: UserRow, workspace: Workspace, body: unknown, ip?: string): Promise<void> {
  const code = readCode(body);
  if (!user.totp_secret) return;
  if (workspace.require_two_factor === 1) throw new ConflictError('two_factor_required', 'this workspace requires two-factor sign-in');
  const now = ctx.clock.now();
  if (acceptCode(user.totp_secret, code, now, user.totp_last_counter) === null) throw wrongCode();
  await ctx.store.transaction(async (trx) => {
    await updateUser(trx, user.id, { totp_secret: null, totp_pending_secret: null, totp_last_counter: null });
    await appendAudit(trx, { workspaceId: user.workspace_id, actor: { ...userActor(user), ip }, action: 'user.two_factor_disabled', target: { kind: 'user', id: user.id } }, now);
  });
}
