import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';

export interface Session {
  id: string;
  flow_id: string;
  flow_version: number;
  contact_id: string | null;
  appointment_id: string | null;
  event_id: string | null;
  key: string;
  status: string;
  step_id: string | null;
  attempt: number;
  wake_at: string | null;
  created_at: string;
  updated_at: string;
  ended_at: string | null;
  end_reason: string | null;
}

export interface TimelineEntry {
  at: string;
  type: string;
  step_id: string | null;
  message: string | null;
  data: unknown;
}

export interface Delivery {
  id: string;
  session_id: string;
  flow_id: string;
  step_id: string;
  channel: string;
  attempt: number;
  status: string;
  request: unknown;
  response: unknown;
  error: string | null;
  duration_ms: number | null;
  created_at: string;
}

export interface SessionDetail extends Session {
  timeline: TimelineEntry[];
  deliveries: Delivery[];
}

export const SESSION_STATUSES = ['active', 'waiting', 'completed', 'failed', 'stopped', 'canceled'] as const;
export const SESSION_FILTERS = ['flow_id', 'status', 'contact_id', 'appointment_id', 'step_id'] as const;
export type SessionFilters = Partial<Record<(typeof SESSION_FILTERS)[number], string>>;

export function sessionsQuery(filters: SessionFilters) {
  return infiniteQueryOptions({
    queryKey: queryKeys.sessions.list(filters),
    queryFn: ({ pageParam }) => api<{ data: Session[]; next_cursor: string | null }>('/v1/sessions', { query: { ...filters, limit: 100, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export const sessionQuery = (id: string) =>
  queryOptions({
    queryKey: queryKeys.sessions.detail(id),
    queryFn: async () => (await api<{ data: SessionDetail }>(`/v1/sessions/${encodeURIComponent(id)}`)).data,
  });

export const stopSession = (id: string) => api(`/v1/sessions/${encodeURIComponent(id)}/stop`, { method: 'POST' });

/** A session still running (and so stoppable). */
export const isOpen = (status: string) => !['completed', 'failed', 'stopped', 'canceled'].includes(status);

/** Flow names by id (the same list, under the same key, as the flows page), so a session names its flow. */
export const flowNamesQuery = queryOptions({
  queryKey: queryKeys.flows.list(),
  queryFn: async () => (await api<{ data: Array<{ id: string; name: string }> }>('/v1/flows')).data,
  select: (flows: Array<{ id: string; name: string }>) => new Map(flows.map((f) => [f.id, f.name])),
});
