/**
 * The scheduler's hot-path SQL on PostgreSQL, one function per statement, sent straight to the pool.
 *
 * Deliberately unnamed (not server-side prepared): a named statement returning `t.*` fails with
 * "cached plan must not change result type" on connections that outlive a migration adding a
 * column, and breaks behind PgBouncer in transaction mode. A claim moves a batch, so planning it
 * each time costs little.
 */
import type pg from 'pg';
import type { ClaimOptions, StartedEnds } from '../store.js';
import { DELIVERY_COLUMNS, SESSION_COLUMNS, SESSION_LOG_COLUMNS, type TimerRow } from '../schema.js';

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

export async function claimTimers(pool: pg.Pool, { owner, now, leaseMs, limit }: ClaimOptions): Promise<TimerRow[]> {
  if (limit <= 0) return [];
  const result = await pool.query<TimerRow>(CLAIM_SQL, [now, limit, now + leaseMs, owner]);
  return result.rows;
}

export async function nextDueAt(pool: pg.Pool): Promise<number | null> {
  const result = await pool.query<{ due_at: number }>(NEXT_DUE_SQL);
  return result.rows[0]?.due_at ?? null;
}

export async function notifyTimers(pool: pg.Pool, channel: string, dueAt: number): Promise<void> {
  await pool.query('select pg_notify($1, $2)', [channel, String(dueAt)]);
}

/**
 * The last write of sessions a trigger started and that ended in the same run, in one statement:
 * each trigger's timer deleted if its claim still holds it, the sessions inserted unless another
 * worker wrote them first, every delivery recorded, and the timeline entries of the sessions this
 * statement inserted. A statement is atomic on its own, so this needs no `BEGIN`/`COMMIT`: one
 * round trip where a transaction took six. The rows travel as JSON (`json_populate_recordset`
 * maps them onto each table's row type). Unnamed, like the claim: planned afresh each time, so
 * the join of the triggers to `timers` is planned against the table as it is, not as it was when a
 * connection first saw the statement.
 */
const WRITE_STARTED_ENDS_SQL = (columns: { sessions: string; deliveries: string; logs: string }) => `
  with triggers as (
    delete from timers t
    using json_to_recordset($1::json) as x(id text, owner text)
    where t.id = x.id and t.lease_owner = x.owner
  ), inserted as (
    insert into sessions (${columns.sessions})
    select ${columns.sessions} from json_populate_recordset(null::sessions, $2::json)
    on conflict (id) do nothing
    returning id
  ), delivered as (
    insert into deliveries (${columns.deliveries})
    select ${columns.deliveries} from json_populate_recordset(null::deliveries, $3::json)
  ), logged as (
    insert into session_logs (${columns.logs})
    select ${columns.logs} from json_populate_recordset(null::session_logs, $4::json) l
    where l.session_id in (select id from inserted)
  )
  select id from inserted`;

const quoted = (columns: readonly string[]) => columns.map((c) => `"${c}"`).join(', ');
const writeStartedEndsText = WRITE_STARTED_ENDS_SQL({
  sessions: quoted(SESSION_COLUMNS),
  deliveries: quoted(DELIVERY_COLUMNS),
  logs: quoted(SESSION_LOG_COLUMNS),
});

export async function writeStartedEnds(pool: pg.Pool, input: StartedEnds): Promise<Set<string>> {
  const result = await pool.query<{ id: string }>(writeStartedEndsText, [
    JSON.stringify(input.triggers),
    JSON.stringify(input.sessions),
    JSON.stringify(input.deliveries),
    JSON.stringify(input.logs),
  ]);
  return new Set(result.rows.map((r) => r.id));
}
