import type { Kysely } from 'kysely';
import { formatStoredTime } from '../../core/input-ranges.js';
import { NotFoundError } from '../../core/errors.js';
import type { Database, EventRow } from '../schema.js';
import type { ListOptions } from './contacts.js';
import { decodeJson } from './json.js';
import type { Work } from '../unit-of-work.js';

/** The event with this idempotency key: as the unit of work knows it or queued it, else from the table. */
export async function findEventByKey(work: Work, workspaceId: string, key: string): Promise<EventRow | undefined> {
  // Read ahead for the group, or stored by this transaction since (read-ahead.ts).
  const known = work.known?.event(workspaceId, key);
  if (known !== undefined) return known ?? undefined;
  // Without a read-ahead, an event this transaction stored is still in the write-behind queue.
  const queued = work.pending?.queued('events').find((e) => e.workspace_id === workspaceId && e.idempotency_key === key);
  if (queued) return queued as EventRow;
  return work.db
    .selectFrom('events')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

/** Stores an event (at the end of the transaction, with write-behind; `findEventByKey` sees it at once). */
export async function insertEvent(work: Work, row: EventRow): Promise<void> {
  work.known?.rememberEvent(row);
  if (work.pending) work.pending.queueInsert('events', [row]);
  else await work.db.insertInto('events').values(row).execute();
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
