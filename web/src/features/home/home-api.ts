/** What Home reads (`GET /v1/overview`) and the one thing it writes (a failed send's retry). */
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import type { OverviewView as Overview } from '../../../../src/core/overview-view';

/** The overview's types are the server's own (src/core/overview-view.ts). */
export type { AttentionView as AttentionItem, OverviewView as Overview, UpcomingView as UpcomingItem } from '../../../../src/core/overview-view';

export const overviewQuery = queryOptions({
  queryKey: queryKeys.overview(),
  queryFn: async () => (await api<{ data: Overview }>('/v1/overview')).data,
});

export const retryDelivery = (id: string) =>
  api<{ data: { delivery_id: string; session_id: string } }>(`/v1/deliveries/${encodeURIComponent(id)}/retry`, { method: 'POST' });
