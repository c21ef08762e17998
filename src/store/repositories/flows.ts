import type { Kysely } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type { Database, FlowRow, FlowVersionRow } from '../schema.js';
import { newId } from './ids.js';
import { encodeJson } from './json.js';

export type FlowStatus = 'draft' | 'active' | 'paused' | 'archived';

/** Statuses that count against the workspace's plan limit. */
export const LIVE_FLOW_STATUSES: FlowStatus[] = ['active', 'paused'];

export async function insertFlow(
  db: Kysely<Database>,
  workspaceId: string,
  definition: { name: string },
  now: number,
): Promise<FlowRow> {
  const row: FlowRow = {
    id: newId('fl'),
    workspace_id: workspaceId,
    name: definition.name,
    status: 'draft',
    version: 1,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('flows').values(row).execute();
  await db
    .insertInto('flow_versions')
    .values({ flow_id: row.id, version: 1, definition_json: encodeJson(definition), created_at: now })
    .execute();
  return row;
}

/** Stores a new version and makes it the one new sessions start on; running sessions keep theirs. */
export async function addFlowVersion(
  db: Kysely<Database>,
  flow: FlowRow,
  definition: { name: string },
  now: number,
): Promise<FlowRow> {
  const version = flow.version + 1;
  await db
    .insertInto('flow_versions')
    .values({ flow_id: flow.id, version, definition_json: encodeJson(definition), created_at: now })
    .execute();
  await db
    .updateTable('flows')
    .set({ version, name: definition.name, updated_at: now })
    .where('id', '=', flow.id)
    .execute();
  return { ...flow, version, name: definition.name, updated_at: now };
}

export async function getFlow(db: Kysely<Database>, workspaceId: string, id: string): Promise<FlowRow> {
  const row = await db
    .selectFrom('flows')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('flow', id);
  return row;
}

export async function getFlowById(db: Kysely<Database>, id: string): Promise<FlowRow | undefined> {
  return db.selectFrom('flows').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findFlowByName(db: Kysely<Database>, workspaceId: string, name: string): Promise<FlowRow | undefined> {
  return db
    .selectFrom('flows')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('name', '=', name)
    .where('status', '!=', 'archived')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

/** The workspace's flows, oldest first, each with the definition of its current version. */
export async function listFlows(
  db: Kysely<Database>,
  workspaceId: string,
  status?: string | undefined,
): Promise<Array<FlowRow & { definition_json: string }>> {
  let q = db
    .selectFrom('flows')
    .innerJoin('flow_versions', (join) => join.onRef('flow_versions.flow_id', '=', 'flows.id').onRef('flow_versions.version', '=', 'flows.version'))
    .selectAll('flows')
    .select('flow_versions.definition_json')
    .where('flows.workspace_id', '=', workspaceId);
  if (status) q = q.where('flows.status', '=', status);
  return q.orderBy('flows.created_at').execute();
}

export async function listFlowVersions(db: Kysely<Database>, flowId: string): Promise<FlowVersionRow[]> {
  return db.selectFrom('flow_versions').selectAll().where('flow_id', '=', flowId).orderBy('version', 'desc').execute();
}

export async function getFlowVersion(db: Kysely<Database>, flowId: string, version: number): Promise<FlowVersionRow> {
  const row = await db
    .selectFrom('flow_versions')
    .selectAll()
    .where('flow_id', '=', flowId)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('flow version', `${flowId}@${version}`);
  return row;
}

export async function setFlowStatus(db: Kysely<Database>, flowId: string, status: FlowStatus, now: number): Promise<void> {
  await db.updateTable('flows').set({ status, updated_at: now }).where('id', '=', flowId).execute();
}

export async function countLiveFlows(db: Kysely<Database>, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('flows')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('status', 'in', LIVE_FLOW_STATUSES)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The active and paused flows of a workspace (the version each runs is `version`; its definition is
 * read apart, and cached). Paused flows are included because their appointment triggers are kept
 * (held) while paused.
 */
export async function listLiveFlows(db: Kysely<Database>, workspaceId: string): Promise<FlowRow[]> {
  return db.selectFrom('flows').selectAll().where('workspace_id', '=', workspaceId).where('status', 'in', LIVE_FLOW_STATUSES).execute();
}
