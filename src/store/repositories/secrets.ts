import type { Kysely } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type { Database, SecretRow } from '../schema.js';

export async function putSecret(db: Kysely<Database>, workspaceId: string, name: string, ciphertext: string, now: number): Promise<SecretRow> {
  const existing = await db
    .selectFrom('secrets')
    .select('created_at')
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (existing) {
    await db.updateTable('secrets').set({ ciphertext, updated_at: now }).where('workspace_id', '=', workspaceId).where('name', '=', name).execute();
    return { workspace_id: workspaceId, name, ciphertext, created_at: existing.created_at, updated_at: now };
  }
  const row: SecretRow = { workspace_id: workspaceId, name, ciphertext, created_at: now, updated_at: now };
  await db.insertInto('secrets').values(row).execute();
  return row;
}

export async function listSecrets(db: Kysely<Database>, workspaceId: string): Promise<SecretRow[]> {
  return db.selectFrom('secrets').selectAll().where('workspace_id', '=', workspaceId).orderBy('name').execute();
}

export async function deleteSecret(db: Kysely<Database>, workspaceId: string, name: string): Promise<void> {
  const r = await db.deleteFrom('secrets').where('workspace_id', '=', workspaceId).where('name', '=', name).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw new NotFoundError('secret', name);
}
