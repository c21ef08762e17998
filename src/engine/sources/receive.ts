/**
 * Receiving a webhook at `/hooks/<token>`: find the source by the token's hash, keep the body
 * (bounded), verify the vendor's signature over the raw bytes, recognise a redelivery of a
 * delivery already received, then parse, decide and ingest. Every attempt that reaches a source is
 * stored with its outcome; what was refused applied nothing.
 *
 * A redelivery (the same vendor delivery id, else the same signature, within 24 hours) answers 200
 * `{ "status": "duplicate" }` and applies nothing: vendors resend after a lost 200, and a non-2xx
 * answer makes them retry for days and then disable the webhook (Shopify deletes it after 48 hours
 * of failures). Unknown event types are acknowledged (200, ignored) for the same reason.
 */
import { NudgeError, ValidationError } from '../../core/errors.js';
import { parseJsonText } from '../../core/json-text.js';
import { vendorOf } from '../../sources/registry.js';
import { genericHeaders, type GenericConfig } from '../../sources/generic.js';
import type { InboundRequest, SourceVendor, Verification } from '../../sources/vendor.js';
import type { SourceDeliveryRow, SourceRow } from '../../store/source-tables.js';
import { findSourceByTokenHash, findVerifiedByReplayKey } from '../../store/repositories/sources.js';
import { getWorkspace } from '../../store/repositories/workspaces.js';
import type { EngineContext } from '../engine-context.js';
import { applyDecision } from './booking-events.js';
import { MAX_HOOK_BODY_BYTES, recordDelivery, type DeliveryOutcome, type Received } from './deliveries.js';
import { hashToken, sourceConfig } from './source-service.js';
import { vendorContext } from './vendor-context.js';

/** How long a delivery's signature or id is remembered to recognise it when it comes again: 24 hours. */
export const REPLAY_WINDOW_MS = 24 * 3_600_000;

/**
 * Attempts that fail verification are stored, so a user can see why a vendor's deliveries are
 * refused; someone who learned a source's URL but not its secret could fill the table with them.
 * Past 30 a minute per source (in this process), they are answered 429 and not stored. Verified
 * deliveries are never limited: they are the vendor's.
 */
export const UNVERIFIED_LIMIT = { limit: 30, intervalMs: 60_000 } as const;

export interface HookAnswer {
  status: number;
  body: Record<string, unknown>;
  /** Seconds, for a Retry-After header. */
  retryAfter?: number;
}

function keptHeaders(source: SourceRow, vendor: SourceVendor<unknown, unknown>, config: unknown, all: Readonly<Record<string, string>>): Record<string, string> {
  const names = source.kind === 'generic' ? genericHeaders(config as GenericConfig) : vendor.headers;
  const out: Record<string, string> = {};
  for (const name of names) if (all[name] !== undefined) out[name] = all[name].slice(0, 1000);
  return out;
}

function answer(row: SourceDeliveryRow, result: DeliveryOutcome): HookAnswer {
  if (result.outcome === 'rejected') {
    return { status: result.status, body: { error: { code: result.code ?? 'rejected', message: result.reason ?? 'rejected', delivery_id: row.id } } };
  }
  const status = result.outcome === 'duplicate' ? { status: 'duplicate' } : {};
  return { status: result.status, body: { ...status, data: { delivery_id: row.id, outcome: result.outcome, reason: result.reason ?? null, event_ids: result.eventIds ?? [] } } };
}

const rejected = (status: number, code: string, reason: string, verified: boolean, vendorEvent?: string | null): DeliveryOutcome => ({
  outcome: 'rejected',
  status,
  code,
  reason,
  verified,
  vendorEvent,
});

const FORMATS = {
  json: { pattern: /json/i, name: 'application/json' },
  form: { pattern: /^application\/x-www-form-urlencoded\b/i, name: 'application/x-www-form-urlencoded' },
} as const;

/** The body in the vendor's format (JSON, or a form read as an object of strings), or why it cannot be read. */
function readBody(vendor: SourceVendor<unknown, unknown>, text: string, contentType: string | undefined): { body: unknown } | DeliveryOutcome {
  const format = FORMATS[vendor.bodyFormat ?? 'json'];
  if (contentType && !format.pattern.test(contentType)) {
    return rejected(415, 'unsupported_media_type', `expected content-type ${format.name}, got ${contentType.slice(0, 100)}`, true);
  }
  if (vendor.bodyFormat === 'form') return { body: Object.fromEntries(new URLSearchParams(text)) };
  try {
    return { body: parseJsonText(text) };
  } catch (error) {
    if (error instanceof ValidationError) return rejected(400, error.code, error.message, true);
    throw error;
  }
}

