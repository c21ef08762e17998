/**
 * Invites and the setup link. An invite is a one-time token (only its hash is stored) that lets
 * a person create an account with a given role in a workspace. The setup link printed on the
 * first start is an invite of kind `setup` with role owner. Invites last 7 days.
 */
import { NotFoundError, NudgeError, ValidationError } from '../../core/errors.js';
import { issueAt } from '../../core/issue-codes.js';
import { acceptInviteSchema, newInviteSchema } from '../../core/account-input.js';
import type { Role } from '../../core/roles.js';
import { zodIssues } from '../../core/zod-issues.js';
import { appendAudit, type AuditEntry } from '../../store/repositories/audit-log.js';
import { findOpenInvite, insertInvite, markInviteAccepted } from '../../store/repositories/invites.js';
import { addAccount } from './users.js';
import { getWorkspace } from '../../store/repositories/workspaces.js';
import type { Database, InviteRow } from '../../store/schema.js';
import type { Kysely } from 'kysely';
import type { EngineContext } from '../engine-context.js';
import { hashPassword } from './passwords.js';
import { startSession, userActor, type SignedIn } from './sessions.js';
import { hashToken, newToken } from './tokens.js';

export const INVITE_TTL_MS = 7 * 24 * 3600_000;

/** The path of the page that accepts an invite (the web app's). */
export function invitePath(kind: string, token: string): string {
  return `/${kind === 'setup' ? 'setup' : 'invite'}?token=${encodeURIComponent(token)}`;
}

export async function createInvite(
  db: Kysely<Database>,
  input: { workspaceId: string; kind: 'setup' | 'invite'; role: Role; email: string | null; createdBy: string | null },
  now: number,
): Promise<{ row: InviteRow; token: string }> {
  const token = newToken();
  const row = await insertInvite(db, { ...input, tokenHash: hashToken(token), expiresAt: now + INVITE_TTL_MS }, now);
  return { row, token };
}

/** Validates an invite request of the API and creates it on behalf of `actor`. */
export async function inviteUser(ctx: EngineContext, workspaceId: string, body: unknown, actor: AuditEntry['actor']): Promise<{ row: InviteRow; token: string }> {
  const parsed = newInviteSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError('invalid_invite', zodIssues(parsed.error));
  const now = ctx.clock.now();
  return ctx.store.transaction(async (trx) => {
    const created = await createInvite(trx, { workspaceId, kind: 'invite', role: parsed.data.role, email: parsed.data.email ?? null, createdBy: actor.id }, now);
    await appendAudit(trx, { workspaceId, actor, action: 'user.invited', target: { kind: 'invite', id: created.row.id }, details: { role: parsed.data.role, email: parsed.data.email ?? null } }, now);
    return created;
  });
}

async function openInvite(ctx: EngineContext, token: string): Promise<InviteRow> {
  const invite = await findOpenInvite(ctx.store.db, hashToken(token), ctx.clock.now());
  if (!invite) throw new NudgeError('invite_not_found', 'this link is unknown, already used or expired; ask for a new one', { status: 404 });
  return invite;
}

export async function describeInvite(ctx: EngineContext, token: string) {
  const invite = await openInvite(ctx, token);
  const workspace = await getWorkspace(ctx.store.db, invite.workspace_id);
  return { kind: invite.kind, role: invite.role, workspace_name: workspace.name, email: invite.email, expires_at: new Date(invite.expires_at).toISOString() };
}

/** Creates the account an invite offers and signs its new user in. A token works once. */
export async function acceptInvite(ctx: EngineContext, token: string, body: unknown, ip?: string): Promise<SignedIn> {
  const invite = await openInvite(ctx, token);
  const parsed = acceptInviteSchema.safeParse(body);
  if (!parsed.success) throw new ValidationError('invalid_account', zodIssues(parsed.error));
  const email = parsed.data.email.toLowerCase();
  if (invite.email !== null && invite.email !== email) throw new ValidationError('invalid_account', [issueAt('email', 'invite_email', { email: invite.email })]);
  const passwordHash = await hashPassword(parsed.data.password);
  const now = ctx.clock.now();
  const user = await ctx.store.transaction(async (trx) => {
    if (!(await markInviteAccepted(trx, invite.id, now))) throw new NotFoundError('invite', invite.id);
    const user = await addAccount(trx, { workspaceId: invite.workspace_id, email, name: parsed.data.name, role: invite.role, passwordHash }, now);
    await appendAudit(trx, { workspaceId: invite.workspace_id, actor: { ...userActor(user), ip }, action: 'user.joined', target: { kind: 'user', id: user.id }, details: { role: invite.role, invite_id: invite.id } }, now);
    return user;
  });
  return startSession(ctx, user);
}
