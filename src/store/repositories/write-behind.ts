/**
 * Write-behind for rows nothing reads inside the transaction that writes them: session log
 * entries, delivery records, and the deletion of ended sessions' timers; and events, whose one
 * read in an ingest transaction (the idempotency-key lookup) looks in the queue first. In a transaction opened
 * with `withWriteBehind`, `appendSessionLogs`, `insertDelivery` and `deleteSessionTimer` queue
 * their work, and it is done just before the commit, all of a transaction's rows of one table in
 * one statement (per chunk).
 *
 * Why: on PostgreSQL every statement is a round trip (a socket write and a wake-up of both
 * processes). A group commit of 100 finished reminders wrote 100 delivery rows and 200 log rows in
 * 300 statements; it now writes them in a handful. Nothing changes for readers: the rows commit with
 * the same transaction, in the order they were queued (their ids are taken when queued).
 *
 * A transaction that has no buffer (every transaction not opened through `withWriteBehind`) writes
 * at once, as before.
 */
import { CompiledQuery, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../schema.js';
import { sqlCapabilities } from '../sql-capabilities.js';
import { inList } from './in-list.js';

type Deferred = { [T in DeferredTable]: Array<Insertable<Database[T]>> } & {
  deletedSessionTimers: string[];
  /** New rows by id, in the order queued; a later write in the transaction patches them here. */
  created: { [T in CreatedTable]: Map<string, Selectable<Database[T]>> };
};
type DeferredTable = 'session_logs' | 'deliveries' | 'events';
/**
 * Tables whose new rows can wait for the commit: rows with fresh ids (a new contact, a new
 * appointment, the trigger timers of a new appointment, a session started by an event and its
 * timer) that nobody outside this transaction can know of. Their writers look here first
 * (`pendingRow`) and patch a queued row instead of updating the table.
 */
export type CreatedTable = 'contacts' | 'appointments' | 'sessions' | 'timers';

const buffers = new WeakMap<Kysely<Database>, Deferred>();

/** Rows per multi-row statement, at most; chunks are powers of two so few statement shapes exist. */
const MAX_CHUNK = 64;
/** Ids in one `in (…)` list, at most. */
const MAX_IN = 256;

/** Queues `rows` for the end of `db`'s transaction; returns false when `db` has no buffer (write now). */
export function deferInsert<T extends DeferredTable>(db: Kysely<Database>, table: T, rows: Array<Insertable<Database[T]>>): boolean {
  const buffer = buffers.get(db);
  if (!buffer) return false;
  (buffer[table] as Array<Insertable<Database[T]>>).push(...rows);
  return true;
}

/** Rows of `table` queued in `db`'s transaction and not yet written (empty without a buffer). */
export function queuedRows<T extends DeferredTable>(db: Kysely<Database>, table: T): ReadonlyArray<Insertable<Database[T]>> {
  return (buffers.get(db)?.[table] as Array<Insertable<Database[T]>> | undefined) ?? [];
}

/**
 * Queues a new row (its id fresh, unknown outside this transaction) for the end of `db`'s
 * transaction; returns false when `db` has no buffer (insert now).
 */
export function deferNewRow<T extends CreatedTable>(db: Kysely<Database>, table: T, row: Selectable<Database[T]> & { id: string }): boolean {
  const buffer = buffers.get(db);
  if (!buffer) return false;
  (buffer.created[table] as Map<string, Selectable<Database[T]>>).set(row.id, row);
  return true;
}

/** `deferNewRow` for each of `rows`; false (nothing queued) when `db` has no buffer. */
export function deferNewRows<T extends CreatedTable>(db: Kysely<Database>, table: T, rows: ReadonlyArray<Selectable<Database[T]> & { id: string }>): boolean {
  if (!buffers.has(db)) return false;
  for (const row of rows) deferNewRow(db, table, row);
  return true;
}

/** Drops the queued new row of `table` with this id (it is never written); true if there was one. */
export function dropPendingRow(db: Kysely<Database>, table: CreatedTable, id: string): boolean {
  return buffers.get(db)?.created[table].delete(id) ?? false;
}

/** The queued new row of `table` with this id, if this transaction queued one. */
export function pendingRow<T extends CreatedTable>(db: Kysely<Database>, table: T, id: string): Selectable<Database[T]> | undefined {
  return buffers.get(db)?.created[table].get(id) as Selectable<Database[T]> | undefined;
}

/** Every queued new row of `table`, in the order queued. */
export function pendingRows<T extends CreatedTable>(db: Kysely<Database>, table: T): Array<Selectable<Database[T]>> {
  const rows = buffers.get(db)?.created[table] as Map<string, Selectable<Database[T]>> | undefined;
  return rows ? [...rows.values()] : [];
}

/** Drops the queued new rows of `table` for which `drop` is true (they are never written); returns how many. */
export function filterPendingRows<T extends CreatedTable>(db: Kysely<Database>, table: T, drop: (row: Selectable<Database[T]>) => boolean): number {
  const rows = buffers.get(db)?.created[table] as Map<string, Selectable<Database[T]>> | undefined;
  if (!rows) return 0;
  let dropped = 0;
  for (const [id, row] of rows) {
    if (drop(row)) {
      rows.delete(id);
      dropped++;
    }
  }
  return dropped;
}

/**
 * Queues the deletion of an ended session's timer for the end of `db`'s transaction; returns false
 * when `db` has no buffer. Safe to defer because a session's timer is keyed by the session's id and
 * nothing writes it again once the session has ended (the runner that ended it stops).
 */
export function deferSessionTimerDelete(db: Kysely<Database>, sessionId: string): boolean {
  const buffer = buffers.get(db);
  if (!buffer) return false;
  buffer.deletedSessionTimers.push(sessionId);
  return true;
}

/**
 * Runs `fn` with a write-behind buffer on `trx` (an open transaction) and writes what it queued
 * before returning. If `fn` throws, the queued rows are dropped with the rest of the transaction.
 */
export async function withWriteBehind<T>(trx: Kysely<Database>, fn: () => Promise<T>): Promise<T> {
  const buffer: Deferred = {
    session_logs: [],
    deliveries: [],
    events: [],
    deletedSessionTimers: [],
    created: { contacts: new Map(), appointments: new Map(), sessions: new Map(), timers: new Map() },
  };
  buffers.set(trx, buffer);
  try {
    const result = await fn();
    // Unique constraints still hold: a new row that clashes fails the commit's statement, and
    // the group commit re-runs each unit alone (group-commit.ts).
    await insertChunked(trx, 'contacts', [...buffer.created.contacts.values()], 32);
    await insertChunked(trx, 'appointments', [...buffer.created.appointments.values()], 16);
    await insertChunked(trx, 'sessions', [...buffer.created.sessions.values()], 32);
    await insertChunked(trx, 'timers', [...buffer.created.timers.values()], 32);
    await insertChunked(trx, 'events', buffer.events, 32);
    await insertChunked(trx, 'deliveries', buffer.deliveries);
    await insertChunked(trx, 'session_logs', buffer.session_logs);
    for (let i = 0; i < buffer.deletedSessionTimers.length; i += MAX_IN) {
      await trx.deleteFrom('timers').where(inList(trx, 'id', buffer.deletedSessionTimers.slice(i, i + MAX_IN))).execute();
    }
    return result;
  } finally {
    buffers.delete(trx);
  }
}

/**
 * Inserts `rows` in few statements. On PostgreSQL: one per 1,000 rows, the rows as one JSON
 * parameter that the server expands into the table's row type (`json_populate_recordset`), so the
 * statement has one shape whatever the row count. On SQLite (no round trips; statements are cached
 * by their text): multi-row VALUES statements whose sizes are powers of two (100 rows: 64 + 32 + 4),
 * so that its statement cache sees a bounded set of shapes.
 *
 * The SQL of each shape is written once and kept (`insertSql`); only the parameters are built per
 * call. Kysely built and compiled a node per value each time: for a 32-row insert of a 16-column
 * table, 512 value nodes per statement, the largest share of Kysely's time in the ingest profile.
 * Rows whose columns differ (or that carry `undefined`, which means DEFAULT) are inserted one by
 * one with the columns each sets.
 */
export async function insertChunked<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
  maxChunk = MAX_CHUNK,
): Promise<void> {
  await insertChunks(db, table, rows, maxChunk, false);
}

