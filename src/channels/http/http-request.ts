/**
 * One HTTP request for a channel, with the engine's conventions: the delivery's idempotency key as
 * `Idempotency-Key`, a bounded timeout and response size, 2xx success, 408/409/425/429 and 5xx
 * (and network errors) retryable honouring Retry-After, other statuses permanent.
 *
 * Every request goes through the outbound guard (outbound-guard.ts): addresses are checked after
 * DNS resolution at connect time, and redirects are followed here, by hand, so that each hop is
 * checked again (at most MAX_REDIRECTS). A refused address is a permanent error.
 */
import { fetch, type Response } from 'undici';
import { classifyHttpStatus, parseRetryAfter } from '../../core/retry-policy.js';
import { ChannelError, type ChannelResult } from '../channel.js';
import { defaultOutboundGuard, findOutboundBlocked, type OutboundContext } from './outbound-guard.js';

export interface HttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  /** Already serialized. */
  body: string | null;
  timeoutMs: number;
}

/** Response bodies kept in the delivery log are cut to this many characters. */
const MAX_LOGGED_BODY = 16_384;
/** Reading a response stops here (the rest is discarded, the connection closed): 1 MiB. */
export const MAX_RESPONSE_BYTES = 1_048_576;
/** Redirects followed per request, each re-checked by the outbound guard. */
export const MAX_REDIRECTS = 5;
export const USER_AGENT = 'Nudge/0.1';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Credentials that must not follow a redirect to another origin (as the Fetch standard drops Authorization). */
const CROSS_ORIGIN_DROPPED = ['authorization', 'proxy-authorization', 'cookie'];

/**
 * Sends `input`. `context.outbound` is the engine's guard (NUDGE_OUTBOUND_ALLOW); without one, the
 * default guard refuses every loopback, private, link-local and reserved address.
 */
export async function sendHttpRequest(context: OutboundContext, input: HttpRequest, now: () => number): Promise<ChannelResult> {
  const guard = context.outbound ?? defaultOutboundGuard();
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    'idempotency-key': context.idempotencyKey,
    ...lowerKeys(input.headers),
  };
  const request = { method: input.method, url: input.url, headers, body: input.body };
  let url = parseHttpUrl(input.url, request);
  const signal = context.signal
    ? AbortSignal.any([context.signal, AbortSignal.timeout(input.timeoutMs)])
    : AbortSignal.timeout(input.timeoutMs);
  let hop = { method: input.method, headers, body: input.method === 'GET' || input.method === 'HEAD' ? null : input.body };
  const redirects: string[] = [];
  let response: Response;
  for (;;) {
    try {
      guard.checkUrl(url);
      response = await fetch(url, { ...hop, signal, redirect: 'manual', dispatcher: guard.dispatcher });
    } catch (error) {
      throw fetchError(error, input.timeoutMs, request);
    }
    const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
    if (location === null) break;
    await response.body?.cancel().catch(() => undefined);
    if (redirects.length >= MAX_REDIRECTS) {
      throw new ChannelError(`too many redirects (more than ${MAX_REDIRECTS})`, { retryable: false, request, response: { status: response.status, redirects } });
    }
    const next = parseHttpUrl(new URL(location, url).href, request);
    hop = redirectedHop(hop, response.status, url, next);
    redirects.push(next.href);
    url = next;
  }
  const text = await readLimited(response);
  const logged: Record<string, unknown> = { status: response.status, headers: Object.fromEntries(response.headers.entries()), body: text };
  if (redirects.length > 0) logged.redirects = redirects;
  const cls = classifyHttpStatus(response.status);
  if (cls === 'success') return { request, response: logged };
  const snippet = text.trim().slice(0, 200);
  throw new ChannelError(`HTTP ${response.status}${snippet ? `: ${snippet}` : ''}`, {
    retryable: cls === 'retryable',
    retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), now()),
    request,
    response: logged,
  });
}

function parseHttpUrl(text: string, request: unknown): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ChannelError(`invalid URL "${text}"`, { retryable: false, request });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ChannelError(`unsupported URL scheme "${url.protocol}" (expected http or https)`, { retryable: false, request });
  }
  return url;
}

function fetchError(error: unknown, timeoutMs: number, request: unknown): ChannelError {
  const blocked = findOutboundBlocked(error);
  if (blocked) return new ChannelError(blocked.message, { retryable: false, request, cause: error });
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const reason = e.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
  return new ChannelError(`request failed: ${reason}`, { retryable: true, request, cause: error });
}

interface Hop {
  method: string;
  headers: Record<string, string>;
  body: string | null;
}

/** The next request after a redirect, as the Fetch standard does it: 303 (and 301/302 after POST) become GET without a body. */
function redirectedHop(hop: Hop, status: number, from: URL, to: URL): Hop {
  const headers = { ...hop.headers };
  let { method, body } = hop;
  if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
    method = 'GET';
    body = null;
    delete headers['content-type'];
  }
  if (from.origin !== to.origin) for (const name of CROSS_ORIGIN_DROPPED) delete headers[name];
  return { method, headers, body };
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

/** The response text, reading at most MAX_RESPONSE_BYTES and keeping MAX_LOGGED_BODY characters. */
async function readLimited(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let cut = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size > MAX_RESPONSE_BYTES) {
        cut = true;
        await reader.cancel().catch(() => undefined);
        break;
      }
    }
  } catch {
    // A body cut off by the timeout or the peer: log what arrived.
    cut = true;
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES));
  if (text.length > MAX_LOGGED_BODY) return `${text.slice(0, MAX_LOGGED_BODY)}…`;
  return cut && text !== '' ? `${text}…` : text;
}
