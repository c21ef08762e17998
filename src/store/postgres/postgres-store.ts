/**
 * The scale-out store: a pg pool shared by any number of API and worker processes.
 * Timers are claimed with `FOR UPDATE SKIP LOCKED`, and workers wake each other with
 * `LISTEN/NOTIFY` on a channel per schema.
 *
 * The driver's files, each with its SQLite counterpart of the same name where there is one:
 * postgres-store.ts (the Store), postgres-dialect.ts (Kysely's dialect: declared SQL
 * capabilities), statement-cache.ts (named prepared statements), timer-statements.ts (the claim,
 * the next due time, NOTIFY); PostgreSQL only: timer-listener.ts and notify-coalescer.ts (waking
 * other processes), pg-types.ts (int8 as numbers on the store's connections).
 */
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { NudgeError } from '../../core/errors.js';
import { postgresMigrations } from '../migrations/postgres/index.js';
import { runMigrations } from '../migrator.js';
import type { Database } from '../schema.js';
import type { Store } from '../store.js';
import { PostgresStoreDialect } from './postgres-dialect.js';
import { storeTypes } from './pg-types.js';
import { coalesceNotify } from './notify-coalescer.js';
import { preparedStatementPool } from './statement-cache.js';
import { createTimerListener } from './timer-listener.js';
import { createPostgresTimerStatements } from './timer-statements.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /**
   * Schema holding Nudge's tables; created if missing and put on every connection's
   * `search_path`. Lower-case letters, digits and `_`. Default: the server's search_path (`public`).
   */
  schema?: string;
  /** Most connections the pool opens (the LISTEN connection comes on top). Default 10. */
  poolSize?: number;
  /**
   * Errors nobody awaits: a pooled connection the server ended (idle, or checked out between two
   * statements), the LISTEN connection dropping or failing to reconnect, a timer listener that
   * threw. Default: ignored (the pool replaces broken connections; the listener reconnects).
   */
  onError?: (error: unknown) => void;
  /**
   * Send the store's ordinary statements as named prepared statements, parsed and planned once per
   * connection (see statement-cache.ts; measured: 40% less PostgreSQL CPU per reminder).
   * Default true. Set false behind a pooler in transaction mode that does not support them
   * (PgBouncer before 1.21); the store also falls back by itself when a statement fails that way.
   */
  preparedStatements?: boolean;
}

/** Arbitrary first key of the migration advisory lock ('NUDG'); the second is the schema's hash. */
const MIGRATION_LOCK_CLASS = 0x4e554447;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,49}$/;

/** Connects to PostgreSQL (failing fast when it is unreachable) and returns a Store. Does not migrate. */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const { url, schema, poolSize = 10, onError = () => {}, preparedStatements = true } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new NudgeError('bad_database_schema', `schema name ${JSON.stringify(schema)} must match ${SCHEMA_NAME}`);
  }
  const connection: pg.ClientConfig = {
    connectionString: url,
    application_name: 'nudge',
    types: storeTypes,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
  };
  const pool = await openPool(connection, poolSize, schema, onError);
  const db = new Kysely<Database>({ dialect: new PostgresStoreDialect({ pool: preparedStatements ? preparedStatementPool(pool) : pool }) });
  const channel = `nudge_timers_${schema ?? 'public'}`;
  const listener = createTimerListener({
    client: { ...connection, application_name: 'nudge-listener' },
    channel,
    onError,
  });
  const timers = createPostgresTimerStatements(pool, channel);
  const notify = coalesceNotify((dueAt) => timers.notify(dueAt));
  let closing: Promise<void> | undefined;

  const store: Store = {
    dialect: 'postgres',
    capabilities: { listenNotify: true, connections: poolSize },
    db,
    transaction: (fn) => db.transaction().execute(fn),
    migrate: () =>
      runMigrations({
        migrations: postgresMigrations,
        transaction: store.transaction,
        // Several processes starting at once: the first migrates, the others wait, then find it done.
        lock: async (trx) => {
          await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_CLASS)}, hashtext(current_schema()))`.execute(trx);
        },
      }),
    claimTimers: (claim) => timers.claim(claim),
    nextDueAt: () => timers.nextDueAt(),
    notifyTimers: notify,
    listenTimers: (fn) => listener.add(fn),
    close() {
      closing ??= listener.close().then(() => db.destroy());
      return closing;
    },
  };
  return store;
}

/** The store's pool, its first connection open (the schema created when one is named). */
async function openPool(connection: pg.ClientConfig, poolSize: number, schema: string | undefined, onError: (error: unknown) => void): Promise<pg.Pool> {
  const pool = new pg.Pool({ ...connection, max: poolSize });
  // A connection the server ends (restart, failover, pg_terminate_backend) emits 'error', and an
  // 'error' nobody listens to crashes the process. pg-pool listens only while a connection is idle;
  // this listener covers the time it is checked out, between two statements, where no query is
  // there to fail. The pool drops the broken connection when it is released and opens a new one.
  pool.on('connect', (client) => client.on('error', onError));
  // The idle case, already reported by the listener above.
  pool.on('error', () => {});
  try {
    if (schema === undefined) await pool.query('select 1');
    else await createSchema(pool, schema);
  } catch (error) {
    await pool.end().catch(() => {});
    throw error;
  }
  return pool;
}

async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`create schema if not exists "${schema}"`);
  } catch (error) {
    // Two processes creating it at once: one of them loses the race on the catalog's unique index.
    const code = (error as { code?: string }).code;
    if (code !== '23505' && code !== '42P06') throw error;
  }
}
