/**
 * Failed sign-ins are limited per email and per client address over a sliding window: five wrong
 * passwords for one email in 15 minutes, or thirty from one address, and further attempts are
 * refused (429 with Retry-After) until the oldest failure leaves the window. A success clears the
 * email's count. In memory, per process: enough to make guessing slow; several `serve` processes
 * each keep their own count.
 */
export const SIGN_IN_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_ADDRESS = 30;
/** Most keys remembered; the oldest are dropped first. */
const MAX_KEYS = 50_000;

export class SignInLimiter {
  private readonly failures = new Map<string, number[]>();

  /** How long the caller must wait before trying again, in ms; 0 when it may try now. */
  retryAfter(email: string, address: string, now: number): number {
    return Math.max(this.wait(`e:${email}`, MAX_FAILURES_PER_EMAIL, now), this.wait(`a:${address}`, MAX_FAILURES_PER_ADDRESS, now));
  }

  recordFailure(email: string, address: string, now: number): void {
    for (const key of [`e:${email}`, `a:${address}`]) {
      const list = this.recent(key, now);
      list.push(now);
      this.failures.delete(key);
      this.failures.set(key, list);
    }
    while (this.failures.size > MAX_KEYS) this.failures.delete(this.failures.keys().next().value!);
  }

  recordSuccess(email: string): void {
    this.failures.delete(`e:${email}`);
  }

  private wait(key: string, max: number, now: number): number {
    const list = this.recent(key, now);
    if (list.length < max) return 0;
    return list[list.length - max]! + SIGN_IN_WINDOW_MS - now;
  }

  private recent(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((at) => at > now - SIGN_IN_WINDOW_MS);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }
}