/**
 * Parses, decides and applies a verified body; a bad body is an outcome (4xx), not an exception.
 * `headers` are the delivery's kept headers.
 */
export async function decideAndApply(ctx: EngineContext, source: SourceRow, config: unknown, text: string, headers: Readonly<Record<string, string>>): Promise<DeliveryOutcome> {
  const vendor = vendorOf(source.kind);
  const read = readBody(vendor, text, headers['content-type']);
  if (!('body' in read)) return read;
  const decision = await vendor.decide(read.body, config, vendorContext(ctx, source, headers));
  try {
    const workspace = await getWorkspace(ctx.store.db, source.workspace_id);
    const applied = await applyDecision(ctx, workspace, source.kind, decision);
    return {
      outcome: applied.outcome,
      status: 200,
      reason: applied.reason,
      verified: true,
      vendorEvent: decision.vendorEvent,
      eventIds: applied.results.map((r) => r.event_id),
    };
  } catch (error) {
    if (error instanceof NudgeError && error.status >= 400 && error.status < 500) {
      return rejected(422, 'unmappable', `the body does not make a valid event: ${error.message}`, true, decision.vendorEvent);
    }
    throw error;
  }
}

/** The request verified with the source's secret, or with its previous one while that is still accepted. */
function verify(ctx: EngineContext, source: SourceRow, vendor: SourceVendor<unknown, unknown>, request: InboundRequest, config: unknown, now: number): Verification {
  const current = vendor.verify(request, ctx.secretBox.decrypt(source.secret_ciphertext), config, now);
  const previous = source.previous_secret_ciphertext;
  if (current.ok || current.code !== 'bad_signature' || previous === null || (source.previous_secret_expires_at ?? 0) <= now) return current;
  const earlier = vendor.verify(request, ctx.secretBox.decrypt(previous), config, now);
  return earlier.ok ? earlier : current;
}

function tooManyUnverified(waitMs: number, reason: string): HookAnswer {
  const message = `too many deliveries that failed verification (${reason}); this one was not stored`;
  return { status: 429, body: { error: { code: 'too_many_unverified', message } }, retryAfter: Math.ceil(waitMs / 1000) };
}

export async function receiveWebhook(ctx: EngineContext, token: string, request: InboundRequest): Promise<HookAnswer> {
  const source = await findSourceByTokenHash(ctx.store.db, hashToken(token));
  if (!source) throw new NudgeError('not_found', 'no source has this URL (was it deleted or its URL rotated?)', { status: 404 });
  const vendor = vendorOf(source.kind);
  const config = sourceConfig(source);
  const size = request.body.byteLength;
  const received: Received = {
    sourceId: source.id,
    workspaceId: source.workspace_id,
    headers: keptHeaders(source, vendor, config, request.headers),
    body: size <= MAX_HOOK_BODY_BYTES ? new TextDecoder().decode(request.body) : null,
    bodyBytes: size,
  };
  const settle = async (result: DeliveryOutcome) => answer(await recordDelivery(ctx, received, result), result);
  if (received.body === null) return settle(rejected(413, 'payload_too_large', `the body is larger than ${MAX_HOOK_BODY_BYTES} bytes`, false));

  const now = ctx.clock.now();
  const verification = verify(ctx, source, vendor, request, config, now);
  if (!verification.ok) {
    const wait = ctx.rateLimiter.reserve(`unverified-hooks:${source.id}`, [UNVERIFIED_LIMIT], now);
    if (wait > 0) return tooManyUnverified(wait, verification.reason);
    return settle(rejected(401, verification.code, verification.reason, false));
  }
  received.deliveryId = verification.deliveryId;
  received.replayKey = verification.replayKey;
  const first = await findVerifiedByReplayKey(ctx.store.db, source.id, verification.replayKey, now - REPLAY_WINDOW_MS);
  if (first) return settle({ outcome: 'duplicate', status: 200, reason: first.id, verified: true, vendorEvent: first.vendor_event, eventIds: [] });
  try {
    return await settle(await decideAndApply(ctx, source, config, received.body, received.headers));
  } catch (error) {
    // Not remembered as received: the sender's retry of this delivery must be applied.
    received.replayKey = null;
    if (error instanceof NudgeError && error.code === 'upstream_failed') {
      return settle(rejected(error.status, error.code, `${error.message}; the sender may retry it`, true));
    }
    await recordDelivery(ctx, received, rejected(500, 'internal_error', 'the delivery could not be applied; the sender may retry it', true));
    throw error;
  }
}
