import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';

export type FlowStatus = 'draft' | 'active' | 'paused' | 'archived';

export interface FlowSummary {
  id: string;
  name: string;
  status: FlowStatus;
  version: number;
  created_at: string;
  updated_at: string;
  /** Present when the server includes the definition or session counts in the list. */
  definition?: { trigger?: Record<string, unknown> };
  sessions?: Record<string, number>;
}

export interface Preset {
  id: string;
  name: string;
  description: string;
  category: string;
  placeholders: Array<{ name: string; description: string; secret: boolean; example?: string }>;
}

export const flowsQuery = queryOptions({
  queryKey: queryKeys.flows.list(),
  queryFn: async () => (await api<{ data: FlowSummary[] }>('/v1/flows')).data,
});

export const presetsQuery = queryOptions({
  queryKey: queryKeys.presets.all(),
  queryFn: async () => (await api<{ data: Preset[] }>('/v1/presets')).data,
  staleTime: Infinity,
});

export type FlowAction = 'activate' | 'pause' | 'resume' | 'archive';

export const runFlowAction = (id: string, action: FlowAction) => api(`/v1/flows/${encodeURIComponent(id)}/${action}`, { method: 'POST' });

export function createFromPreset(id: string, body: { name?: string; placeholders: Record<string, string>; activate: boolean }) {
  return api<{ data: { flow: { id: string; name: string; status: FlowStatus }; missing_placeholders: string[]; missing_secrets: string[] } }>(
    `/v1/presets/${encodeURIComponent(id)}/flows`,
    { method: 'POST', body },
  );
}

/** The actions a flow in this status offers. */
export function actionsFor(status: FlowStatus): FlowAction[] {
  switch (status) {
    case 'draft':
      return ['activate', 'archive'];
    case 'active':
      return ['pause', 'archive'];
    case 'paused':
      return ['resume', 'archive'];
    default:
      return [];
  }
}

/** A short description of a flow's trigger: the event name, or the appointment time it is relative to. */
export function triggerSummary(trigger: Record<string, unknown> | undefined): string | null {
  if (!trigger) return null;
  if (typeof trigger.event === 'string') return trigger.event;
  if (typeof trigger.appointment === 'object' && trigger.appointment) return JSON.stringify(trigger.appointment);
  return JSON.stringify(trigger);
}
