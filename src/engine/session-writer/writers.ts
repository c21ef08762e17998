/**
 * The two session writers. Both run the same writes (session-writes.ts) and hold the sessions
 * admitted and not yet written (starts-in-flight.ts); they differ only in how writes share
 * transactions:
 *
 * - batched (`createBatchedWriter`): a step's result is a unit of the group commit
 *   (group-commit.ts), and a session's last commit joins the others ending at about the same time
 *   in one guarded UPDATE (end-batcher.ts). Cancels and stops end up to 500 sessions per UPDATE.
 * - plain (`createPlainWriter`): a transaction per commit, a statement per session. Slower; the
 *   reference the batched one is tested and measured against.
 */
import type { ReentryCheck } from '../../core/reentry.js';
import { reentryBlockedMany } from '../../store/repositories/sessions.js';
import type { SessionRow, TimerRow } from '../../store/schema.js';
import type { Store } from '../../store/store.js';
import { plainWork, type Work } from '../../store/unit-of-work.js';
import { deleteClaimedTimer, deleteClaimedTimers, rearmClaimedTimer } from '../../store/repositories/timers.js';
import type { GroupCommitter } from '../group-commit.js';
import { startSessions, type StartOptions, type StartSessionInput } from '../session-start.js';
import { SessionEndBatcher } from './end-batcher.js';
import { abandonTimer, endOpen, moveSessionWait, rearmFailed, writeFirst, writeStep } from './session-writes.js';
import type { Rearm, SessionSelection, SessionWriter, StartedSession, StepWrite, WaitMove, WriteResult } from './session-writer.js';
import { StartsInFlight, type InFlightStart } from './starts-in-flight.js';
import { checkStatusChange, mayRearm } from './status-change.js';

interface Grouping {
  /** Runs a unit of work in a transaction (its own, or a group's). */
  run<T>(fn: (work: Work) => Promise<T>): Promise<T>;
  /** Batches sessions' last commits; null: each commits alone. */
  ends: SessionEndBatcher | null;
  /** Sessions per UPDATE when many end at once. */
  chunk: number;
}

class Writer implements SessionWriter {
  private readonly inFlight = new StartsInFlight();
  private readonly admitted = new Map<StartedSession, InFlightStart>();

  constructor(
    private readonly store: Store,
    private readonly grouping: Grouping,
  ) {}

  get unwritten(): number {
    return this.inFlight.size;
  }

  async admit(starts: readonly StartedSession[], checks: readonly ReentryCheck[]): Promise<boolean[]> {
    const work = plainWork(this.store.db);
    const entries = await this.inFlight.admit(
      checks,
      starts.map((s) => s.row),
      () => reentryBlockedMany(work, checks),
    );
    return entries.map((entry, i) => {
      if (entry) this.admitted.set(starts[i]!, entry);
      return entry !== null;
    });
  }

  release(start: StartedSession): void {
    this.settle(start, null);
  }

  private settle(start: StartedSession, row: SessionRow | null): void {
    const entry = this.admitted.get(start);
    if (!entry) return;
    this.admitted.delete(start);
    entry.settle(row);
  }

  async commit(w: StepWrite): Promise<WriteResult> {
    checkStatusChange(w.session, w.patch);
    const { ends } = this.grouping;
    const lastCommit = w.timer === 'delete' && !w.effect;
    if (w.start) {
      const start = w.start;
      try {
        if (lastCommit && ends) {
          const row = { ...w.session, ...w.patch };
          const applied = await ends.end({ sessionId: row.id, expectSeq: 0, patch: {}, now: w.now, delivery: w.delivery, logs: w.logs, start: { row, trigger: start.trigger, log: start.log } });
          this.settle(start, row);
          return { applied, held: false };
        }
        let written: SessionRow | null = null;
        const result = await this.grouping.run(async (work) => {
          const r = await writeFirst(work, w);
          written = r.row;
          return { applied: r.applied, held: r.held };
        });
        this.settle(start, written);
        return result;
      } finally {
        // Not written (the commit threw): the trigger fires again when its lease expires.
        this.settle(start, null);
      }
    }
    if (lastCommit && ends) {
      const applied = await ends.end({ sessionId: w.session.id, expectSeq: w.session.seq, patch: w.patch, now: w.now, delivery: w.delivery, logs: w.logs });
      return { applied, held: false };
    }
    return this.grouping.run((work) => writeStep(work, w));
  }

  async settleTimer(timer: TimerRow, next: 'delete' | { dueAt: number; held?: boolean }): Promise<void> {
    const owner = timer.lease_owner ?? '';
    if (next === 'delete') await deleteClaimedTimer(this.store.db, timer.id, owner);
    else await rearmClaimedTimer(this.store.db, timer.id, owner, next.dueAt, next.held === true);
  }

  async dropTimers(timers: readonly TimerRow[]): Promise<void> {
    await deleteClaimedTimers(
      this.store.db,
      timers.map((t) => ({ id: t.id, owner: t.lease_owner ?? '' })),
    );
  }

  async abandon(timer: TimerRow, reason: string, now: number): Promise<void> {
    await this.store.transaction((trx) => abandonTimer(plainWork(trx), timer, reason, now));
  }

  cancelMany(work: Work, where: SessionSelection, status: 'canceled' | 'stopped', reason: string, now: number): Promise<string[]> {
    return endOpen(work, where, status, reason, now, this.grouping.chunk);
  }

  start(work: Work, inputs: readonly StartSessionInput[], options?: StartOptions): Promise<Array<SessionRow | null>> {
    return startSessions(work, inputs, options);
  }

  mayRearm(session: { status: string }): boolean {
    return mayRearm(session);
  }

  rearm(work: Work, rearm: Rearm): Promise<boolean> {
    return rearmFailed(work, rearm);
  }

  moveWait(work: Work, move: WaitMove): Promise<void> {
    return moveSessionWait(work, move);
  }
}

/** The writer the engine uses: group commit, and ends batched (see the file's comment). */
export function createBatchedWriter(store: Store, commits: GroupCommitter): SessionWriter {
  return new Writer(store, { run: (fn) => commits.run(fn), ends: new SessionEndBatcher(commits), chunk: 500 });
}

/** A transaction per commit and a statement per session: to test with and to measure against. */
export function createPlainWriter(store: Store): SessionWriter {
  return new Writer(store, { run: (fn) => store.transaction((trx) => fn(plainWork(trx))), ends: null, chunk: 1 });
}
