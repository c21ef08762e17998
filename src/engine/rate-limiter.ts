/**
 * Per-destination rate limits declared by channels (Slack: 1 message/s per webhook URL; Klaviyo:
 * 350/s burst and 3500/min). A send over the limit is not dropped: the limiter says how long to
 * wait and the session's timer is re-armed for then.
 *
 * Sliding log per key and window, in this process. With several workers each process keeps its
 * own log, so the effective limit is per worker; run one worker for strict per-destination limits.
 */
import type { RateLimit } from '../channels/channel.js';

export class RateLimiter {
  private readonly logs = new Map<string, number[]>();

  /**
   * Reserves a send at `now` if every limit allows it and returns 0; otherwise returns the delay
   * in ms until it would be allowed (nothing is reserved).
   */
  reserve(key: string, limits: readonly RateLimit[], now: number): number {
    if (limits.length === 0) return 0;
    const longest = Math.max(...limits.map((l) => l.intervalMs));
    const log = (this.logs.get(key) ?? []).filter((t) => t > now - longest);
    let wait = 0;
    for (const { limit, intervalMs } of limits) {
      const inWindow = log.filter((t) => t > now - intervalMs);
      if (inWindow.length >= limit) {
        // The oldest send in the window must age out before another fits.
        const oldest = inWindow[inWindow.length - limit]!;
        wait = Math.max(wait, oldest + intervalMs - now);
      }
    }
    if (wait === 0) log.push(now);
    if (log.length === 0) this.logs.delete(key);
    else this.logs.set(key, log);
    return wait;
  }
}
