import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import type { TriggerDefinition } from '../../../../src/core/flow-definition';

export type FlowStatus = 'draft' | 'active' | 'paused' | 'archived';

export interface FlowSummary {
  id: string;
  name: string;
  status: FlowStatus;
  version: number;
  created_at: string;
  updated_at: string;
  /** What starts the flow (its current version's trigger). */
  trigger: TriggerDefinition | null;
}

/** A row of the flows page: the list asked with `include=counts`, sessions by status. */
export interface FlowListEntry extends FlowSummary {
  sessions: Partial<Record<string, number>>;
}

export interface Preset {
  id: string;
  name: string;
  description: string;
  category: string;
  placeholders: Array<{ name: string; description: string; secret: boolean; example?: string }>;
}

/** Every flow with its trigger and session counts, in one request (`GET /v1/flows?include=counts`). */
export const flowsQuery = queryOptions({
  queryKey: queryKeys.flows.list({ include: 'counts' }),
  queryFn: async () => (await api<{ data: FlowListEntry[] }>('/v1/flows', { query: { include: 'counts' } })).data,
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

/** What starts a flow, as catalog key (namespace `flows`) and values: the event names, or the time relative to the appointment. */
export function triggerSummary(
  trigger: TriggerDefinition | undefined,
):
  | { key: 'trigger_event'; values: { event: string } }
  | { key: 'trigger_before_start' | 'trigger_before_end' | 'trigger_after_start' | 'trigger_after_end'; values: { duration: string } }
  | null {
  if (!trigger) return null;
  if ('event' in trigger) return { key: 'trigger_event', values: { event: Array.isArray(trigger.event) ? trigger.event.join(', ') : trigger.event } };
  const { anchor, before, after } = trigger.appointment;
  if (before) return { key: anchor === 'end' ? 'trigger_before_end' : 'trigger_before_start', values: { duration: before } };
  return { key: anchor === 'end' ? 'trigger_after_end' : 'trigger_after_start', values: { duration: after ?? '0m' } };
}
