/**
 * What `nudge users create|list|setup-link` do on the database. user-commands.ts imports this
 * module when one of them runs, so that the other commands start without the account code.
 */
import { acceptInviteSchema, roleSchema } from '../core/account-input.js';
import { NudgeError, ValidationError } from '../core/errors.js';
import { issueAt } from '../core/issue-codes.js';
import { zodIssues } from '../core/zod-issues.js';
import { createInvite, invitePath } from '../engine/accounts/invites.js';
import { hashPassword } from '../engine/accounts/passwords.js';
import { appendAudit } from '../store/repositories/audit-log.js';
import { listUsers } from '../store/repositories/users.js';
import { addAccount } from '../engine/accounts/users.js';
import { findWorkspace, listWorkspaces } from '../store/repositories/workspaces.js';
import type { Store } from '../store/store.js';
import type { Workspace } from '../store/schema.js';
import { print } from './client-options.js';
import { readSecretValue } from './secret-input.js';

/** The named workspace, or the only one when none is named. */
async function workspaceOf(store: Store, name: string | undefined): Promise<Workspace> {
  if (name !== undefined) {
    const ws = await findWorkspace(store.db, name);
    if (!ws) throw new NudgeError('not_found', `workspace ${name} not found`, { status: 404 });
    return ws;
  }
  const all = await listWorkspaces(store.db);
  if (all.length === 1) return all[0]!;
  throw new NudgeError('workspace_required', all.length === 0 ? 'no workspace yet: run `./nudge serve` once, or `./nudge workspaces create`' : 'several workspaces: name one with --workspace', { status: 400 });
}

export async function createAccount(store: Store, o: { email: string; name: string; role: string; workspace?: string }): Promise<void> {
  await store.migrate();
  const role = roleSchema.safeParse(o.role);
  if (!role.success) throw new ValidationError('invalid_role', [issueAt('role', 'invalid_value', { values: 'owner, admin, staff' })]);
  const password = await readSecretValue('password', process.stdin, `Password for ${o.email}`);
  const parsed = acceptInviteSchema.safeParse({ email: o.email, name: o.name, password });
  if (!parsed.success) throw new ValidationError('invalid_account', zodIssues(parsed.error));
  const ws = await workspaceOf(store, o.workspace);
  const passwordHash = await hashPassword(parsed.data.password);
  const now = Date.now();
  const user = await store.transaction(async (trx) => {
    const user = await addAccount(trx, { workspaceId: ws.id, email: parsed.data.email, name: parsed.data.name, role: role.data, passwordHash }, now);
    await appendAudit(trx, { workspaceId: ws.id, actor: { kind: 'system', id: null, label: 'nudge users create' }, action: 'user.created', target: { kind: 'user', id: user.id }, details: { role: role.data } }, now);
    return user;
  });
  print(`${user.id}  ${user.email}  ${user.role}  (workspace ${ws.name})`);
}

export async function listAccounts(store: Store, workspace: string | undefined): Promise<void> {
  const ws = await workspaceOf(store, workspace);
  for (const u of await listUsers(store.db, ws.id)) print(`${u.id}  ${u.email}  ${u.role}${u.totp_secret ? '  2FA' : ''}`);
}

/** Prints a new one-time link that creates an owner account, on `baseUrl`. */
export async function printSetupLink(store: Store, workspace: string | undefined, baseUrl: string): Promise<void> {
  await store.migrate();
  const ws = await workspaceOf(store, workspace);
  const { token } = await createInvite(store.db, { workspaceId: ws.id, kind: 'setup', role: 'owner', email: null, createdBy: null }, Date.now());
  print(`${baseUrl}${invitePath('setup', token)}`);
}
