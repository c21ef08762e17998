/**
 * Group commit: units of work that ask to commit in the same turn of the event loop, or while
 * another commit is under way, commit together in one transaction. The only wait is to the end
 * of the current turn (`setImmediate`): a unit that arrives when the store is idle commits right
 * after; under load, units pile up and the next commit takes them all.
 *
 * Why: the cost of a commit is mostly per transaction, not per row (PostgreSQL flushes its WAL at
 * each commit; SQLite in WAL mode appends every page a transaction dirtied, and rows written
 * together share pages). Measured with `npm run bench:drain`, one transaction per step of every
 * reminder made commits the largest single cost of a worker.
 *
 * Each unit keeps its own all-or-nothing: if any unit of a group throws (or the commit fails),
 * the whole group rolls back and every unit is run again in a transaction of its own, so one
 * failure costs the others nothing but a retry. Units must therefore only write through the
 * unit of work they are given and tolerate being run twice (JavaScript state they set is reset
 * by the second run). Units of a group run one after another, in arrival order.
 *
 * Every transaction is one unit of work (`Work`, src/store/unit-of-work.ts) shared by the units of
 * its group, opened with a write-behind queue and a read-ahead: rows nothing reads inside it
 * (session logs, deliveries, events, ended sessions' timer deletes) and new rows with fresh ids
 * (contacts, appointments, their trigger timers, sessions an event starts) are queued and written
 * at its end, a group's rows in a few multi-row statements (see write-behind.ts). A unit may name a
 * read to be done for the whole group before any unit runs (`GroupRead`; ingest reads its lookups
 * ahead this way, see read-ahead.ts).
 */
import type { Store } from '../store/store.js';
import { withWork, type Work } from '../store/unit-of-work.js';

/**
 * Reads a unit asks to have done for its whole group before any unit runs: `read` is called once
 * per group with the payloads of every unit that named it (see read-ahead.ts).
 */
export interface GroupRead<P> {
  read: (work: Work, payloads: P[]) => Promise<void>;
  payload: P;
}

interface Unit {
  fn: (work: Work) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  before?: GroupRead<unknown> | undefined;
}

export interface GroupCommitStats {
  /** Transactions committed (groups, and units run alone). */
  transactions: number;
  /** Units committed. */
  units: number;
  /** Groups that failed and were re-run unit by unit. */
  fallbacks: number;
}

export class GroupCommitter {
  private queue: Unit[] = [];
  /** Groups being committed now (at most `parallel`). */
  private flushing = 0;
  /** The last group had more than one unit: units are arriving together, wait `delayMs` for more. */
  private busy = false;
  private closed = false;
  /** Waiters of `close()`, called when the last group in flight has committed. */
  private drained: Array<() => void> = [];
  readonly stats: GroupCommitStats = { transactions: 0, units: 0, fallbacks: 0 };

  constructor(
    private readonly store: Pick<Store, 'transaction'>,
    /** Most units in one transaction; the rest wait for the next. */
    private readonly maxUnits = 256,
    /**
     * Groups committed at once, each on its own connection. 1 for SQLite (one connection, one
     * writer). On PostgreSQL a group's statements are round trips made one after another, so
     * several groups in flight keep the pool busy while PostgreSQL merges their WAL flushes itself.
     */
    private readonly parallel = 1,
    /**
     * Under load (the last group had company), how long a new group waits for more units before it
     * commits; 0: only to the end of the turn. Like PostgreSQL's `commit_delay`, it costs a unit
     * nothing when the committer is idle. Measured with `npm run bench:ingest` on SQLite (16
     * connections): 1 ms took groups from ~8 to ~13 units and single-event ingest from ~2,600 to
     * ~3,000 events/s, p99 unchanged.
     */
    private readonly delayMs = 0,
  ) {}

  /** Runs `fn` in a unit of work (a transaction), possibly shared with other units; resolves after the commit. */
  run<T, P = never>(fn: (work: Work) => Promise<T>, before?: GroupRead<P>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('shutting down: no more commits'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (value: unknown) => void, reject, before: before as GroupRead<unknown> | undefined });
      if (this.flushing < this.parallel) {
        this.flushing++;
        if (this.busy && this.delayMs > 0) setTimeout(() => void this.flush(), this.delayMs);
        else setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.maxUnits);
        this.busy = group.length > 1;
        if (group.length === 1) await this.alone(group[0]!);
        else await this.together(group);
      }
    } finally {
      this.flushing--;
      if (this.flushing === 0) for (const done of this.drained.splice(0)) done();
    }
  }

  /**
   * Refuses units from now on and resolves once those already accepted have committed (or failed).
   * A worker shutting down closes it before giving its timers back, so that a step still running
   * cannot write after another worker has taken its timer.
   */
  close(): Promise<void> {
    this.closed = true;
    if (this.flushing === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  private async alone(unit: Unit): Promise<void> {
    try {
      const result = await this.transact([unit], (work) => unit.fn(work));
      this.stats.transactions++;
      this.stats.units++;
      unit.resolve(result);
    } catch (error) {
      unit.reject(error);
    }
  }

  /** A transaction whose unit of work queues and reads ahead, the units' group reads done first, flushed before the commit. */
  private transact<T>(units: Unit[], body: (work: Work) => Promise<T>): Promise<T> {
    return this.store.transaction((trx) =>
      withWork(trx, async (work) => {
        await readBefore(work, units);
        return body(work);
      }),
    );
  }

  private async together(group: Unit[]): Promise<void> {
    const results: unknown[] = [];
    try {
      await this.transact(group, async (work) => {
        results.length = 0;
        for (const unit of group) results.push(await unit.fn(work));
      });
    } catch {
      // Someone's error (or a failed commit) rolled back everyone: give each its own transaction.
      this.stats.fallbacks++;
      for (const unit of group) await this.alone(unit);
      return;
    }
    this.stats.transactions++;
    this.stats.units += group.length;
    group.forEach((unit, i) => unit.resolve(results[i]));
  }
}

/** Runs each distinct `before.read` of the units once, with all their payloads. */
async function readBefore(work: Work, units: Unit[]): Promise<void> {
  let reads: Map<GroupRead<unknown>['read'], unknown[]> | undefined;
  for (const unit of units) {
    if (!unit.before) continue;
    reads ??= new Map();
    const payloads = reads.get(unit.before.read);
    if (payloads) payloads.push(unit.before.payload);
    else reads.set(unit.before.read, [unit.before.payload]);
  }
  if (reads) for (const [read, payloads] of reads) await read(work, payloads);
}
