/** Users of the web app and their browser sessions. Emails are stored lower-cased. */
import type { Kysely } from 'kysely';
import type { Database, UserRow, UserSessionRow } from '../schema.js';
import { newId } from './ids.js';

export interface NewUser {
  workspaceId: string;
  email: string;
  name: string;
  role: string;
  passwordHash: string;
}

export async function insertUser(db: Kysely<Database>, input: NewUser, now: number): Promise<UserRow> {
  const row: UserRow = {
    id: newId('us'),
    workspace_id: input.workspaceId,
    email: input.email.toLowerCase(),
    name: input.name,
    role: input.role,
    password_hash: input.passwordHash,
    totp_secret: null,
    totp_pending_secret: null,
    totp_last_counter: null,
    created_at: now,
    last_sign_in_at: null,
  };
  await db.insertInto('users').values(row).execute();
  return row;
}

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

/** A user of this workspace (another workspace's id is not found). */
export async function findUser(db: Kysely<Database>, workspaceId: string, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function listUsers(db: Kysely<Database>, workspaceId: string): Promise<UserRow[]> {
  return db.selectFrom('users').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute();
}

export async function countOwners(db: Kysely<Database>, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export type UserChanges = Partial<Pick<UserRow, 'role' | 'name' | 'password_hash' | 'totp_secret' | 'totp_pending_secret' | 'totp_last_counter' | 'last_sign_in_at'>>;

export async function updateUser(db: Kysely<Database>, id: string, changes: UserChanges): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', id).execute();
}

export async function deleteUser(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('user_sessions').where('user_id', '=', id).execute();
  await db.deleteFrom('users').where('id', '=', id).execute();
}

export async function insertUserSession(db: Kysely<Database>, row: UserSessionRow): Promise<void> {
  await db.insertInto('user_sessions').values(row).execute();
}

/** The session with this token hash and its user, if the session has not expired at `now`. */
export async function findUserSession(
  db: Kysely<Database>,
  id: string,
  now: number,
): Promise<{ session: UserSessionRow; user: UserRow } | undefined> {
  const session = await db.selectFrom('user_sessions').selectAll().where('id', '=', id).where('expires_at', '>', now).executeTakeFirst();
  if (!session) return undefined;
  const user = await db.selectFrom('users').selectAll().where('id', '=', session.user_id).executeTakeFirst();
  return user ? { session, user } : undefined;
}

export async function touchUserSession(db: Kysely<Database>, id: string, lastSeenAt: number, expiresAt: number): Promise<void> {
  await db.updateTable('user_sessions').set({ last_seen_at: lastSeenAt, expires_at: expiresAt }).where('id', '=', id).execute();
}

export async function deleteUserSession(db: Kysely<Database>, id: string): Promise<void> {
  await db.deleteFrom('user_sessions').where('id', '=', id).execute();
}

/** Ends every session of a user, but `keep` (the one making the request) when given. */
export async function deleteUserSessions(db: Kysely<Database>, userId: string, keep?: string): Promise<void> {
  let q = db.deleteFrom('user_sessions').where('user_id', '=', userId);
  if (keep !== undefined) q = q.where('id', '!=', keep);
  await q.execute();
}
