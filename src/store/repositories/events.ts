import type { Kysely } from 'kysely';
import { formatStoredTime } from '../../core/input-ranges.js';
import { NotFoundError } from '../../core/errors.js';
import type { Database, EventRow } from '../schema.js';
import type { ListOptions } from './contacts.js';
import { decodeJson } from './json.js';
import { knownEvent, rememberEvent } from './read-ahead.js';
import { deferInsert, queuedRows } from './write-behind.js';

export async function findEventByKey(db: Kysely<Database>, workspaceId: string, key: string): Promise<EventRow | undefined> {
  // Read ahead for the group, or stored by this transaction since (read-ahead.ts).
  const known = knownEvent(db, workspaceId, key);
  if (known !== undefined) return known ?? undefined;
  // Without a read-ahead, an event this transaction stored is still in the write-behind queue.
  const queued = queuedRows(db, 'events').find((e) => e.workspace_id === workspaceId && e.idempotency_key === key);
  if (queued) return queued as EventRow;
  return db
    .selectFrom('events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/** Stores an event (at the end of the transaction, with write-behind; `findEventByKey` sees it at once). */
export async function insertEvent(db: Kysely<Database>, row: EventRow): Promise<void> {
  rememberEvent(db, row);
  if (deferInsert(db, 'events', [row])) return;
  await db.insertInto('events').values(row).execute();
}

export async function getEventById(db: Kysely<Database>, id: string): Promise<EventRow | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getEvent(db: Kysely<Database>, workspaceId: string, id: string): Promise<EventRow> {
  const row = await db.selectFrom('events').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('event', id);
  return row;
}

export async function listEvents(
  db: Kysely<Database>,
  workspaceId: string,
  options: ListOptions & { name?: string | undefined; contact_id?: string | undefined; appointment_id?: string | undefined },
): Promise<EventRow[]> {
  let q = db.selectFrom('events').selectAll().where('workspace_id', '=', workspaceId);
  if (options.name) q = q.where('name', '=', options.name);
  if (options.contact_id) q = q.where('contact_id', '=', options.contact_id);
  if (options.appointment_id) q = q.where('appointment_id', '=', options.appointment_id);
  if (options.cursor) q = q.where('id', '<', options.cursor);
  return q.orderBy('id', 'desc').limit(options.limit).execute();
}

export function eventView(row: EventRow): Record<string, unknown> {
  return {
    id: row.id,
    name: row.name,
    idempotency_key: row.idempotency_key,
    contact_id: row.contact_id,
    appointment_id: row.appointment_id,
    occurred_at: formatStoredTime(row.occurred_at),
    received_at: formatStoredTime(row.received_at),
    payload: decodeJson(row.payload_json, {}),
  };
}
