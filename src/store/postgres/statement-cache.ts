/**
 * Statement caching on PostgreSQL (sqlite/statement-cache.ts is SQLite's). Kysely sends every
 * statement unnamed, so PostgreSQL parses and plans it again on each execution. This pool wrapper sends Kysely's data statements as named prepared statements instead: parsed
 * and planned once per connection, then only bound and executed.
 *
 * Measured with bench/engine-drain.ts (2,000 reminders drained by one in-process worker, the
 * database on the same 2 cores): PostgreSQL's CPU per reminder fell from 4.6 ms to 2.8 ms, the
 * drain rate rose from 139 to 168 reminders/s and ingest from 342 to 462 events/s.
 *
 * Two things can make a prepared statement fail where the same SQL unnamed would not:
 * - a migration changed a table after a statement on it was prepared on a connection ("cached plan
 *   must not change result type", 0A000), as happens to old processes during a rolling upgrade;
 * - a pooler in transaction mode (PgBouncer before 1.21) sends the Bind to a server connection that
 *   never saw the Parse ("prepared statement … does not exist", 26000).
 * Then that connection stops naming statements, and the statement is retried unnamed when no
 * transaction is open (inside one, PostgreSQL has already aborted it: the error goes to the caller,
 * as any failed statement would). `preparedStatements: false` turns the whole thing off.
 *
 * The timer hot path (timer-statements.ts) stays unnamed on purpose; see there. So do lookups by an
 * array of values (`= any($n)` and `unnest($n)`, written by in-list.ts): a named statement's plan is cached after
 * five executions as a generic plan, chosen for the table as it was then. Seen in
 * `npm run bench:ingest` on a new database: `contacts where workspace_id = $1 and external_id =
 * any($2)` kept a plan made while the table was nearly empty (index on workspace_id only, the
 * array as a filter) and took 13–18 ms per lookup once the table held 12k rows, against 0.1 ms
 * planned afresh. Planning such a statement costs tens of microseconds.
 * Searches (`LIKE $n`) stay unnamed too: PostgreSQL reads an index range from a LIKE pattern only
 * when it plans with the pattern's value (repositories/contact-search.ts).
 */
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type pg from 'pg';

/** Distinct statements named per store; SQL beyond this (rare: Kysely's IN lists vary in length) runs unnamed. */
const MAX_NAMED = 500;
const DATA_STATEMENT = /^\s*(select|insert|update|delete|with)\b/i;
const PLANNED_EACH_TIME = /= any\(\$\d+\)|from unnest\(\$\d+| like /i;
const RETRY_UNNAMED = new Set(['0A000', '26000']);

export function preparedStatementPool(pool: pg.Pool): PostgresPool {
  const names = new Map<string, string>();
  const nameFor = (sql: string): string | undefined => {
    let name = names.get(sql);
    if (name === undefined && names.size < MAX_NAMED && DATA_STATEMENT.test(sql) && !PLANNED_EACH_TIME.test(sql)) {
      name = `nudge_${names.size + 1}`;
      names.set(sql, name);
    }
    return name;
  };
  /** Connections that hit one of the errors above: they run everything unnamed from then on. */
  const unnamedOnly = new WeakSet<pg.PoolClient>();
  /** Connections with a transaction open (Kysely's begin/commit/rollback pass through `query`). */
  const inTransaction = new WeakSet<pg.PoolClient>();

  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      const query = async (sql: string, parameters: ReadonlyArray<unknown>) => {
        // A cursor (Kysely's stream()) passes through untouched.
        if (typeof sql !== 'string') return client.query(sql as never);
        const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase();
        if (verb === 'begin' || verb === 'start') inTransaction.add(client);
        else if (verb === 'commit' || verb === 'rollback' || verb === 'end') inTransaction.delete(client);
        const name = unnamedOnly.has(client) ? undefined : nameFor(sql);
        if (name === undefined) return client.query(sql, parameters as unknown[]);
        try {
          return await client.query({ name, text: sql, values: parameters as unknown[] });
        } catch (error) {
          if (!RETRY_UNNAMED.has((error as { code?: string }).code ?? '')) throw error;
          unnamedOnly.add(client);
          if (inTransaction.has(client)) throw error;
          return client.query(sql, parameters as unknown[]);
        }
      };
      // pg's result has the fields Kysely reads (command, rowCount, rows); the cursor overload passes through.
      return { query: query as unknown as PostgresPoolClient['query'], release: () => client.release() };
    },
    end: () => pool.end(),
  };
}
