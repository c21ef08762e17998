/**
 * The requests the editor makes, their response shapes, and the query options built from them.
 * Shapes follow src/server/routes/flows.ts, flow-trials.ts, records.ts (channels), secrets.ts, and
 * the web-api contract for `GET /v1/schemas/flow` and `GET /v1/flows/:id/step-counts`.
 */
import { queryOptions } from '@tanstack/react-query';
import { api, ApiError } from '../../../api/client';
import type { FlowDocument } from '../store/flow-operations';
import { editorKeys } from './editor-query-keys';

export type FlowStatus = 'draft' | 'active' | 'paused' | 'archived';

export interface FlowView {
  id: string;
  name: string;
  status: FlowStatus;
  version: number;
  created_at: string;
  updated_at: string;
  definition: FlowDocument;
}

export interface FlowVersion {
  version: number;
  created_at: string;
  definition: FlowDocument;
}

export interface FieldIssue {
  path: string;
  message: string;
  /** Set when the server found the issue by schema; see ApiIssue. */
  code?: string;
  params?: Record<string, string | number>;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  format?: string;
}

export interface ChannelDescription {
  id: string;
  name: string;
  description: string;
  credentialFields?: string[];
  settings: JsonSchema;
}

/** `GET /v1/schemas/flow`, from the web-api contract. */
export interface FlowSchemas {
  flow: JsonSchema;
  steps: Record<string, JsonSchema>;
  channels: Array<{ kind: string; name: string; config: JsonSchema; credential_fields: string[] }>;
  variables: Record<string, string[]>;
}

export interface StepCounts {
  waiting_total: number;
  steps: Array<{ step_id: string; waiting: number; sent: number; failed: number; skipped: number }>;
}

export interface TimelineEntry {
  at: string;
  step_id: string | null;
  action: 'trigger' | 'wait' | 'branch' | 'send' | 'update_contact' | 'end' | 'skip';
  detail: Record<string, unknown>;
}

export interface PreviewResult {
  step_id: string;
  channel: string;
  request: unknown;
}

export interface TestSendResult extends PreviewResult {
  ok: boolean;
  response: unknown;
  error: string | null;
}

type Data<T> = { data: T };

export const flowApi = {
  get: (flowId: string) => api<Data<FlowView>>(`/flows/${encodeURIComponent(flowId)}`).then((r) => r.data),
  create: (definition: FlowDocument) => api<Data<FlowView>>('/flows', { method: 'POST', body: definition }).then((r) => r.data),
  update: (flowId: string, definition: FlowDocument) =>
    api<Data<FlowView>>(`/flows/${encodeURIComponent(flowId)}`, { method: 'PUT', body: definition }).then((r) => r.data),
  versions: (flowId: string) => api<Data<FlowVersion[]>>(`/flows/${encodeURIComponent(flowId)}/versions`).then((r) => r.data),
  lifecycle: (flowId: string, action: 'activate' | 'pause' | 'resume' | 'archive') =>
    api<Data<Omit<FlowView, 'definition'>>>(`/flows/${encodeURIComponent(flowId)}/${action}`, { method: 'POST' }).then((r) => r.data),
  validate: (definition: FlowDocument) =>
    api<Data<{ valid: boolean; errors: FieldIssue[] }>>('/flows/validate', { method: 'POST', body: definition }).then((r) => r.data),
  preview: (flowId: string, body: { step_id: string; event_id?: string }) =>
    api<Data<PreviewResult>>(`/flows/${encodeURIComponent(flowId)}/preview`, { method: 'POST', body }).then((r) => r.data),
  testSend: (flowId: string, body: { step_id: string; to?: string; url?: string; event_id?: string }) =>
    api<Data<TestSendResult>>(`/flows/${encodeURIComponent(flowId)}/test`, { method: 'POST', body }).then((r) => r.data),
  dryRun: (flowId: string, body: { event_id?: string }) =>
    api<Data<{ timeline: TimelineEntry[] }>>(`/flows/${encodeURIComponent(flowId)}/dry-run`, { method: 'POST', body }).then((r) => r.data),
};

/** Null when the server has no such endpoint (404): the caller then works without it. */
async function optional<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 405)) return null;
    throw error;
  }
}

export const editorQueries = {
  flow: (flowId: string) => queryOptions({ queryKey: editorKeys.flow(flowId), queryFn: () => flowApi.get(flowId) }),
  versions: (flowId: string) => queryOptions({ queryKey: editorKeys.versions(flowId), queryFn: () => flowApi.versions(flowId) }),
  /** The last `periodMs` up to now: each fetch (a live change, the interval) moves the window, so new sessions are counted. */
  stepCounts: (flowId: string, periodMs: number) =>
    queryOptions({
      queryKey: editorKeys.stepCounts(flowId, periodMs),
      queryFn: () => {
        const from = new Date(Date.now() - periodMs).toISOString();
        return optional(api<Data<StepCounts>>(`/flows/${encodeURIComponent(flowId)}/step-counts`, { query: { from } }).then((r) => r.data));
      },
      retry: false,
      refetchInterval: 30_000,
    }),
  flowSchema: () =>
    queryOptions({
      queryKey: editorKeys.flowSchema,
      queryFn: () => optional(api<Data<FlowSchemas>>('/schemas/flow').then((r) => r.data)),
      staleTime: Infinity,
      retry: false,
    }),
  channels: () =>
    queryOptions({ queryKey: editorKeys.channels, queryFn: () => api<Data<ChannelDescription[]>>('/channels').then((r) => r.data), staleTime: Infinity }),
  secrets: () =>
    queryOptions({
      queryKey: editorKeys.secrets,
      // Staff may not list secrets (403): autocomplete then offers none.
      queryFn: () => api<Data<Array<{ name: string }>>>('/secrets').then((r) => r.data.map((s) => s.name)).catch(() => [] as string[]),
      staleTime: 60_000,
    }),
};
