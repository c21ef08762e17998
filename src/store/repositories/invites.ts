/** Invites: a link with a one-time token that lets a person create their account with a role. */
import type { Kysely } from 'kysely';
import type { Database, InviteRow } from '../schema.js';
import { newId } from './ids.js';

export interface NewInvite {
  workspaceId: string;
  tokenHash: string;
  kind: 'setup' | 'invite';
  role: string;
  email: string | null;
  createdBy: string | null;
  expiresAt: number;
}

export async function insertInvite(db: Kysely<Database>, input: NewInvite, now: number): Promise<InviteRow> {
  const row: InviteRow = {
    id: newId('iv'),
    workspace_id: input.workspaceId,
    token_hash: input.tokenHash,
    kind: input.kind,
    role: input.role,
    email: input.email?.toLowerCase() ?? null,
    created_by: input.createdBy,
    created_at: now,
    expires_at: input.expiresAt,
    accepted_at: null,
  };
  await db.insertInto('invites').values(row).execute();
  return row;
}

/** An invite that can still be accepted at `now`: not used, not expired. */
export async function findOpenInvite(db: Kysely<Database>, tokenHash: string, now: number): Promise<InviteRow | undefined> {
  return db
    .selectFrom('invites')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Marks an invite used; false when another request used it first. */
export async function markInviteAccepted(db: Kysely<Database>, id: string, now: number): Promise<boolean> {
  const result = await db.updateTable('invites').set({ accepted_at: now }).where('id', '=', id).where('accepted_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listOpenInvites(db: Kysely<Database>, workspaceId: string, now: number): Promise<InviteRow[]> {
  return db
    .selectFrom('invites')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('id')
    .execute();
}

/** Deletes an unused invite of this workspace; false when there is none with this id. */
export async function deleteInvite(db: Kysely<Database>, workspaceId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('invites').where('workspace_id', '=', workspaceId).where('id', '=', id).where('accepted_at', 'is', null).executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
