/**
 * What a vendor's `decide` may reach besides the body: the source's credentials, decrypted, and
 * GET requests to the vendor's API through the engine's outbound guard (src/channels/http: the
 * same SSRF rules, redirect checks and size limits as every channel send), never a raw fetch.
 */
import { ChannelError } from '../../channels/channel.js';
import { sendHttpRequest } from '../../channels/http/http-request.js';
import { NudgeError } from '../../core/errors.js';
import type { VendorContext } from '../../sources/vendor.js';
import type { SourceRow } from '../../store/source-tables.js';
import type { EngineContext } from '../engine-context.js';

/**
 * A vendor API call must answer well within the vendor's own wait for our answer (Square 10 s,
 * Calendly 15 s): 5 seconds.
 */
export const VENDOR_API_TIMEOUT_MS = 5_000;

/** The credentials stored on a source, decrypted; null when it has none. */
export function sourceCredentials(ctx: EngineContext, row: SourceRow): unknown {
  return row.credentials_ciphertext === null ? null : (JSON.parse(ctx.secretBox.decrypt(row.credentials_ciphertext)) as unknown);
}

const upstream = (message: string, cause?: unknown) => new NudgeError('upstream_failed', message, { status: 502, retryable: true, cause });

async function getJson(ctx: EngineContext, source: SourceRow, url: string, headers: Record<string, string>): Promise<unknown> {
  const context = { idempotencyKey: `source:${source.id}`, workspaceId: source.workspace_id, sessionId: '', outbound: ctx.outbound };
  let body: string;
  try {
    // The whole answer, not the delivery log's copy of it, which is cut at 16 KiB.
    body = (await sendHttpRequest(context, { method: 'GET', url, headers, body: null, timeoutMs: VENDOR_API_TIMEOUT_MS }, () => ctx.clock.now())).text;
  } catch (error) {
    if (error instanceof ChannelError) throw upstream(`${new URL(url).host} answered: ${error.message}`, error);
    throw error;
  }
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw upstream(`${new URL(url).host} did not answer JSON`, error);
  }
}

export function vendorContext(ctx: EngineContext, source: SourceRow, headers: Readonly<Record<string, string>>): VendorContext<unknown> {
  return {
    headers,
    credentials: sourceCredentials(ctx, source),
    getJson: (url, requestHeaders) => getJson(ctx, source, url, requestHeaders),
    endpoint: (name, fallback) => ctx.config.channelEndpoints[name] ?? fallback,
  };
}
