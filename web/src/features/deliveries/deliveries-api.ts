import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';

export interface Delivery {
  id: string;
  session_id: string;
  flow_id: string;
  step_id: string;
  channel: string;
  attempt: number;
  idempotency_key: string;
  status: string;
  request: unknown;
  response: unknown;
  error: string | null;
  duration_ms: number | null;
  created_at: string;
}

export interface OutboxMessage {
  id: string;
  delivery_id: string | null;
  session_id: string | null;
  message_id: string;
  from: string;
  to: string;
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string>;
  created_at: string;
}

type Page<T> = { data: T[]; next_cursor: string | null };
const enc = encodeURIComponent;

export const DELIVERY_STATUSES = ['succeeded', 'retrying', 'failed', 'skipped'] as const;

/** Server-side filters of `GET /v1/deliveries`; the window is [created_after, created_before). */
export type DeliveryFilters = Partial<Record<'flow_id' | 'status' | 'channel' | 'created_after' | 'created_before', string>>;

export function deliveriesQuery(filters: DeliveryFilters) {
  return infiniteQueryOptions({
    queryKey: queryKeys.deliveries.list(filters),
    queryFn: ({ pageParam }) => api<Page<Delivery>>('/v1/deliveries', { query: { ...filters, limit: 100, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export const deliveryQuery = (id: string) =>
  queryOptions({ queryKey: queryKeys.deliveries.detail(id), queryFn: async () => (await api<{ data: Delivery }>(`/v1/deliveries/${enc(id)}`)).data });

export const retryDelivery = (id: string) => api<{ data: { delivery_id: string; session_id: string } }>(`/v1/deliveries/${enc(id)}/retry`, { method: 'POST' });

export function outboxQuery(filters: { to?: string }) {
  return infiniteQueryOptions({
    queryKey: queryKeys.outbox.list(filters),
    queryFn: ({ pageParam }) => api<Page<OutboxMessage>>('/v1/outbox', { query: { ...filters, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** The calendar invitation an email delivery carried (`request.calendar.content`), if any. */
export function calendarOf(request: unknown): string | null {
  const calendar = (request as { calendar?: { content?: unknown } } | null)?.calendar;
  return typeof calendar?.content === 'string' ? calendar.content : null;
}

/** A `datetime-local` value (the browser's time zone) as an ISO time with Z; undefined when empty or not a time. */
export function localTimeToIso(value: string | undefined): string | undefined {
  const ms = value ? new Date(value).getTime() : Number.NaN;
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