/**
 * `insertChunked` for rows whose id another writer may have inserted already: those are left as
 * they are (`on conflict do nothing`). Returns the ids this call inserted.
 */
export async function insertChunkedUnlessPresent<T extends CreatedTable>(
  db: Kysely<Database>,
  table: T,
  rows: ReadonlyArray<Selectable<Database[T]> & { id: string }>,
  maxChunk = MAX_CHUNK,
): Promise<Set<string>> {
  return insertChunks(db, table, rows as ReadonlyArray<Insertable<Database[T]>>, maxChunk, true);
}

async function insertChunks<T extends keyof Database & string>(
  db: Kysely<Database>,
  table: T,
  rows: ReadonlyArray<Insertable<Database[T]>>,
  maxChunk: number,
  unlessPresent: boolean,
): Promise<Set<string>> {
  const inserted = new Set<string>();
  const suffix = unlessPresent ? ' on conflict ("id") do nothing returning "id"' : '';
  const run = async (text: string, parameters: unknown[]) => {
    const result = await db.executeQuery<{ id: string }>(CompiledQuery.raw(text, parameters));
    for (const r of result.rows) inserted.add(r.id);
  };
  const all = rows as ReadonlyArray<Record<string, unknown>>;
  if (sqlCapabilities(db).jsonRecordsetInsert && all.length > 1) {
    // PostgreSQL: the rows as one JSON parameter, expanded by the server into the table's row type:
    // one statement of one shape for any number of rows, where a multi-row VALUES list takes a
    // statement per power-of-two chunk (a round trip each) and a parameter per value.
    for (let start = 0; start < all.length; start += MAX_JSON_ROWS) {
      const chunk = all.slice(start, start + MAX_JSON_ROWS);
      const columns = sameColumns(chunk);
      if (columns && chunk.every(wellFormed)) await run(jsonInsertSql(table, columns) + suffix, [JSON.stringify(chunk)]);
      else await insertValues(db, table, chunk, maxChunk, suffix, run);
    }
  } else {
    await insertValues(db, table, all, maxChunk, suffix, run);
  }
  return inserted;
}

