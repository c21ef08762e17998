/**
 * Failed sign-ins are limited per email and per client address over a sliding window: five wrong
 * passwords for one email in 15 minutes, or thirty from one address, and further attempts are
 * refused (429 with Retry-After) until the oldest failure leaves the window. A success clears the
 * email's count. The failures are kept in the database, so every `serve` process sharing it counts
 * the same ones; under a hashed key, so the table holds no email or address.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { addFailure, clearFailures, failuresSince } from '../../store/repositories/sign-in-failures.js';
import type { Database } from '../../store/schema.js';

export const SIGN_IN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;

const keyOf = (kind: 'e' | 'a', value: string) => createHash('sha256').update(`${kind}:${value}`).digest('hex');

export class SignInLimiter {
  constructor(private readonly db: Kysely<Database>) {}

  /** How long the caller must wait before trying again, in ms; 0 when it may try now. */
  async retryAfter(email: string, address: string, now: number): Promise<number> {
    const [byEmail, byAddress] = [keyOf('e', email), keyOf('a', address)];
    const failures = await failuresSince(this.db, [byEmail, byAddress], now - SIGN_IN_WINDOW_MS);
    return Math.max(wait(failures.get(byEmail), MAX_FAILURES_PER_EMAIL, now), wait(failures.get(byAddress), MAX_FAILURES_PER_ADDRESS, now));
  }

  async recordFailure(email: string, address: string, now: number): Promise<void> {
    await addFailure(this.db, [keyOf('e', email), keyOf('a', address)], now, now - SIGN_IN_WINDOW_MS);
  }

  async recordSuccess(email: string): Promise<void> {
    await clearFailures(this.db, keyOf('e', email));
  }
}

/** Until the failure that put the key at its limit leaves the window; 0 below the limit. */
function wait(times: readonly number[] | undefined, max: number, now: number): number {
  if (!times || times.length < max) return 0;
  return times[times.length - max]! + SIGN_IN_WINDOW_MS - now;
}
