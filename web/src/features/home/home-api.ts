/** What Home reads (`GET /v1/overview`) and the one thing it writes (a failed send's retry). */
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';

/** A reminder or step due today or tomorrow (workspace timezone). */
export interface UpcomingItem {
  id: string;
  /** `trigger`: a reminder whose session starts when due; `step`: a running session's next step. */
  kind: 'trigger' | 'step';
  flow_id: string;
  flow_name: string | null;
  step_id: string | null;
  session_id: string | null;
  due_at: string;
  appointment: { id: string; external_id: string; start_at: string; service_name: string | null } | null;
  contact: { id: string; name: string | null; email: string | null; phone: string | null } | null;
}

export interface AttentionItem {
  kind: 'delivery_failed' | 'session_failed';
  id: string;
  session_id: string;
  flow_id: string;
  flow_name: string | null;
  at: string;
  message: string;
}

export interface Overview {
  scheduled: { today: number; tomorrow: number };
  /** The first few of `scheduled`, in due order. */
  upcoming: UpcomingItem[];
  sends_7d: { sent: number; failed: number; skipped: number };
  needs_attention: AttentionItem[];
  plan: { plan: string; flow_limit: number | null; live_flows: number };
  timezone: string;
}

export const overviewQuery = queryOptions({
  queryKey: queryKeys.overview(),
  queryFn: async () => (await api<{ data: Overview }>('/v1/overview')).data,
});

export const retryDelivery = (id: string) =>
  api<{ data: { delivery_id: string; session_id: string } }>(`/v1/deliveries/${encodeURIComponent(id)}/retry`, { method: 'POST' });
