/** The sources API (/v1/sources): types, queries and mutations for Settings → Sources. */
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';

export const SOURCE_KINDS = ['calcom', 'calendly', 'shopify', 'acuity', 'square', 'generic'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** Vendors that issue the signing secret: the credential fields pasted from their dashboards (catalog keys in `settings`). */
export const CREDENTIAL_FIELDS: Partial<Record<SourceKind, ReadonlyArray<{ name: string; label: 'source_cred_secret' | 'source_cred_user_id' | 'source_cred_api_key' | 'source_cred_signature_key' | 'source_cred_access_token' }>>> = {
  shopify: [{ name: 'secret', label: 'source_cred_secret' }],
  acuity: [
    { name: 'user_id', label: 'source_cred_user_id' },
    { name: 'api_key', label: 'source_cred_api_key' },
  ],
  square: [
    { name: 'signature_key', label: 'source_cred_signature_key' },
    { name: 'access_token', label: 'source_cred_access_token' },
  ],
};

/** Catalog keys (namespace `settings`) for the kinds. */
export const KIND_LABEL = {
  calcom: 'source_kind_calcom',
  calendly: 'source_kind_calendly',
  shopify: 'source_kind_shopify',
  acuity: 'source_kind_acuity',
  square: 'source_kind_square',
  generic: 'source_kind_generic',
} as const satisfies Record<SourceKind, string>;

/** Catalog keys for delivery outcomes. */
export const OUTCOME_LABEL = {
  applied: 'source_outcome_applied',
  ignored: 'source_outcome_ignored',
  duplicate: 'source_outcome_duplicate',
  rejected: 'source_outcome_rejected',
} as const satisfies Record<SourceDelivery['outcome'], string>;

export interface SourceDelivery {
  id: string;
  received_at: string;
  outcome: 'applied' | 'ignored' | 'duplicate' | 'rejected';
  reason: string | null;
  status_code: number;
  verified: boolean;
  vendor_event: string | null;
  event_ids: string[];
  replay_of: string | null;
  headers?: Record<string, string>;
  body?: string | null;
}

export interface Source {
  id: string;
  kind: SourceKind;
  name: string;
  url: string;
  config: Record<string, unknown>;
  created_at: string;
  rotated_at: string | null;
  last_delivery: SourceDelivery | null;
  secret?: string;
}

export interface SourcePreview {
  outcome: 'events' | 'ignored' | 'invalid';
  vendor_event: string | null;
  events?: unknown[];
  reason?: string;
  issues?: Array<{ path: string; message: string }>;
}

const enc = encodeURIComponent;
const data = async <T,>(p: Promise<{ data: T }>) => (await p).data;

export const sourcesQuery = queryOptions({ queryKey: queryKeys.sources(), queryFn: () => data(api<{ data: Source[] }>('/v1/sources')) });
export const sourceDeliveriesQuery = (id: string) =>
  queryOptions({ queryKey: queryKeys.sourceDeliveries(id), queryFn: () => data(api<{ data: SourceDelivery[] }>(`/v1/sources/${enc(id)}/deliveries`, { query: { limit: 20 } })) });

export const createSource = (body: { kind: SourceKind; name: string; config?: unknown; credentials?: Record<string, string> }) =>
  data(api<{ data: Source }>('/v1/sources', { method: 'POST', body }));
export const rotateSource = (id: string, credentials?: Record<string, string>) =>
  data(api<{ data: Source }>(`/v1/sources/${enc(id)}/rotate`, { method: 'POST', body: credentials ? { credentials } : {} }));
export const updateSourceConfig = (id: string, config: unknown) => data(api<{ data: Source }>(`/v1/sources/${enc(id)}`, { method: 'PATCH', body: { config } }));
export const deleteSource = (id: string) => api(`/v1/sources/${enc(id)}`, { method: 'DELETE' });
export const replayDelivery = (id: string, deliveryId: string) =>
  data(api<{ data: SourceDelivery }>(`/v1/sources/${enc(id)}/deliveries/${enc(deliveryId)}/replay`, { method: 'POST' }));
export const previewSource = (id: string, body: unknown, mapping: unknown) =>
  data(api<{ data: SourcePreview }>(`/v1/sources/${enc(id)}/preview`, { method: 'POST', body: { body, mapping } }));

/** The text as JSON, or undefined when it is not. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
