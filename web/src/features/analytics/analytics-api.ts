import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';

export interface Counts {
  sessions_started: number;
  sessions_completed: number;
  sessions_failed: number;
  sessions_canceled: number;
  sent: number;
  failed: number;
  skipped: number;
  completion_rate: number | null;
}

export interface Analytics {
  totals: Counts;
  series: Array<{ at: string } & Counts>;
  flows: Array<{ flow_id: string; name: string } & Counts>;
}

export const PERIODS = { '24h': 1, '7d': 7, '30d': 30, '90d': 90 } as const;
export type Period = keyof typeof PERIODS;

/** The query of a period ending now: hourly buckets for a day, daily otherwise. */
export function periodParams(period: Period, now = Date.now(), flowId?: string): Record<string, string> {
  const days = PERIODS[period];
  const from = new Date(now - days * 86_400_000).toISOString();
  return { from, to: new Date(now).toISOString(), interval: days <= 1 ? 'hour' : 'day', ...(flowId ? { flow_id: flowId } : {}) };
}

export const analyticsQuery = (params: Record<string, string>) =>
  queryOptions({
    queryKey: queryKeys.analytics(params),
    queryFn: async () => (await api<{ data: Analytics }>('/v1/analytics', { query: params })).data,
  });

/** The CSV export's link for the same query. */
export function csvHref(params: Record<string, string>): string {
  return `/v1/analytics.csv?${new URLSearchParams(params).toString()}`;
}
