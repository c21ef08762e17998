/**
 * The unit of work of a transaction: the transaction itself (`db`), the rows it queued to write at
 * its commit (`pending`, write-behind.ts), the rows it knows from a read done for its whole group
 * (`known`, read-ahead.ts), and values computed once per transaction (`memo`).
 *
 * A repository function that must see what this transaction queued or read ahead takes a `Work`,
 * not a bare `db`: the type is how a caller learns that the function looks at that state, and a
 * caller cannot hand it a transaction without it. Functions that never look at it take `db`.
 *
 * Who opens which:
 * - the group committer (engine/group-commit.ts) opens every transaction's Work with both
 *   (`withWork(trx, …)`): units of a group queue their new rows and share one read-ahead, and the
 *   queue is written just before the commit (`flushWork`);
 * - everyone else (API handlers, the plain session writer, tests) uses `plainWork(db)`: no queue
 *   (every write goes to the table at once) and nothing known (every lookup reads the table).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { KnownRows } from './repositories/read-ahead.js';
import { PendingRows } from './repositories/write-behind.js';

/** A key of a value kept for one unit of work (`Work.memo`); its type is the value's. */
export interface MemoKey<T> {
  readonly name: string;
  /** Never set: carries `T`. */
  readonly value?: T;
}

export function memoKey<T>(name: string): MemoKey<T> {
  return { name };
}

export class Work {
  /** Rows queued until the commit; null: every write goes to the table at once. */
  readonly pending: PendingRows | null;
  /** Rows known from a group's read-ahead and the unit's own writes; null: every lookup reads the table. */
  readonly known: KnownRows | null;
  private memos: Map<MemoKey<unknown>, unknown> | undefined;

  /** `batched`: see `openWork`; otherwise `plainWork`. */
  constructor(
    /** The transaction every statement of the unit goes to (for a plain Work, possibly the database). */
    readonly db: Kysely<Database>,
    batched = false,
  ) {
    this.pending = batched ? new PendingRows() : null;
    this.known = batched ? new KnownRows() : null;
  }

  /**
   * The value under `key`, made by `make` the first time it is asked for in this unit of work (a
   * cache that lives as long as the transaction: ingest keeps a workspace's live flows here).
   */
  memo<T>(key: MemoKey<T>, make: () => T): T {
    this.memos ??= new Map();
    if (this.memos.has(key)) return this.memos.get(key) as T;
    const value = make();
    this.memos.set(key, value);
    return value;
  }
}

/** A unit of work with no queue and nothing known: writes at once, reads the tables. */
export function plainWork(db: Kysely<Database>): Work {
  return new Work(db);
}

/**
 * Opens the unit of work of a batched transaction on `trx` (an open transaction): it queues new
 * rows and rows nobody reads in the transaction until `flushWork` (write-behind.ts), and answers
 * lookups by unique key from what `readAhead` read and from what the unit wrote since
 * (read-ahead.ts). The two go together: a contact or appointment queued here is found again by
 * its key only through the known rows (the table does not have it yet).
 */
export function openWork(trx: Kysely<Database>): Work {
  return new Work(trx, true);
}

/**
 * Writes what the unit queued, in few statements per table (write-behind.ts), before its
 * transaction commits. The unit queues nothing more afterwards (a later queueing throws).
 */
export async function flushWork(work: Work): Promise<void> {
  await work.pending?.flush(work.db);
}

/**
 * Runs `fn` with a unit of work opened on `trx` (`openWork`) and flushes it before returning. If
 * `fn` throws, what it queued is dropped with the rest of the transaction.
 */
export async function withWork<T>(trx: Kysely<Database>, fn: (work: Work) => Promise<T>): Promise<T> {
  const work = openWork(trx);
  const result = await fn(work);
  await flushWork(work);
  return result;
}
