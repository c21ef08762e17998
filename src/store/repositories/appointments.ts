import type { Kysely } from 'kysely';
import { formatStoredTime } from '../../core/input-ranges.js';
import type { AppointmentRow, Database } from '../schema.js';
import { newId } from './ids.js';
import { decodeJson } from './json.js';
import type { Work } from '../unit-of-work.js';
import type { ListOptions } from './contacts.js';
import { contactSearchCondition } from './contact-search.js';
import { APPOINTMENT_PROPERTIES } from '../../core/appointment-properties.js';
import { applyAppointmentChange as nextAppointment, type AppointmentChange, type AppointmentTransition } from '../../core/appointment-change.js';

export { APPOINTMENT_PROPERTIES };

export type { AppointmentChange };

export type AppointmentApplyResult = AppointmentTransition<AppointmentRow>;

/**
 * Creates or updates an appointment from an event in the caller's unit of work, as
 * core/appointment-change.ts decides (an event older than the last one applied changes nothing).
 * Looks the appointment up in what the unit read ahead, writes a new one at commit when the unit
 * queues, and changes a queued one in the queue.
 */
export async function applyAppointmentChange(
  work: Work,
  workspaceId: string,
  contactId: string | null,
  change: AppointmentChange,
  occurredAt: number,
  now: number,
): Promise<AppointmentApplyResult> {
  const { db, pending } = work;
  const known = work.known?.appointment(workspaceId, change.external_id);
  const previous =
    known !== undefined
      ? (known ?? undefined)
      : await db
          .selectFrom('appointments')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('external_id', '=', change.external_id)
          .executeTakeFirst();
  const result = nextAppointment(previous, change, { workspaceId, contactId, newId: previous?.id ?? newId('ap') }, occurredAt, now);
  if (!result.applied) return result;
  const row = result.row;
  if (!previous) {
    // A new appointment's id is unknown outside this transaction: with write-behind, it is written at commit.
    if (pending) pending.queueNew('appointments', row);
    else await db.insertInto('appointments').values(row).execute();
  } else if (pending?.row('appointments', previous.id)) {
    // Created earlier in this transaction and not yet written: change the queued row instead.
    pending.queueNew('appointments', row);
  } else {
    await db
      .updateTable('appointments')
      .set({ ...row, id: undefined, workspace_id: undefined, created_at: undefined })
      .where('id', '=', previous.id)
      .execute();
  }
  work.known?.rememberAppointment(row);
  return result;
}

/** The appointment with this id: queued by the unit of work and not yet written, or from the table. */
export async function getAppointmentById(work: Work, id: string): Promise<AppointmentRow | undefined> {
  const pending = work.pending?.row('appointments', id);
  if (pending) return pending;
  return work.db.selectFrom('appointments').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * A workspace's appointments, newest first. `q` matches the booking system's id exactly, or the
 * contact as `GET /v1/contacts?q=` does (a prefix of email or name, or of the phone's digits).
 */
export async function listAppointments(
  db: Kysely<Database>,
  workspaceId: string,
  options: ListOptions & { status?: string | undefined; contact_id?: string | undefined; q?: string | undefined },
): Promise<AppointmentRow[]> {
  let q = db.selectFrom('appointments').selectAll().where('workspace_id', '=', workspaceId);
  const search = options.q;
  if (search) {
    q = q.where((eb) =>
      eb.or([
        eb('external_id', '=', search),
        eb('contact_id', 'in', eb.selectFrom('contacts').select('id').where('workspace_id', '=', workspaceId).where(contactSearchCondition(db, search))),
      ]),
    );
  }
  if (options.status) q = q.where('status', '=', options.status);
  if (options.contact_id) q = q.where('contact_id', '=', options.contact_id);
  if (options.cursor) q = q.where('id', '<', options.cursor);
  return q.orderBy('id', 'desc').limit(options.limit).execute();
}

/** Booked appointments starting after `from`, for scheduling a newly activated flow's triggers. */
export async function listUpcomingAppointments(
  db: Kysely<Database>,
  workspaceId: string,
  from: number,
  afterId: string | null,
  limit: number,
): Promise<AppointmentRow[]> {
  let q = db
    .selectFrom('appointments')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', 'in', ['booked', 'checked_in'])
    .where('end_at', '>=', from)
    // An erased contact gets no new reminders (repositories/erasure.ts).
    .where((eb) => eb.not(eb.exists(eb.selectFrom('contact_erasures').select('contact_id').whereRef('contact_erasures.contact_id', '=', 'appointments.contact_id'))));
  if (afterId) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).execute();
}

export interface AppointmentView {
  id: string;
  external_id: string;
  contact_id: string | null;
  status: string;
  /** Null only for a stored value outside the JS date range (see formatStoredTime). */
  start_at: string | null;
  end_at: string | null;
  timezone: string | null;
  revision: number;
  [property: string]: unknown;
}

export function appointmentView(row: AppointmentRow): AppointmentView {
  const view: AppointmentView = {
    id: row.id,
    external_id: row.external_id,
    contact_id: row.contact_id,
    status: row.status,
    start_at: formatStoredTime(row.start_at),
    end_at: formatStoredTime(row.end_at),
    timezone: row.timezone,
    revision: row.revision,
  };
  for (const key of APPOINTMENT_PROPERTIES) view[key] = row[key];
  view.line_item_properties = decodeJson(row.line_item_properties_json, null);
  view.extra = decodeJson(row.extra_json, {});
  view.created_at = new Date(row.created_at).toISOString();
  view.updated_at = new Date(row.updated_at).toISOString();
  return view;
}
