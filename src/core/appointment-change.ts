/**
 * How an incoming change from the booking system moves an appointment: applied, or ignored as out
 * of order (older than the last change applied: booking-system webhooks often arrive out of
 * order); its end time; its revision, which rises on every real change. Pure: the repository
 * (store/repositories/appointments.ts) reads and writes the rows, the dry-run builds its row here.
 */
import { APPOINTMENT_PROPERTIES } from './appointment-properties.js';

/** An appointment as stored: the columns of the store's `appointments` table. */
export interface AppointmentState {
  id: string;
  workspace_id: string;
  /** The booking system's id (`appointment.id` in events). */
  external_id: string;
  contact_id: string | null;
  /** `booked` | `canceled` | `completed` | `checked_in` | `no_show` */
  status: string;
  start_at: number;
  end_at: number;
  timezone: string | null;
  /** Rises by one on every change; sends compare it with the revision they were scheduled for. */
  revision: number;
  /** `occurred_at` of the last event applied; older events are stored but not applied. */
  last_event_at: number;
  order_id: string | null;
  quantity: number | null;
  service_name: string | null;
  service_description: string | null;
  service_duration: number | null;
  service_price: string | null;
  service_location: string | null;
  service_image_url: string | null;
  team_member: string | null;
  team_member_description: string | null;
  team_member_email: string | null;
  team_member_phone: string | null;
  variant_title: string | null;
  customer_management_link: string | null;
  line_item_properties_json: string | null;
  /** Any other appointment properties sent by the booking system. */
  extra_json: string;
  created_at: number;
  updated_at: number;
}

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

export type AppointmentTransition<T extends AppointmentState = AppointmentState> =
  | { applied: false; row: T; previous: T }
  | {
      applied: true;
      row: T;
      previous: T | undefined;
      /** Start or end changed. */
      moved: boolean;
      /** Status became `canceled` with this change. */
      canceled: boolean;
    };

/**
 * The appointment after `change` (which happened at `occurredAt`), given the stored one
 * (`previous`, undefined for a new booking, which gets the id `newId`).
 */
export function applyAppointmentChange<T extends AppointmentState>(
  previous: T | undefined,
  change: AppointmentChange,
  ids: { workspaceId: string; contactId: string | null; newId: string },
  occurredAt: number,
  now: number,
): AppointmentTransition<T> {
  if (previous && occurredAt < previous.last_event_at) return { applied: false, row: previous, previous };
  const durationMin = change.properties.service_duration ?? previous?.service_duration ?? null;
  const start = change.start_at ?? previous?.start_at ?? occurredAt;
  const byDuration = start + Number(durationMin ?? 0) * 60_000;
  const end = change.end_at ?? (change.start_at !== undefined ? byDuration : (previous?.end_at ?? byDuration));
  const props = propertyColumns(change);
  const lineItems = change.line_item_properties === undefined ? undefined : JSON.stringify(change.line_item_properties ?? null);
  if (!previous) {
    // Every column spelled out (the type checks none is missing): a literal of one fixed shape, ~0.3 µs
    // a booking. Spreading an object of nulls made from APPOINTMENT_PROPERTIES into it costs ~17 µs,
    // a fifth of in-process ingest (BENCHMARKS.md, What was fixed).
    const row: AppointmentState = {
      id: ids.newId,
      workspace_id: ids.workspaceId,
      external_id: change.external_id,
      contact_id: ids.contactId,
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
      line_item_properties_json: lineItems ?? null,
      extra_json: JSON.stringify(change.extra ?? {}),
      created_at: now,
      updated_at: now,
    };
    return { applied: true, row: row as T, previous: undefined, moved: false, canceled: row.status === 'canceled' };
  }
  const next: T = {
    ...previous,
    ...props,
    contact_id: ids.contactId ?? previous.contact_id,
    status: change.status ?? previous.status,
    start_at: start,
    end_at: end,
    timezone: change.timezone ?? previous.timezone,
    last_event_at: occurredAt,
    line_item_properties_json: lineItems ?? previous.line_item_properties_json,
    extra_json: change.extra ? JSON.stringify({ ...storedObject(previous.extra_json), ...change.extra }) : previous.extra_json,
  };
  const changed = (Object.keys(next) as Array<keyof AppointmentState>).some((k) => k !== 'last_event_at' && next[k] !== previous[k]);
  if (changed) {
    next.revision = previous.revision + 1;
    next.updated_at = now;
  }
  const moved = next.start_at !== previous.start_at || next.end_at !== previous.end_at;
  return { applied: true, row: next, previous, moved, canceled: next.status === 'canceled' && previous.status !== 'canceled' };
}

/** The change's properties as columns: counts as numbers, the rest as text. */
function propertyColumns(change: AppointmentChange): Partial<AppointmentState> {
  const props: Record<string, unknown> = {};
  for (const key of APPOINTMENT_PROPERTIES) {
    const value = change.properties[key];
    if (value === undefined) continue;
    props[key] = key === 'quantity' || key === 'service_duration' ? Number(value) : String(value);
  }
  return props as Partial<AppointmentState>;
}

/** A stored JSON object column: text to parse (a driver may hand it over parsed); {} when empty or unreadable. */
function storedObject(text: unknown): Record<string, unknown> {
  if (typeof text !== 'string') return (text ?? {}) as Record<string, unknown>;
  if (text === '') return {};
  try {
    return (JSON.parse(text) ?? {}) as Record<string, unknown>;
  } catch {
    return {};
  }
}
