/**
 * The one place that turns what a caller names an appointment or contact by into the row: Nudge's
 * own id (`ap_…`, `ct_…`) or the booking system's id (`external_id`). Nudge's id wins when both
 * match (a booking system whose ids look like Nudge's cannot hide another record), and only rows of
 * the given workspace are ever looked at: two workspaces may use the same external id.
 */
import type { Kysely } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type { AppointmentRow, ContactRow, Database } from '../schema.js';

/** At most two rows match a reference (one by id, one by external id): Nudge's own id wins. */
function preferOwnId<T extends { id: string }>(rows: T[], ref: string): T | undefined {
  return rows.find((r) => r.id === ref) ?? rows[0];
}

async function findAppointmentByRef(db: Kysely<Database>, workspaceId: string, ref: string): Promise<AppointmentRow | undefined> {
  const rows = await db
    .selectFrom('appointments')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('id', '=', ref), eb('external_id', '=', ref)]))
    .limit(2)
    .execute();
  return preferOwnId(rows, ref);
}

async function findContactByRef(db: Kysely<Database>, workspaceId: string, ref: string): Promise<ContactRow | undefined> {
  const rows = await db
    .selectFrom('contacts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('id', '=', ref), eb('external_id', '=', ref)]))
    .limit(2)
    .execute();
  return preferOwnId(rows, ref);
}

export async function getAppointment(db: Kysely<Database>, workspaceId: string, ref: string): Promise<AppointmentRow> {
  const row = await findAppointmentByRef(db, workspaceId, ref);
  if (!row) throw new NotFoundError('appointment', ref);
  return row;
}

export async function getContact(db: Kysely<Database>, workspaceId: string, ref: string): Promise<ContactRow> {
  const row = await findContactByRef(db, workspaceId, ref);
  if (!row) throw new NotFoundError('contact', ref);
  return row;
}

/**
 * Filters of listings (`contact_id`, `appointment_id`) resolved to Nudge ids. `null` when a filter
 * names nothing in this workspace: the listing is then empty.
 */
export async function resolveRefFilters(
  db: Kysely<Database>,
  workspaceId: string,
  filters: { contact_id?: string | undefined; appointment_id?: string | undefined },
): Promise<{ contact_id?: string; appointment_id?: string } | null> {
  const out: { contact_id?: string; appointment_id?: string } = {};
  if (filters.contact_id) {
    const row = await findContactByRef(db, workspaceId, filters.contact_id);
    if (!row) return null;
    out.contact_id = row.id;
  }
  if (filters.appointment_id) {
    const row = await findAppointmentByRef(db, workspaceId, filters.appointment_id);
    if (!row) return null;
    out.appointment_id = row.id;
  }
  return out;
}
