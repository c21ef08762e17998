import type { Kysely } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type { Database, DeliveryRow, OutboxRow } from '../schema.js';
import type { ListOptions } from './contacts.js';
import { decodeJson } from './json.js';
import type { Work } from '../unit-of-work.js';

/** Records a delivery attempt (at commit, when the unit of work queues). */
export async function insertDelivery(work: Work, row: DeliveryRow): Promise<void> {
  if (work.pending) work.pending.queueInsert('deliveries', [row]);
  else await work.db.insertInto('deliveries').values(row).execute();
}

export interface DeliveryFilters extends ListOptions {
  session_id?: string | undefined;
  flow_id?: string | undefined;
  status?: string | undefined;
  channel?: string | undefined;
  /** Epoch ms: attempts made at or after this time. */
  created_after?: number | undefined;
  /** Epoch ms: attempts made before this time. */
  created_before?: number | undefined;
  /** Nudge ids (record-refs.ts resolves the booking system's): deliveries of that contact's or appointment's sessions. */
  contact_id?: string | undefined;
  appointment_id?: string | undefined;
}

export async function listDeliveries(
  db: Kysely<Database>,
  workspaceId: string,
  filters: DeliveryFilters,
): Promise<DeliveryRow[]> {
  let q = db.selectFrom('deliveries').selectAll().where('workspace_id', '=', workspaceId);
  if (filters.session_id) q = q.where('session_id', '=', filters.session_id);
  if (filters.flow_id) q = q.where('flow_id', '=', filters.flow_id);
  if (filters.status) q = q.where('status', '=', filters.status);
  if (filters.channel) q = q.where('channel', '=', filters.channel);
  if (filters.created_after !== undefined) q = q.where('created_at', '>=', filters.created_after);
  if (filters.created_before !== undefined) q = q.where('created_at', '<', filters.created_before);
  for (const column of ['contact_id', 'appointment_id'] as const) {
    const id = filters[column];
    if (id) q = q.where('session_id', 'in', (eb) => eb.selectFrom('sessions').select('id').where('workspace_id', '=', workspaceId).where(column, '=', id));
  }
  if (filters.cursor) q = q.where('id', '<', filters.cursor);
  return q.orderBy('id', 'desc').limit(filters.limit).execute();
}

export async function listSessionDeliveries(db: Kysely<Database>, sessionId: string): Promise<DeliveryRow[]> {
  return db.selectFrom('deliveries').selectAll().where('session_id', '=', sessionId).orderBy('id').execute();
}

export async function getDelivery(db: Kysely<Database>, workspaceId: string, id: string): Promise<DeliveryRow> {
  const row = await db
    .selectFrom('deliveries')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('delivery', id);
  return row;
}

export async function countDeliveriesByStatus(db: Kysely<Database>): Promise<Array<{ channel: string; status: string; count: number }>> {
  const rows = await db
    .selectFrom('deliveries')
    .select(['channel', 'status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy(['channel', 'status'])
    .execute();
  return rows.map((r) => ({ channel: r.channel, status: r.status, count: Number(r.count) }));
}

export function deliveryView(row: DeliveryRow): Record<string, unknown> {
  return {
    id: row.id,
    session_id: row.session_id,
    flow_id: row.flow_id,
    step_id: row.step_id,
    channel: row.channel,
    attempt: row.attempt,
    idempotency_key: row.idempotency_key,
    status: row.status,
    request: decodeJson(row.request_json, null),
    response: decodeJson(row.response_json, null),
    error: row.error,
    duration_ms: row.duration_ms,
    created_at: new Date(row.created_at).toISOString(),
  };
}

export async function insertOutbox(db: Kysely<Database>, row: OutboxRow): Promise<void> {
  await db.insertInto('outbox').values(row).execute();
}

export async function listOutbox(db: Kysely<Database>, workspaceId: string, options: ListOptions & { to?: string | undefined }): Promise<OutboxRow[]> {
  let q = db.selectFrom('outbox').selectAll().where('workspace_id', '=', workspaceId);
  if (options.to) q = q.where('to_address', '=', options.to);
  if (options.cursor) q = q.where('id', '<', options.cursor);
  return q.orderBy('id', 'desc').limit(options.limit).execute();
}

export async function getOutboxMessage(db: Kysely<Database>, workspaceId: string, id: string): Promise<OutboxRow> {
  const row = await db
    .selectFrom('outbox')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('outbox message', id);
  return row;
}

export function outboxView(row: OutboxRow): Record<string, unknown> {
  return {
    id: row.id,
    delivery_id: row.delivery_id,
    session_id: row.session_id,
    message_id: row.message_id,
    from: row.from_address,
    to: row.to_address,
    subject: row.subject,
    html: row.html,
    text: row.text,
    headers: decodeJson(row.headers_json, {}),
    created_at: new Date(row.created_at).toISOString(),
  };
}
