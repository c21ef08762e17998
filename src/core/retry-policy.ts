/**
 * When a failed delivery is retried, and how long to wait. Channels say whether an error is
 * retryable (and may pass the receiver's Retry-After); the engine asks this module for the delay.
 */

import { DateTime } from 'luxon';

export type StatusClass = 'success' | 'retryable' | 'permanent';

/**
 * Classifies an HTTP response status: 2xx success; 408, 409, 425, 429 and 5xx retryable
 * (timeouts, conflicts, too early, rate limits, server trouble); any other status permanent,
 * including 1xx and 3xx (the caller follows redirects before asking).
 */
export function classifyHttpStatus(status: number): StatusClass {
  if (status >= 200 && status < 300) return 'success';
  if (status >= 500 && status < 600) return 'retryable';
  if (status === 408 || status === 409 || status === 425 || status === 429) return 'retryable';
  return 'permanent';
}

/**
 * A Retry-After header as a delay in ms from `now`: delay-seconds (`"120"`) or an HTTP date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`). A date in the past gives 0. Null when absent or invalid.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+$/.test(text)) {
    const ms = Number(text) * 1000;
    return Number.isSafeInteger(ms) ? ms : null;
  }
  // luxon accepts exactly the three HTTP-date forms (IMF-fixdate, RFC 850, asctime), unlike the
  // lenient Date.parse which reads "1.5" as a date in 2001.
  const date = DateTime.fromHTTP(text);
  if (!date.isValid) return null;
  return Math.max(0, date.toMillis() - now);
}

export interface RetryPolicy {
  /** Attempts in all, including the first. */
  maxAttempts: number;
  /** Upper bound of the delay after the first failure; doubles with each failure. */
  baseMs: number;
  /** No delay exceeds this, Retry-After included. */
  maxMs: number;
}

/**
 * 6 attempts; delays bounded by 10s, 20s, 40s, 80s, 160s after each failure (about 5 minutes in
 * all), never above 1 hour.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 6,
  baseMs: 10_000,
  maxMs: 3_600_000,
});

/**
 * Delay in ms before the next attempt, after attempt number `attempt` (1-based) failed. The caller
 * adds it to the time the failure's answer arrived, not to when the attempt began.
 *
 * Without Retry-After: exponential backoff with "equal jitter": `cap = min(maxMs, baseMs ·
 * 2^(attempt-1))`, delay uniformly in `[cap/2, cap)`. Half the cap is kept so a retry never fires
 * almost at once; the random half spreads a burst of failures so they do not retry in lockstep.
 *
 * With Retry-After (`retryAfterMs` not null): the receiver said when, so it is honoured exactly
 * (negative read as 0), only capped at `maxMs` so one header cannot park a delivery for days.
 *
 * `random` returns a number in [0, 1) (`Math.random` in production; fixed in tests).
 */
export function nextRetryDelay(
  attempt: number,
  policy: RetryPolicy,
  retryAfterMs: number | null,
  random: () => number,
): number {
  if (retryAfterMs !== null && Number.isFinite(retryAfterMs)) {
    return Math.min(Math.max(retryAfterMs, 0), policy.maxMs);
  }
  const exponent = Math.max(1, Math.floor(attempt)) - 1;
  const cap = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(cap / 2 + random() * (cap / 2));
}

/** True when another attempt is allowed after attempt number `attempt` (1-based) failed. */
export function shouldRetry(attempt: number, policy: RetryPolicy): boolean {
  return attempt < policy.maxAttempts;
}
