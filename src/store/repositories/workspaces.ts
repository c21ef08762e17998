import type { Role } from '../../core/roles.js';
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import { resolvePlan, type Plan } from '../../core/workspace-plan.js';
import type { ApiKeyRow, Database, Workspace } from '../schema.js';
import { newId } from './ids.js';
import { inList } from './in-list.js';

export interface NewWorkspace {
  name: string;
  /** A plan of core/workspace-plan.ts; default `unlimited`, or `custom` when only a limit is given. */
  plan?: string;
  /** A positive integer, or null for no cap; default the plan's. */
  flowLimit?: number | null;
  /** Default `UTC`. */
  timezone?: string;
  senderEmail?: string | null;
  /** Default country for national phone numbers (ISO 3166-1 alpha-2); default none. */
  country?: string | null;
}

export async function createWorkspace(db: Kysely<Database>, input: NewWorkspace, now: number): Promise<Workspace> {
  const { plan, flowLimit } = resolvePlan({ plan: input.plan, flowLimit: input.flowLimit });
  const row: Workspace = {
    id: newId('ws'),
    name: input.name,
    plan,
    flow_limit: flowLimit,
    timezone: input.timezone ?? 'UTC',
    sender_email: input.senderEmail ?? null,
    country: input.country ?? null,
    require_two_factor: 0,
    created_at: now,
    retention_events_days: null,
    retention_deliveries_days: null,
    retention_outbox_days: null,
  };
  await db.insertInto('workspaces').values(row).execute();
  return row;
}

/** Settings a workspace's own API key may change; absent fields stay as they are. */
export interface WorkspaceChanges {
  name?: string;
  timezone?: string;
  senderEmail?: string | null;
  country?: string | null;
  plan?: string;
  flowLimit?: number | null;
  requireTwoFactor?: boolean;
  /** Days to keep events, delivery attempts, outbox messages; null: forever. */
  retention?: Partial<Record<RetentionKind, number | null>>;
}

/** What a workspace's retention settings cover (columns `retention_<kind>_days`). */
export const RETENTION_KINDS = ['events', 'deliveries', 'outbox'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

function retained(current: Workspace, changes: WorkspaceChanges, kind: RetentionKind): number | null {
  const value = changes.retention?.[kind];
  return value === undefined ? current[`retention_${kind}_days`] : value;
}

/** Applies `changes` (plan and limit through `resolvePlan`) and returns the updated row. */
export async function updateWorkspace(db: Kysely<Database>, id: string, changes: WorkspaceChanges): Promise<Workspace> {
  const current = await getWorkspace(db, id);
  const { plan, flowLimit } = resolvePlan(
    { plan: changes.plan, flowLimit: changes.flowLimit },
    { plan: current.plan as Plan, flowLimit: current.flow_limit },
  );
  const next: Workspace = {
    ...current,
    name: changes.name ?? current.name,
    timezone: changes.timezone ?? current.timezone,
    sender_email: changes.senderEmail === undefined ? current.sender_email : changes.senderEmail,
    country: changes.country === undefined ? current.country : changes.country,
    plan,
    flow_limit: flowLimit,
    require_two_factor: changes.requireTwoFactor === undefined ? current.require_two_factor : changes.requireTwoFactor ? 1 : 0,
    retention_events_days: retained(current, changes, 'events'),
    retention_deliveries_days: retained(current, changes, 'deliveries'),
    retention_outbox_days: retained(current, changes, 'outbox'),
  };
  const { id: _id, created_at: _created, ...values } = next;
  await db.updateTable('workspaces').set(values).where('id', '=', id).execute();
  return next;
}

export async function getWorkspace(db: Kysely<Database>, id: string): Promise<Workspace> {
  const row = await db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('workspace', id);
  return row;
}

export async function findWorkspace(db: Kysely<Database>, idOrName: string): Promise<Workspace | undefined> {
  return db
    .selectFrom('workspaces')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
    .orderBy('created_at')
    .executeTakeFirst();
}

export async function listWorkspaces(db: Kysely<Database>): Promise<Workspace[]> {
  return db.selectFrom('workspaces').selectAll().orderBy('created_at').execute();
}

export async function countWorkspaces(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('workspaces').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface CreatedApiKey {
  key: string;
  row: ApiKeyRow;
}

/** Creates a key `nk_<43 chars>`; only its hash is stored, so the key is shown once. */
export async function createApiKey(
  db: Kysely<Database>,
  workspaceId: string,
  name: string,
  now: number,
  role: Role = 'owner',
): Promise<CreatedApiKey> {
  const key = `nk_${randomBytes(32).toString('base64url')}`;
  const row: ApiKeyRow = {
    id: newId('key'),
    workspace_id: workspaceId,
    name,
    prefix: key.slice(0, 10),
    key_hash: hashApiKey(key),
    created_at: now,
    revoked_at: null,
    last_used_at: null,
    role,
  };
  await db.insertInto('api_keys').values(row).execute();
  return { key, row };
}

export async function listApiKeys(db: Kysely<Database>, workspaceId?: string): Promise<ApiKeyRow[]> {
  let q = db.selectFrom('api_keys').selectAll().orderBy('created_at');
  if (workspaceId) q = q.where('workspace_id', '=', workspaceId);
  return q.execute();
}

/**
 * Revokes a key by id or prefix, within one workspace when `workspaceId` is given (another
 * workspace's key is then not found). Revoking a revoked key keeps its first revocation time.
 */
export async function revokeApiKey(db: Kysely<Database>, idOrPrefix: string, now: number, workspaceId?: string): Promise<ApiKeyRow> {
  let q = db
    .selectFrom('api_keys')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrPrefix), eb('prefix', '=', idOrPrefix)]));
  if (workspaceId !== undefined) q = q.where('workspace_id', '=', workspaceId);
  const row = await q.executeTakeFirst();
  if (!row) throw new NotFoundError('API key', idOrPrefix);
  if (row.revoked_at !== null) return row;
  await db.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', row.id).execute();
  return { ...row, revoked_at: now };
}

/** Records that the key with this hash was used at `now`. */
export async function touchApiKey(db: Kysely<Database>, keyHash: string, now: number): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: now }).where('key_hash', '=', keyHash).execute();
}

/** A workspace found by one of its keys, with the key that found it. */
export type WorkspaceByKey = Workspace & { key_hash: string; key_id: string; key_name: string; key_prefix: string; key_role: string };

/** The workspaces of these key hashes (unrevoked keys only), each row with the key it was found by. */
export async function findWorkspacesByKeyHashes(db: Kysely<Database>, hashes: string[]): Promise<WorkspaceByKey[]> {
  return db
    .selectFrom('api_keys')
    .innerJoin('workspaces', 'workspaces.id', 'api_keys.workspace_id')
    .selectAll('workspaces')
    .select(['api_keys.key_hash', 'api_keys.id as key_id', 'api_keys.name as key_name', 'api_keys.prefix as key_prefix', 'api_keys.role as key_role'])
    .where(inList(db, 'api_keys.key_hash', hashes))
    .where('api_keys.revoked_at', 'is', null)
    .execute();
}
