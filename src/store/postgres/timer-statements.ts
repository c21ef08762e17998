/**
 * The scheduler's hot-path SQL on PostgreSQL (claim, next due time, notify), one function per
 * statement, sent straight to the pool; sqlite/timer-statements.ts is its SQLite counterpart.
 *
 * Deliberately unnamed (not server-side prepared): a named statement returning `t.*` fails with
 * "cached plan must not change result type" on connections that outlive a migration adding a
 * column, and breaks behind PgBouncer in transaction mode. A claim moves a batch, so planning it
 * each time costs little.
 */
import type pg from 'pg';
import type { ClaimOptions } from '../store.js';
import type { TimerRow } from '../schema.js';

/**
 * `SKIP LOCKED` lets any number of workers claim at once without waiting on each other. A row
 * another worker claimed after our snapshot is re-checked against `due_at <= $1` once locked
 * (its due_at has moved to that lease's expiry), so it is never claimed twice.
 */
const CLAIM_SQL = `
  with due as (
    select id from timers
    where held = 0 and due_at <= $1
    order by due_at
    limit $2
    for update skip locked
  ), claimed as (
    update timers t
    set due_at = $3, lease_owner = $4, claims = t.claims + 1
    from due
    where t.id = due.id
    returning t.*
  )
  select * from claimed order by scheduled_at, id collate "C"`;

/** Served by the partial index `(due_at) where held = 0`: one index entry read. */
const NEXT_DUE_SQL = `select due_at from timers where held = 0 order by due_at limit 1`;

export interface PostgresTimerStatements {
  claim(options: ClaimOptions): Promise<TimerRow[]>;
  nextDueAt(): Promise<number | null>;
  /** Tells the processes listening on `channel` that a timer is due at `dueAt`. */
  notify(dueAt: number): Promise<void>;
}

export function createPostgresTimerStatements(pool: pg.Pool, channel: string): PostgresTimerStatements {
  return {
    async claim({ owner, now, leaseMs, limit }) {
      if (limit <= 0) return [];
      const result = await pool.query<TimerRow>(CLAIM_SQL, [now, limit, now + leaseMs, owner]);
      return result.rows;
    },
    async nextDueAt() {
      const result = await pool.query<{ due_at: number }>(NEXT_DUE_SQL);
      return result.rows[0]?.due_at ?? null;
    },
    async notify(dueAt) {
      await pool.query('select pg_notify($1, $2)', [channel, String(dueAt)]);
    },
  };
}
