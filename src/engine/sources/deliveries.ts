/** Recording what a source received, and the API's view of it. */
import { formatStoredTime } from '../../core/input-ranges.js';
import type { SourceDeliveryRow } from '../../store/source-tables.js';
import { newId } from '../../store/repositories/ids.js';
import { decodeJson, encodeJson } from '../../store/repositories/json.js';
import { insertDelivery } from '../../store/repositories/sources.js';
import type { EngineContext } from '../engine-context.js';

/** Bodies up to this size are stored (and can be replayed); a webhook larger than this is refused: 256 KiB. */
export const MAX_HOOK_BODY_BYTES = 256 * 1024;

export interface DeliveryOutcome {
  outcome: 'applied' | 'ignored' | 'duplicate' | 'rejected';
  status: number;
  /** An error code (`bad_signature`, …) or an ignore reason's code. */
  code?: string | undefined;
  /** Why it was ignored or rejected; for a duplicate, the id of the first delivery. */
  reason?: string | null | undefined;
  verified: boolean;
  vendorEvent?: string | null | undefined;
  eventIds?: string[] | undefined;
}

export interface Received {
  sourceId: string;
  workspaceId: string;
  headers: Record<string, string>;
  /** The body as text, or null when it was too large to keep. */
  body: string | null;
  bodyBytes: number;
  deliveryId?: string | null | undefined;
  replayKey?: string | null | undefined;
  replayOf?: string | null | undefined;
}

/** PostgreSQL text cannot hold U+0000; the stored copy shows U+FFFD there (a body with one is never valid JSON). */
function storable(text: string | null): string | null {
  return text === null ? null : text.replaceAll('\u0000', '\uFFFD');
}

export async function recordDelivery(ctx: EngineContext, received: Received, result: DeliveryOutcome): Promise<SourceDeliveryRow> {
  const row: SourceDeliveryRow = {
    id: newId('sd'),
    source_id: received.sourceId,
    workspace_id: received.workspaceId,
    received_at: ctx.clock.now(),
    headers_json: encodeJson(received.headers),
    body: storable(received.body),
    body_bytes: received.bodyBytes,
    verified: result.verified ? 1 : 0,
    outcome: result.outcome,
    reason: result.reason ?? null,
    status_code: result.status,
    vendor_event: result.vendorEvent?.slice(0, 200) ?? null,
    vendor_delivery_id: received.deliveryId?.slice(0, 200) ?? null,
    replay_key: received.replayKey ?? null,
    event_ids_json: encodeJson(result.eventIds ?? []),
    replay_of: received.replayOf ?? null,
  };
  await insertDelivery(ctx.store.db, row);
  return row;
}

export function deliveryView(row: SourceDeliveryRow, options: { body: boolean }) {
  return {
    id: row.id,
    source_id: row.source_id,
    received_at: formatStoredTime(row.received_at),
    outcome: row.outcome,
    reason: row.reason,
    status_code: row.status_code,
    verified: row.verified === 1,
    vendor_event: row.vendor_event,
    vendor_delivery_id: row.vendor_delivery_id,
    event_ids: decodeJson<string[]>(row.event_ids_json, []),
    replay_of: row.replay_of,
    body_bytes: row.body_bytes,
    ...(options.body ? { headers: decodeJson<Record<string, string>>(row.headers_json, {}), body: row.body } : {}),
  };
}
