/**
 * For services with no idempotency key (Twilio, WhatsApp Cloud, Telegram): a request that failed
 * without an answer may or may not have reached them. When it certainly did not leave (connection
 * refused, DNS failure) it is retried; when the answer was lost (timeout, reset) a retry could send
 * the message twice, so the step fails and says so.
 */
import { ChannelError } from '../channel.js';

/** Failures that happen before a request reaches the service. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** The system error code behind a fetch failure (`ECONNREFUSED`, `UND_ERR_SOCKET`, …), if any. */
export function networkCode(error: ChannelError): string | undefined {
  let e: unknown = error.cause;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The error to throw for a request that got no answer. `message` is the failure as it may be shown
 * (a token hidden); `service` and `api` name them in the message.
 */
export function unansweredError(error: ChannelError, request: unknown, message: string, service: string, api: string): ChannelError {
  // Refused before sending (a blocked address, a bad URL): permanent as it is.
  if (!error.retryable) return new ChannelError(message, { retryable: false, request, cause: error });
  const code = networkCode(error);
  if (code && NOT_SENT_CODES.has(code)) return new ChannelError(message, { retryable: true, request, cause: error });
  return new ChannelError(
    `${message}: ${service} may have sent the message; not retried, since ${api} has no idempotency key and a retry could send it twice`,
    { retryable: false, request, cause: error },
  );
}

/** The request as sent, with headers replaced for the log (a Basic header is base64, which secret redaction cannot find). */
export function withLoggedHeaders(request: unknown, headers: Record<string, string>): unknown {
  if (!request || typeof request !== 'object') return request;
  const r = request as { headers?: Record<string, string> };
  return { ...r, headers: { ...r.headers, ...headers } };
}
