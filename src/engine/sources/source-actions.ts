/** What a person does with a source's deliveries and mapping: replay a stored delivery, preview a sample. */
import { z } from 'zod';
import { ConflictError, ValidationError, type FieldIssue } from '../../core/errors.js';
import { zodIssues } from '../../core/zod-issues.js';
import { issueAt } from '../../core/issue-codes.js';
import { vendorOf } from '../../sources/registry.js';
import type { SourceDeliveryRow } from '../../store/source-tables.js';
import { decodeJson } from '../../store/repositories/json.js';
import { getDelivery, getSource } from '../../store/repositories/sources.js';
import type { EngineContext } from '../engine-context.js';
import { prepareEvents } from './booking-events.js';
import { recordDelivery } from './deliveries.js';
import { decideAndApply } from './receive.js';
import { parseSourceConfig, sourceConfig } from './source-service.js';
import { vendorContext } from './vendor-context.js';

/**
 * Applies a stored delivery's body again, as if it had just arrived verified (its signature was
 * checked when it came; it is not checked again, since timestamps go stale). Ingest is idempotent
 * on the events' keys, so replaying an applied delivery applies nothing new. Recorded as a new
 * delivery with `replay_of`.
 */
export async function replayDelivery(ctx: EngineContext, workspaceId: string, sourceId: string, deliveryId: string): Promise<SourceDeliveryRow> {
  const source = await getSource(ctx.store.db, workspaceId, sourceId);
  const original = await getDelivery(ctx.store.db, source.id, deliveryId);
  if (original.verified !== 1 || original.body === null) {
    throw new ConflictError('not_replayable', 'only a delivery whose signature checked out and whose body was kept can be replayed');
  }
  const headers = decodeJson<Record<string, string>>(original.headers_json, {});
  const result = await decideAndApply(ctx, source, sourceConfig(source), original.body, headers);
  const received = {
    sourceId: source.id,
    workspaceId,
    headers,
    body: original.body,
    bodyBytes: original.body_bytes,
    deliveryId: original.vendor_delivery_id,
    replayOf: original.id,
  };
  return recordDelivery(ctx, received, result);
}

export const previewSchema = z.strictObject({
  /** A sample webhook body, as the vendor would send it. */
  body: z.unknown().refine((v) => v !== undefined, { message: 'required: a sample body', params: { code: 'required' } }),
  /** For a generic source: a mapping to try instead of the saved one. */
  mapping: z.unknown().optional(),
  /** Headers the vendor would send with it (lower case), where the body alone does not name the event (Shopify's `x-shopify-topic`). */
  headers: z.record(z.string().max(100), z.string().max(1000)).optional(),
});

export interface Preview {
  outcome: 'events' | 'ignored' | 'invalid';
  vendor_event: string | null;
  events?: unknown[];
  reason?: string;
  issues?: FieldIssue[];
}

/** Where an issue with the event points: the mapping field that made it, when the mapping names one. */
function mappingPath(path: string, mapping: Record<string, unknown> | null): string {
  if (mapping === null) return path;
  const field = Object.keys(mapping).find((target) => path === target || path.startsWith(`${target}.`) || path.startsWith(`${target}[`));
  return field === undefined ? `event.${path}` : `mapping.${path}`;
}

/** What a sample body would become, without storing or applying anything. */
export async function previewSource(ctx: EngineContext, workspaceId: string, sourceId: string, input: unknown): Promise<Preview> {
  const parsed = previewSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError('invalid_request', zodIssues(parsed.error));
  const source = await getSource(ctx.store.db, workspaceId, sourceId);
  let config = sourceConfig(source);
  if (parsed.data.mapping !== undefined) {
    if (source.kind !== 'generic') throw new ValidationError('invalid_request', [issueAt('mapping', 'no_mapping', { kind: source.kind })]);
    try {
      config = parseSourceConfig('generic', { ...(config as object), mapping: parsed.data.mapping });
    } catch (error) {
      // Issues at the request's own `mapping`, not at the source's `config.mapping`.
      if (!(error instanceof ValidationError)) throw error;
      throw new ValidationError('invalid_mapping', (error.details ?? []).map((i) => ({ ...i, path: i.path.replace(/^config\./, '') })));
    }
  }
  const mapping = source.kind === 'generic' ? (config as { mapping: Record<string, unknown> }).mapping : null;
  const headers = Object.fromEntries(Object.entries(parsed.data.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const decision = await vendorOf(source.kind).decide(parsed.data.body, config, vendorContext(ctx, source, headers));
  const vendorEvent = decision.vendorEvent;
  if (decision.outcome === 'ignored') return { outcome: 'ignored', vendor_event: vendorEvent, reason: decision.reason };
  if (decision.outcome === 'invalid') return { outcome: 'invalid', vendor_event: vendorEvent, issues: decision.issues };
  try {
    const prepared = await prepareEvents(ctx.store.db, workspaceId, source.kind, decision.events, decision.links);
    // Fields the events were applied without (bad optional values) are shown as issues beside them.
    const dropped = prepared.dropped.map((issue) => ({ ...issue, path: mappingPath(issue.path, mapping) }));
    return { outcome: 'events', vendor_event: vendorEvent, events: prepared.inputs, ...(dropped.length > 0 ? { issues: dropped } : {}) };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const issues = (error.details ?? []).map((issue) => ({ ...issue, path: mappingPath(issue.path, mapping) }));
    return { outcome: 'invalid', vendor_event: vendorEvent, issues };
  }
}
