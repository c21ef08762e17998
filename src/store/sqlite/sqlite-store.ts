/**
 * The embedded default: one SQLite file through better-sqlite3, one connection.
 *
 * Kysely serializes every query on that connection with a mutex. The hot paths (timer claim,
 * next due time, BEGIN/COMMIT) run as cached better-sqlite3 statements while holding that same
 * connection (`db.connection().execute`): better-sqlite3 is synchronous, and running a statement
 * outside the mutex could land inside another caller's open transaction.
 *
 * The driver's files, each with its PostgreSQL counterpart of the same name where there is one:
 * sqlite-store.ts (the Store), sqlite-dialect.ts (Kysely's dialect: declared SQL capabilities, the
 * re-entrant transaction guard), statement-cache.ts (prepared statements reused),
 * timer-statements.ts (the claim and the next due time); SQLite only: checkpointer.ts (the
 * write-ahead log copied back off the event loop).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely } from 'kysely';
import { runMigrations } from '../migrator.js';
import { sqliteMigrations } from '../migrations/sqlite/index.js';
import type { Database } from '../schema.js';
import type { Store } from '../store.js';
import { SqliteStoreDialect, assertOutsideTransaction, type TransactionScope } from './sqlite-dialect.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';
import { cachingDatabase } from './statement-cache.js';
import { createSqliteTimerStatements } from './timer-statements.js';

export interface SqliteStoreOptions {
  /** Database file; its folder is created when missing. `:memory:` gives a private in-memory database. */
  filename: string;
  /**
   * `NORMAL` (default): in WAL mode a commit is not fsynced, so a power cut or OS crash can lose
   * the last few commits (never corrupt the file); a crash of the process alone loses nothing.
   * Measured here (engines.md §6): ~31–40k single-row commits/s against ~12k/s with `FULL`.
   * `FULL` fsyncs every commit.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /** How long a write waits for another process's write lock before SQLITE_BUSY. Default 5000 ms. */
  busyTimeoutMs?: number;
  /**
   * Reuse prepared statements for repeated SQL (statement-cache.ts; measured +63% ingest, +27%
   * drain). Default true; false only to measure without it.
   */
  statementCache?: boolean;
  /**
   * Who checkpoints the write-ahead log (copies committed pages back into the database file):
   * `background` (default for a file), a worker thread of this process (checkpointer.ts), so that
   * no commit on the event loop pays for it; `inline`, SQLite's own automatic checkpoint inside the
   * commit that takes the log past 1,000 pages. `:memory:` has no log.
   */
  checkpoint?: 'background' | 'inline';
  /** Errors no caller awaits (a background checkpoint that failed; the next one tries again). */
  onError?: (error: unknown) => void;
}

/** With background checkpoints, the size (pages) past which a commit checkpoints all the same. */
const BACKSTOP_CHECKPOINT_PAGES = 10_000;
/** SQLite's own automatic checkpoint size (pages), for `inline`. */
const SQLITE_CHECKPOINT_PAGES = 1000;

/** Opens (and creates) a SQLite database and returns a Store over it. Does not migrate. */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const { filename, synchronous = 'NORMAL', busyTimeoutMs = 5000, statementCache = true } = options;
  const inMemory = filename === ':memory:';
  const background = !inMemory && (options.checkpoint ?? 'background') === 'background';
  if (!inMemory) await mkdir(dirname(resolve(filename)), { recursive: true });
  const raw = openDatabase(filename, synchronous, busyTimeoutMs, background);
  const checkpointer = background ? await startBackgroundCheckpoints(raw, filename, busyTimeoutMs, options.onError) : undefined;

  const scope = new AsyncLocalStorage<TransactionScope>();
  const db = new Kysely<Database>({ dialect: new SqliteStoreDialect({ database: statementCache ? cachingDatabase(raw) : raw }, scope) });
  const timers = createSqliteTimerStatements(raw);
  let closing: Promise<void> | undefined;

  const store: Store = {
    dialect: 'sqlite',
    capabilities: { listenNotify: false, connections: 1 },
    db,
    transaction: immediateTransactions(db, raw, scope),

    migrate() {
      return runMigrations({ migrations: sqliteMigrations, transaction: store.transaction });
    },

    async claimTimers(claim) {
      return db.connection().execute(async () => timers.claim(claim));
    },

    async nextDueAt() {
      return db.connection().execute(async () => timers.nextDueAt());
    },

    // One process owns a SQLite file's scheduler, so there is nobody to tell.
    async notifyTimers() {},

    async listenTimers() {
      assertOutsideTransaction(scope);
      return async () => {};
    },

    close() {
      // Wait for the query or transaction in flight (the connection mutex), then close the file,
      // the checkpoint thread's connection first: the last connection to close removes the log.
      closing ??= db
        .connection()
        .execute(async () => {})
        .then(() => checkpointer?.close())
        .then(() => db.destroy());
      return closing;
    },
  };
  return store;
}

/** Opens the file with the store's settings (WAL, synchronous, busy timeout). */
function openDatabase(filename: string, synchronous: 'NORMAL' | 'FULL', busyTimeoutMs: number, background: boolean): BetterSqlite3.Database {
  const raw = new BetterSqlite3(filename, { timeout: busyTimeoutMs });
  try {
    // WAL: readers never block the writer and commits append instead of rewriting pages.
    raw.pragma('journal_mode = WAL');
    raw.pragma(`synchronous = ${synchronous}`);
    raw.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    // SQLite's default, stated so nobody relies on it: the schema declares no foreign keys.
    raw.pragma('foreign_keys = OFF');
    if (background) raw.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
  } catch (error) {
    raw.close();
    throw error;
  }
  return raw;
}

/** The checkpoint thread; undefined when it cannot start (then SQLite checkpoints inline). */
async function startBackgroundCheckpoints(
  raw: BetterSqlite3.Database,
  filename: string,
  busyTimeoutMs: number,
  onError: ((error: unknown) => void) | undefined,
): Promise<Checkpointer | undefined> {
  try {
    return await startCheckpointer({
      filename,
      busyTimeoutMs,
      onError: (message) => onError?.(new Error(`SQLite background checkpoint: ${message}`)),
    });
  } catch (error) {
    // No thread (a worker cannot start here): SQLite's own checkpoints, as with `inline`.
    raw.pragma(`wal_autocheckpoint = ${SQLITE_CHECKPOINT_PAGES}`);
    onError?.(new Error(`SQLite background checkpoint: could not start, checkpointing inline instead: ${(error as Error).message}`));
    return undefined;
  }
}

/**
 * The store's `transaction`. Kysely's own transactions begin DEFERRED: a transaction that reads
 * before it writes then fails with SQLITE_BUSY, without waiting, when another process wrote in
 * between. IMMEDIATE takes the write lock up front (waiting up to busy_timeout), so a transaction
 * cannot fail that way.
 */
function immediateTransactions(db: Kysely<Database>, raw: BetterSqlite3.Database, scope: AsyncLocalStorage<TransactionScope>): Store['transaction'] {
  const begin = raw.prepare('begin immediate');
  const commit = raw.prepare('commit');
  const rollback = raw.prepare('rollback');
  return (fn) =>
    db.connection().execute(async (conn) => {
      begin.run();
      const current: TransactionScope = { open: true };
      try {
        const result = await scope.run(current, () => fn(conn));
        current.open = false;
        commit.run();
        return result;
      } catch (error) {
        current.open = false;
        if (raw.inTransaction) rollback.run();
        throw error;
      }
    });
}
