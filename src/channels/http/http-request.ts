/**
 * One HTTP request for a channel, with the engine's conventions: the delivery's idempotency key as
 * `Idempotency-Key`, a bounded timeout and logged response size, 2xx success, 408/409/425/429 and
 * 5xx (and network errors) retryable honouring Retry-After, other statuses permanent.
 */
import { classifyHttpStatus, parseRetryAfter } from '../../core/retry-policy.js';
import { ChannelError, type ChannelContext, type ChannelResult } from '../channel.js';

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
export const USER_AGENT = 'Nudge/0.1';

export async function sendHttpRequest(context: ChannelContext, input: HttpRequest, now: () => number): Promise<ChannelResult> {
  const headers: Record<string, string> = {
    'user-agent': USER_AGENT,
    'idempotency-key': context.idempotencyKey,
    ...lowerKeys(input.headers),
  };
  const request = { method: input.method, url: input.url, headers, body: input.body };
  const signal = context.signal
    ? AbortSignal.any([context.signal, AbortSignal.timeout(input.timeoutMs)])
    : AbortSignal.timeout(input.timeoutMs);
  let response: Response;
  try {
    response = await fetch(input.url, {
      method: input.method,
      headers,
      body: input.method === 'GET' || input.method === 'HEAD' ? null : input.body,
      signal,
      redirect: 'follow',
    });
  } catch (error) {
    const e = error as Error & { cause?: { code?: string; message?: string } };
    const reason = e.name === 'TimeoutError' ? `timed out after ${input.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message);
    throw new ChannelError(`request failed: ${reason}`, { retryable: true, request, cause: error });
  }
  const text = await readLimited(response);
  const logged = { status: response.status, headers: Object.fromEntries(response.headers.entries()), body: text };
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

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = v;
  return out;
}

async function readLimited(response: Response): Promise<string> {
  try {
    const text = await response.text();
    return text.length > MAX_LOGGED_BODY ? `${text.slice(0, MAX_LOGGED_BODY)}…` : text;
  } catch {
    return '';
  }
}
