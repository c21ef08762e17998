/**
 * Sessions this worker has started from fired triggers and not yet written. A session a trigger
 * starts is written with its first commit (`writeFirst`, session-writes.ts), after its first step ran, not
 * before; until then the re-entry checks of later starts in this process count it as if it were
 * written, so two triggers that fire close together still start one session where the flow's
 * policy allows one.
 *
 * A check reads the sessions table and then looks here. A session written between the two would
 * be missed by both, so an entry stays after its session is written until no check that was
 * running then is still running.
 */
import { blockingMarks, reentryMark, type ReentryCheck } from '../../core/reentry.js';
import type { SessionRow } from '../../store/schema.js';

type Marked = Pick<SessionRow, 'flow_id' | 'key' | 'contact_id' | 'status'>;

export interface InFlightStart {
  /** Marks the session written (`row`: as written) or never to be written (null). */
  settle(row: Marked | null): void;
}

interface Entry {
  row: Marked;
  settled: boolean;
}

export class StartsInFlight {
  private readonly entries = new Set<Entry>();
  private checks = 0;

  /** How many sessions are started and not yet written (for tests and metrics). */
  get size(): number {
    let n = 0;
    for (const e of this.entries) if (!e.settled) n++;
    return n;
  }

  /**
   * Runs `read` (the re-entry check against the sessions table), then, with no await in between,
   * blocks the checks that a session in flight here would block and registers the rest as in
   * flight. Returns, per check, its entry, or null when blocked.
   */
  async admit(
    checks: readonly ReentryCheck[],
    rows: readonly Marked[],
    read: () => Promise<boolean[]>,
  ): Promise<Array<InFlightStart | null>> {
    this.checks++;
    let blocked: boolean[];
    try {
      blocked = await read();
    } finally {
      this.checks--;
    }
    const taken = new Set<string>();
    for (const e of this.entries) for (const m of blockingMarks(e.row)) taken.add(m);
    const admitted = checks.map((c, i) => {
      if (blocked[i]) return null;
      const m = reentryMark(c.flowId, c.policy, c.key, c.contactId);
      if (m !== null && taken.has(m)) return null;
      const entry: Entry = { row: rows[i]!, settled: false };
      this.entries.add(entry);
      for (const mark of blockingMarks(entry.row)) taken.add(mark);
      return {
        settle: (row: Marked | null) => {
          if (entry.settled) return;
          entry.settled = true;
          if (row) entry.row = row;
          if (row === null || this.checks === 0) this.entries.delete(entry);
        },
      };
    });
    this.prune();
    return admitted;
  }

  /** Drops the entries of written sessions once no check is running that began before they were written. */
  private prune(): void {
    if (this.checks > 0) return;
    for (const e of this.entries) if (e.settled) this.entries.delete(e);
  }
}