/**
 * Whether JSON can carry the row's strings: a lone UTF-16 surrogate (possible in text an API
 * client sent) is refused by PostgreSQL's JSON parser, while as a parameter it is sent as U+FFFD.
 */
function wellFormed(row: Record<string, unknown>): boolean {
  for (const key in row) {
    const value = row[key];
    if (typeof value === 'string' && !(value as string & { isWellFormed(): boolean }).isWellFormed()) return false;
  }
  return true;
}

/** Multi-row VALUES statements of power-of-two sizes; rows of differing columns one by one. */
async function insertValues(
  db: Kysely<Database>,
  table: string,
  rows: ReadonlyArray<Record<string, unknown>>,
  maxChunk: number,
  suffix: string,
  run: (text: string, parameters: unknown[]) => Promise<void>,
): Promise<void> {
  let i = 0;
  while (i < rows.length) {
    let size = 1;
    while (size * 2 <= Math.min(rows.length - i, maxChunk)) size *= 2;
    const chunk = rows.slice(i, i + size);
    const columns = sameColumns(chunk);
    if (columns) {
      const parameters: unknown[] = [];
      for (const row of chunk) for (const column of columns) parameters.push(row[column]);
      await run(insertSql(table, columns, size, sqlCapabilities(db).numberedParameters) + suffix, parameters);
    } else {
      // Rows of differing columns (or with an undefined value, which means DEFAULT): one
      // statement each, with the columns each one sets.
      for (const row of chunk) {
        const own = Object.keys(row).filter((c) => row[c] !== undefined);
        await run(insertSql(table, own, 1, sqlCapabilities(db).numberedParameters) + suffix, own.map((c) => row[c]));
      }
    }
    i += size;
  }
}

/** The columns every row of `rows` has, in the first row's order, when they all have the same defined ones. */
function sameColumns(rows: Array<Record<string, unknown>>): string[] | null {
  const columns = Object.keys(rows[0]!);
  for (const row of rows) {
    const keys = Object.keys(row);
    if (keys.length !== columns.length) return null;
    for (let c = 0; c < columns.length; c++) {
      if (keys[c] !== columns[c] || row[columns[c]!] === undefined) return null;
    }
  }
  return columns;
}

const insertSqlCache = new Map<string, string>();

/** `"a", "b"`: a column list, each name quoted. */
function quoteColumns(columns: readonly string[]): string {
  return columns.map((c) => `"${c.replaceAll('"', '""')}"`).join(', ');
}

/** Most rows in one JSON insert on PostgreSQL. */
const MAX_JSON_ROWS = 1000;

/** `insert into "t" ("a", "b") select "a", "b" from json_populate_recordset(null::"t", $1)`, kept by shape. */
function jsonInsertSql(table: string, columns: string[]): string {
  const key = `json ${table} ${columns.join(',')}`;
  let text = insertSqlCache.get(key);
  if (text === undefined) {
    const quoted = quoteColumns(columns);
    text = `insert into "${table}" (${quoted}) select ${quoted} from json_populate_recordset(null::"${table}", $1)`;
    insertSqlCache.set(key, text);
  }
  return text;
}

/** `insert into "table" ("a", "b") values (?, ?), (?, ?)` (numbered: `$1, $2`), kept by shape. */
function insertSql(table: string, columns: string[], rows: number, numbered: boolean): string {
  const key = `${numbered ? '$' : '?'} ${table} ${rows} ${columns.join(',')}`;
  let text = insertSqlCache.get(key);
  if (text === undefined) {
    let n = 0;
    const tuple = () => `(${columns.map(() => (numbered ? `$${++n}` : '?')).join(', ')})`;
    const quoted = quoteColumns(columns);
    text = `insert into "${table}" (${quoted}) values ${Array.from({ length: rows }, tuple).join(', ')}`;
    insertSqlCache.set(key, text);
  }
  return text;
}
