import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';

export interface Contact {
  id: string;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  name: string | null;
  first_name: string | null;
  last_name: string | null;
  language: string | null;
  timezone: string | null;
  attributes: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface Appointment {
  id: string;
  external_id: string;
  contact_id: string | null;
  status: string;
  start_at: string | null;
  end_at: string | null;
  timezone: string | null;
  revision: number;
  created_at?: string;
  updated_at?: string;
  [property: string]: unknown;
}

export interface ScheduleEntry {
  id: string;
  kind: 'trigger' | 'step';
  status: 'pending' | 'held' | 'skipped';
  flow_id: string;
  step_id: string | null;
  session_id: string | null;
  appointment_id: string | null;
  due_at: string;
  reason: string | null;
  message: string | null;
}

export interface SessionRow {
  id: string;
  flow_id: string;
  status: string;
  step_id: string | null;
  created_at: string;
  appointment_id: string | null;
}

export interface DeliveryRow {
  id: string;
  flow_id: string;
  step_id: string;
  channel: string;
  status: string;
  error: string | null;
  created_at: string;
}

export interface EventRow {
  id: string;
  name: string;
  received_at?: string;
  occurred_at?: string;
  created_at?: string;
  [property: string]: unknown;
}

type Page<T> = { data: T[]; next_cursor: string | null };
const enc = encodeURIComponent;

export function contactsQuery(filters: { q?: string }) {
  return infiniteQueryOptions({
    queryKey: queryKeys.contacts.list(filters),
    queryFn: ({ pageParam }) => api<Page<Contact>>('/v1/contacts', { query: { ...filters, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export const contactQuery = (id: string) =>
  queryOptions({ queryKey: queryKeys.contacts.detail(id), queryFn: async () => (await api<{ data: Contact }>(`/v1/contacts/${enc(id)}`)).data });

export const contactScheduleQuery = (id: string) =>
  queryOptions({ queryKey: queryKeys.contacts.schedule(id), queryFn: async () => (await api<Page<ScheduleEntry>>(`/v1/contacts/${enc(id)}/schedule`)).data });

export function appointmentsQuery(filters: { status?: string; contact_id?: string; q?: string }) {
  return infiniteQueryOptions({
    queryKey: queryKeys.appointments.list(filters),
    queryFn: ({ pageParam }) => api<Page<Appointment>>('/v1/appointments', { query: { ...filters, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export const appointmentQuery = (id: string) =>
  queryOptions({ queryKey: queryKeys.appointments.detail(id), queryFn: async () => (await api<{ data: Appointment }>(`/v1/appointments/${enc(id)}`)).data });

export const appointmentScheduleQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.appointments.schedule(id),
    queryFn: async () => (await api<Page<ScheduleEntry>>(`/v1/appointments/${enc(id)}/schedule`)).data,
  });

export const recordSessionsQuery = (filters: { contact_id?: string; appointment_id?: string }) =>
  queryOptions({
    queryKey: queryKeys.sessions.list(filters),
    queryFn: async () => (await api<Page<SessionRow>>('/v1/sessions', { query: { ...filters, limit: 100 } })).data,
  });

export const recordDeliveriesQuery = (filters: { contact_id?: string; appointment_id?: string }) =>
  queryOptions({
    queryKey: queryKeys.deliveries.list(filters),
    queryFn: async () => (await api<Page<DeliveryRow>>('/v1/deliveries', { query: { ...filters, limit: 100 } })).data,
  });

/** The appointment's events (its bookings, reschedules and cancellations), newest first. */
export const appointmentEventsQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.events.list({ appointment_id: id }),
    queryFn: async () => (await api<Page<EventRow>>('/v1/events', { query: { appointment_id: id, limit: 100 } })).data,
  });

/** Flow names by id, so panels name a flow rather than show its id (the same list, under the same key, as the flows page). */
export const flowNamesQuery = queryOptions({
  queryKey: queryKeys.flows.list(),
  queryFn: async () => (await api<{ data: Array<{ id: string; name: string }> }>('/v1/flows')).data,
  select: (flows: Array<{ id: string; name: string }>) => new Map(flows.map((f) => [f.id, f.name])),
});

export const stopSession = (id: string) => api(`/v1/sessions/${enc(id)}/stop`, { method: 'POST' });

export const isOpen = (status: string) => !['completed', 'failed', 'stopped', 'canceled'].includes(status);

export interface ErasureResult {
  contact_id: string;
  erased_now: boolean;
  erased_at: string;
  sessions_stopped: number;
  counts: Record<string, number>;
}

/** Everything the API shows about one contact (GET /v1/contacts/{id}/export), as the server words it. */
export const exportContact = async (id: string) => (await api<{ data: Record<string, unknown> }>(`/v1/contacts/${enc(id)}/export`)).data;

/** Erases the contact (irreversible; owner or admin). */
export const eraseContact = async (id: string) => (await api<{ data: ErasureResult }>(`/v1/contacts/${enc(id)}/erase`, { method: 'POST' })).data;

/** Where the browser downloads every contact as CSV (a plain GET with the session cookie). */
export const CONTACTS_CSV_URL = '/v1/contacts.csv';
