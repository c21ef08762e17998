/**
 * Ending sessions in batches. When many sessions reach their end at about the same time (a burst
 * of reminders, each one step), their last commits are alike: record the delivery, mark the
 * session ended if it is still at the sequence the runner saw, log it, drop its timer. This makes
 * them one unit of the group commit, with one guarded UPDATE for every run of sessions ending the
 * same way (same status, reason and fields), instead of one UPDATE each.
 *
 * Same guarantees as one commit per session: the UPDATE is guarded by each session's `seq`
 * (`(id, seq) in (…)`), and only sessions it changed get their log entries and lose their timer;
 * the delivery is recorded either way. `ended_at` and `updated_at` are those of the latest end in
 * the run (they differ by the few milliseconds the batch gathered over).
 */
import type { DeliveryRow, SessionRow } from '../../store/schema.js';
import type { Work } from '../../store/unit-of-work.js';
import { insertDelivery } from '../../store/repositories/deliveries.js';
import { appendSessionLogs, insertSessionsUnlessPresent, type LogEntry } from '../../store/repositories/sessions.js';
import { inPairs } from '../../store/repositories/in-list.js';
import { deleteClaimedTimers, deleteSessionTimer } from '../../store/repositories/timers.js';
import type { GroupCommitter } from '../group-commit.js';

export interface SessionEnd {
  sessionId: string;
  /** The session's `seq` when the runner read it: the end applies only if it is still that. */
  expectSeq: number;
  /** The session's new fields; `seq`, `ended_at` and `updated_at` are set by the batch. */
  patch: Partial<SessionRow>;
  now: number;
  delivery?: DeliveryRow | undefined;
  logs: LogEntry[];
  /**
   * A session a trigger started that ends in its first run, not yet written: `row` is inserted as
   * it ended (unless another worker wrote the same session first), with its `started` entry, and
   * the trigger's timer is deleted if this claim still holds it. `expectSeq` and `patch` are unused.
   */
  start?: { row: SessionRow; trigger: { id: string; owner: string }; log: LogEntry } | undefined;
}

interface Pending {
  end: SessionEnd;
  resolve: (applied: boolean) => void;
  reject: (error: unknown) => void;
}

/** Most sessions in one guarded UPDATE (each is two parameters). */
const MAX_PER_UPDATE = 256;

export class SessionEndBatcher {
  private pending: Pending[] = [];
  private submitted = false;

  constructor(private readonly commits: GroupCommitter) {}

  /** Commits `end`, with whatever other ends are waiting when its transaction runs; resolves to whether it applied. */
  end(end: SessionEnd): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ end, resolve, reject });
      if (!this.submitted) this.submit();
    });
  }

  private submit(): void {
    this.submitted = true;
    // The batch is taken when the group commit runs this unit, so it holds every end that arrived
    // meanwhile; a re-run of the unit (its group failed) runs the same batch again.
    let batch: Pending[] | null = null;
    const take = (): Pending[] => {
      if (batch === null) {
        batch = this.pending;
        this.pending = [];
        this.submitted = false;
      }
      return batch;
    };
    this.commits
      .run((work) =>
        endSessions(
          work,
          take().map((p) => p.end),
        ),
      )
      .then(
        (applied) => take().forEach((p, i) => p.resolve(applied[i] ?? false)),
        // A transaction that failed before running the unit (its BEGIN) took nothing: the ends
        // waiting now fail with it, and the next end submits afresh.
        (error: unknown) => take().forEach((p) => p.reject(error)),
      );
  }
}

/** Applies `ends` in the caller's transaction; returns, for each, whether the session was still at its `expectSeq`. */
export async function endSessions(work: Work, ends: readonly SessionEnd[]): Promise<boolean[]> {
  const trx = work.db;
  for (const e of ends) if (e.delivery) await insertDelivery(work, e.delivery);
  const applied = await writeStartedEnds(
    work,
    ends.filter((e) => e.start),
  );
  // Sessions ending the same way share an UPDATE.
  const runs = new Map<string, { same: Partial<SessionRow>; ends: SessionEnd[] }>();
  for (const e of ends) {
    if (e.start) continue;
    const { seq: _seq, ended_at: _ended, updated_at: _updated, ...same } = e.patch;
    const key = JSON.stringify(Object.entries(same).sort(([a], [b]) => a.localeCompare(b)));
    let run = runs.get(key);
    if (!run) runs.set(key, (run = { same, ends: [] }));
    run.ends.push(e);
  }
  for (const { same, ends: run } of runs.values()) {
    for (let i = 0; i < run.length; i += MAX_PER_UPDATE) {
      const chunk = run.slice(i, i + MAX_PER_UPDATE);
      const at = Math.max(...chunk.map((e) => e.now));
      const rows = await trx
        .updateTable('sessions')
        .set((eb) => ({ ...same, ended_at: at, updated_at: at, seq: eb('seq', '+', 1) }))
        .where(inPairs(trx, ['id', 'seq'], chunk.map((e) => [e.sessionId, e.expectSeq] as const)))
        .returning('id')
        .execute();
      for (const r of rows) applied.add(r.id);
    }
  }
  const results: boolean[] = [];
  for (const e of ends) {
    const ok = applied.has(e.sessionId);
    results.push(ok);
    if (!ok || e.start) continue;
    await appendSessionLogs(work, e.logs);
    await deleteSessionTimer(work, e.sessionId);
  }
  return results;
}

/**
 * The ends of sessions started in the same run (`SessionEnd.start`): their triggers' timers
 * deleted (one statement per claim), the sessions inserted as they ended, and the timelines of
 * those inserted. Returns the ids of the sessions inserted.
 */
async function writeStartedEnds(work: Work, ends: readonly SessionEnd[]): Promise<Set<string>> {
  if (ends.length === 0) return new Set();
  const trx = work.db;
  await deleteClaimedTimers(trx, ends.map((e) => e.start!.trigger));
  const inserted = await insertSessionsUnlessPresent(
    trx,
    ends.map((e) => e.start!.row),
  );
  for (const e of ends) if (inserted.has(e.sessionId)) await appendSessionLogs(work, [e.start!.log, ...e.logs]);
  return inserted;
}
