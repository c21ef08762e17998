import type { Kysely } from 'kysely';
import { formatStoredTime } from '../../core/input-ranges.js';
import type { AppointmentRow, Database } from '../schema.js';
import { newId } from './ids.js';
import { decodeJson, encodeJson } from './json.js';
import { knownAppointment, rememberAppointment } from './read-ahead.js';
import { deferNewRow, pendingRow } from './write-behind.js';
import type { ListOptions } from './contacts.js';
import { contactSearchCondition } from './contact-search.js';
import { APPOINTMENT_PROPERTIES } from '../../core/appointment-properties.js';

export { APPOINTMENT_PROPERTIES };

export interface AppointmentChange {
  external_id: string;
  start_at?: number | undefined;
  end_at?: number | undefined;
  timezone?: string | undefined;
  /** New status, or undefined to keep the current one. */
  status?: string | undefined;
  properties: Partial<Record<(typeof APPOINTMENT_PROPERTIES)[number], string | number | undefined>>;
  line_item_properties?: unknown;
  extra?: Record<string, unknown> | undefined;
}

export interface AppointmentApplyResult {
  row: AppointmentRow;
  previous: AppointmentRow | undefined;
  /** False when the event is older than the last one applied (stored, not applied). */
  applied: boolean;
  /** Start or end changed. */
  moved: boolean;
  /** Status became `canceled` with this event. */
  canceled: boolean;
}

/**
 * Creates or updates an appointment from an event in the caller's transaction.
 * Events older than the last applied one do not change it (out-of-order delivery is common
 * with booking-system webhooks). The revision rises on every change.
 */
export async function applyAppointmentChange(
  db: Kysely<Database>,
  workspaceId: string,
  contactId: string | null,
  change: AppointmentChange,
  occurredAt: number,
  now: number,
): Promise<AppointmentApplyResult> {
  const known = knownAppointment(db, workspaceId, change.external_id);
  const previous =
    known !== undefined
      ? (known ?? undefined)
      : await db
          .selectFrom('appointments')
          .selectAll()
          .where('workspace_id', '=', workspaceId)
          .where('external_id', '=', change.external_id)
          .executeTakeFirst();

  if (previous && occurredAt < previous.last_event_at) {
    return { row: previous, previous, applied: false, moved: false, canceled: false };
  }

  const durationMin = change.properties.service_duration ?? previous?.service_duration ?? null;
  const start = change.start_at ?? previous?.start_at ?? occurredAt;
  const end =
    change.end_at ??
    (change.start_at !== undefined
      ? start + Number(durationMin ?? 0) * 60_000
      : (previous?.end_at ?? start + Number(durationMin ?? 0) * 60_000));

  const props: Partial<AppointmentRow> = {};
  for (const key of APPOINTMENT_PROPERTIES) {
    const value = change.properties[key];
    if (value === undefined) continue;
    (props as Record<string, unknown>)[key] =
      key === 'quantity' || key === 'service_duration' ? Number(value) : String(value);
  }

  if (!previous) {
    const row: AppointmentRow = {
      id: newId('ap'),
      workspace_id: workspaceId,
      external_id: change.external_id,
      contact_id: contactId,
      status: change.status ?? 'booked',
      start_at: start,
      end_at: end,
      timezone: change.timezone ?? null,
      revision: 1,
      last_event_at: occurredAt,
      order_id: null,
      quantity: null,
      service_name: null,
      service_description: null,
      service_duration: null,
      service_price: null,
      service_location: null,
      service_image_url: null,
      team_member: null,
      team_member_description: null,
      team_member_email: null,
      team_member_phone: null,
      variant_title: null,
      customer_management_link: null,
      ...props,
      line_item_properties_json: change.line_item_properties === undefined ? null : encodeJson(change.line_item_properties),
      extra_json: encodeJson(change.extra ?? {}),
      created_at: now,
      updated_at: now,
    };
    // A new appointment's id is unknown outside this transaction: with write-behind, it is written at commit.
    if (!deferNewRow(db, 'appointments', row)) await db.insertInto('appointments').values(row).execute();
    rememberAppointment(db, row);
    return { row, previous: undefined, applied: true, moved: false, canceled: row.status === 'canceled' };
  }

  const next: AppointmentRow = {
    ...previous,
    ...props,
    contact_id: contactId ?? previous.contact_id,
    status: change.status ?? previous.status,
    start_at: start,
    end_at: end,
    timezone: change.timezone ?? previous.timezone,
    last_event_at: occurredAt,
    line_item_properties_json:
      change.line_item_properties === undefined ? previous.line_item_properties_json : encodeJson(change.line_item_properties),
    extra_json: change.extra
      ? encodeJson({ ...decodeJson<Record<string, unknown>>(previous.extra_json, {}), ...change.extra })
      : previous.extra_json,
  };
  const changed = (Object.keys(next) as Array<keyof AppointmentRow>).some(
    (k) => k !== 'last_event_at' && next[k] !== previous[k],
  );
  if (changed) {
    next.revision = previous.revision + 1;
    next.updated_at = now;
  }
  // Created earlier in this transaction and not yet written: change the queued row instead.
  if (pendingRow(db, 'appointments', previous.id)) deferNewRow(db, 'appointments', next);
  else {
    await db
      .updateTable('appointments')
      .set({ ...next, id: undefined, workspace_id: undefined, created_at: undefined })
      .where('id', '=', previous.id)
      .execute();
  }
  rememberAppointment(db, next);
  return {
    row: next,
    previous,
    applied: true,
    moved: next.start_at !== previous.start_at || next.end_at !== previous.end_at,
    canceled: next.status === 'canceled' && previous.status !== 'canceled',
  };
}

export async function getAppointmentById(db: Kysely<Database>, id: string): Promise<AppointmentRow | undefined> {
  const pending = pendingRow(db, 'appointments', id);
  if (pending) return pending;
  return db.selectFrom('appointments').selectAll().where('id', '=', id).executeTakeFirst();
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
    .where('end_at', '>=', from);
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
