/** Sources, their deliveries and booking links: one function per statement. */
import type { Kysely } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type { Database } from '../schema.js';
import type { SourceDeliveryRow, SourceRow } from '../source-tables.js';

export async function insertSource(db: Kysely<Database>, row: SourceRow): Promise<void> {
  await db.insertInto('sources').values(row).execute();
}

export async function getSource(db: Kysely<Database>, workspaceId: string, id: string): Promise<SourceRow> {
  const row = await db.selectFrom('sources').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('source', id);
  return row;
}

export async function findSourceByTokenHash(db: Kysely<Database>, tokenHash: string): Promise<SourceRow | undefined> {
  return db.selectFrom('sources').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function listSources(db: Kysely<Database>, workspaceId: string): Promise<SourceRow[]> {
  return db.selectFrom('sources').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute();
}

export async function updateSourceFields(
  db: Kysely<Database>,
  id: string,
  changes: Partial<
    Pick<
      SourceRow,
      'name' | 'config_json' | 'secret_ciphertext' | 'token_hash' | 'token_ciphertext' | 'rotated_at' | 'credentials_ciphertext' | 'previous_secret_ciphertext' | 'previous_secret_expires_at'
    >
  >,
): Promise<void> {
  await db.updateTable('sources').set(changes).where('id', '=', id).execute();
}

/** Deletes a source and the deliveries it received; booking links stay (they describe appointments). */
export async function deleteSource(db: Kysely<Database>, workspaceId: string, id: string): Promise<void> {
  const r = await db.deleteFrom('sources').where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw new NotFoundError('source', id);
  await db.deleteFrom('source_deliveries').where('source_id', '=', id).execute();
}

export async function insertDelivery(db: Kysely<Database>, row: SourceDeliveryRow): Promise<void> {
  await db.insertInto('source_deliveries').values(row).execute();
}

export async function getDelivery(db: Kysely<Database>, sourceId: string, id: string): Promise<SourceDeliveryRow> {
  const row = await db.selectFrom('source_deliveries').selectAll().where('source_id', '=', sourceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError('delivery', id);
  return row;
}

/** A source's deliveries, newest first, before `cursor` (a delivery id). */
export async function listDeliveries(
  db: Kysely<Database>,
  sourceId: string,
  options: { limit: number; cursor?: string | undefined },
): Promise<SourceDeliveryRow[]> {
  let q = db.selectFrom('source_deliveries').selectAll().where('source_id', '=', sourceId);
  if (options.cursor) q = q.where('id', '<', options.cursor);
  return q.orderBy('id', 'desc').limit(options.limit).execute();
}

/** The newest delivery of each of these sources. */
export async function lastDeliveries(db: Kysely<Database>, sourceIds: string[]): Promise<Map<string, SourceDeliveryRow>> {
  const out = new Map<string, SourceDeliveryRow>();
  for (const id of sourceIds) {
    const [row] = await listDeliveries(db, id, { limit: 1 });
    if (row) out.set(id, row);
  }
  return out;
}

/** The first verified delivery of this source with this replay key, received at or after `since` (redeliveries recorded as duplicates are not it). */
export async function findVerifiedByReplayKey(
  db: Kysely<Database>,
  sourceId: string,
  replayKey: string,
  since: number,
): Promise<SourceDeliveryRow | undefined> {
  return db
    .selectFrom('source_deliveries')
    .selectAll()
    .where('source_id', '=', sourceId)
    .where('replay_key', '=', replayKey)
    .where('verified', '=', 1)
    .where('replay_of', 'is', null)
    .where('outcome', '<>', 'duplicate')
    .where('received_at', '>=', since)
    .orderBy('id')
    .executeTakeFirst();
}

/** The appointment key a vendor booking id belongs to, if a reschedule linked it. */
export async function findBookingKey(db: Kysely<Database>, workspaceId: string, kind: string, bookingId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('source_bookings')
    .select('appointment_key')
    .where('workspace_id', '=', workspaceId)
    .where('kind', '=', kind)
    .where('booking_id', '=', bookingId)
    .executeTakeFirst();
  return row?.appointment_key;
}

/** Links a booking id to an appointment key; a link already made stays as it is. */
export async function linkBooking(
  db: Kysely<Database>,
  link: { workspaceId: string; kind: string; bookingId: string; appointmentKey: string },
  now: number,
): Promise<void> {
  await db
    .insertInto('source_bookings')
    .values({ workspace_id: link.workspaceId, kind: link.kind, booking_id: link.bookingId, appointment_key: link.appointmentKey, created_at: now })
    .onConflict((oc) => oc.columns(['workspace_id', 'kind', 'booking_id']).doNothing())
    .execute();
}

/** The stored start of the appointment with this external id, if it exists. */
export async function appointmentStart(db: Kysely<Database>, workspaceId: string, externalId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('appointments')
    .select('start_at')
    .where('workspace_id', '=', workspaceId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row?.start_at ?? undefined;
}
