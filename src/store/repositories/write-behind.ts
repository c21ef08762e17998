/**
 * Write-behind: the rows a unit of work (`Work`, src/store/unit-of-work.ts) queues to write just
 * before its transaction commits, all of a transaction's rows of one table in one statement (per
 * chunk). A batched Work (`openWork`) carries a `PendingRows`; the repositories that write these
 * tables take the Work and queue into it when it has one, and write at once when it has none
 * (`plainWork`).
 *
 * Two kinds of rows wait:
 * - rows nothing reads inside the transaction that writes them (`queueInsert`): session log
 *   entries, delivery records, and events, whose one read in an ingest transaction (the
 *   idempotency-key lookup) looks in the queue first; and the deletion of ended sessions' timers
 *   (`queueSessionTimerDelete`);
 * - new rows whose ids are fresh (`queueNew`): a new contact, a new appointment, the trigger timers
 *   of a new appointment, a session an event starts and its first timer. Nobody outside the
 *   transaction can know them; the repositories that read or change these tables by id take the
 *   Work and look here first (`row`, `rows`), and a later write in the transaction patches or
 *   drops the queued row instead of the table.
 *
 * Why: on PostgreSQL every statement is a round trip (a socket write and a wake-up of both
 * processes). A group commit of 100 finished reminders wrote 100 delivery rows and 200 log rows in
 * 300 statements; it now writes them in a handful. Nothing changes for readers outside the
 * transaction: the rows commit with the same transaction, in the order they were queued (their ids
 * are taken when queued).
 */
import { CompiledQuery, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../schema.js';
import { sqlCapabilities } from '../sql-capabilities.js';
import { inList } from './in-list.js';

type DeferredTable = 'session_logs' | 'deliveries' | 'events';
/** Tables whose new rows (fresh ids) can wait for the commit; see the file's comment. */
export type CreatedTable = 'contacts' | 'appointments' | 'sessions' | 'timers';

/** Rows per multi-row statement, at most; chunks are powers of two so few statement shapes exist. */
const MAX_CHUNK = 64;
/** Ids in one `in (…)` list, at most. */
const MAX_IN = 256;

/** The rows one unit of work queued for its commit (see the file's comment). */
export class PendingRows {
  private readonly inserts: { [T in DeferredTable]: Array<Insertable<Database[T]>> } = { session_logs: [], deliveries: [], events: [] };
  /** New rows by id, in the order queued; a later write in the transaction patches them here. */
  private readonly created: { [T in CreatedTable]: Map<string, Selectable<Database[T]>> } = {
    contacts: new Map(),
    appointments: new Map(),
    sessions: new Map(),
    timers: new Map(),
  };
  private readonly deletedSessionTimers: string[] = [];
  private flushed = false;

  /** Queues `rows` to insert at commit. */
  queueInsert<T extends DeferredTable>(table: T, rows: ReadonlyArray<Insertable<Database[T]>>): void {
    this.open();
    (this.inserts[table] as Array<Insertable<Database[T]>>).push(...rows);
  }

  /** Rows of `table` queued by `queueInsert`, not yet written. */
  queued<T extends DeferredTable>(table: T): ReadonlyArray<Insertable<Database[T]>> {
    return this.inserts[table] as Array<Insertable<Database[T]>>;
  }

  /** Queues a new row (its id fresh), or replaces the queued row with the same id. */
  queueNew<T extends CreatedTable>(table: T, row: Selectable<Database[T]> & { id: string }): void {
    this.open();
    (this.created[table] as Map<string, Selectable<Database[T]>>).set(row.id, row);
  }

  /** `queueNew` for each of `rows`. */
  queueNewRows<T extends CreatedTable>(table: T, rows: ReadonlyArray<Selectable<Database[T]> & { id: string }>): void {
    for (const row of rows) this.queueNew(table, row);
  }

  /** The queued new row of `table` with this id, if there is one. */
  row<T extends CreatedTable>(table: T, id: string): Selectable<Database[T]> | undefined {
    return this.created[table].get(id) as Selectable<Database[T]> | undefined;
  }

  /** Every queued new row of `table`, in the order queued. */
  rows<T extends CreatedTable>(table: T): Array<Selectable<Database[T]>> {
    return [...(this.created[table] as Map<string, Selectable<Database[T]>>).values()];
  }

  /** Drops the queued new row of `table` with this id (it is never written); true if there was one. */
  drop(table: CreatedTable, id: string): boolean {
    return this.created[table].delete(id);
  }

  /** Drops the queued new rows of `table` for which `drop` is true (they are never written); returns how many. */
  dropWhere<T extends CreatedTable>(table: T, drop: (row: Selectable<Database[T]>) => boolean): number {
    const rows = this.created[table] as Map<string, Selectable<Database[T]>>;
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
   * Queues the deletion of an ended session's timer. Safe to defer because a session's timer is
   * keyed by the session's id and nothing writes it again once the session has ended (the runner
   * that ended it stops).
   */
  queueSessionTimerDelete(sessionId: string): void {
    this.open();
    this.deletedSessionTimers.push(sessionId);
  }

  /** Writes everything queued, in `trx` (the unit's transaction), before it commits; nothing can be queued after. */
  async flush(trx: Kysely<Database>): Promise<void> {
    this.open();
    this.flushed = true;
    // Unique constraints still hold: a new row that clashes fails the commit's statement, and
    // the group commit re-runs each unit alone (group-commit.ts).
    await insertChunked(trx, 'contacts', [...this.created.contacts.values()], 32);
    await insertChunked(trx, 'appointments', [...this.created.appointments.values()], 16);
    await insertChunked(trx, 'sessions', [...this.created.sessions.values()], 32);
    await insertChunked(trx, 'timers', [...this.created.timers.values()], 32);
    await insertChunked(trx, 'events', this.inserts.events, 32);
    await insertChunked(trx, 'deliveries', this.inserts.deliveries);
    await insertChunked(trx, 'session_logs', this.inserts.session_logs);
    for (let i = 0; i < this.deletedSessionTimers.length; i += MAX_IN) {
      await trx.deleteFrom('timers').where(inList(trx, 'id', this.deletedSessionTimers.slice(i, i + MAX_IN))).execute();
    }
  }

  /** A queue written already would lose what is queued now: refuse it loudly. */
  private open(): void {
    if (this.flushed) throw new Error('write-behind: this unit of work was already flushed');
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
