/**
 * The bench's own view of PostgreSQL: a database of its own (so nothing else's traffic shows in
 * its counters), schemas reset per engine, transaction counts and relation sizes.
 *
 * Counting reads `pg_stat_database` from a connection to another database (`postgres`), so the
 * counting itself never shows up in the figures.
 */
import pg from 'pg';

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/nudge_bench';

function adminUrl(url: string): string {
  const u = new URL(url);
  u.pathname = '/postgres';
  return u.toString();
}

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

export interface PgAdmin {
  /** Drops a schema and everything in it. */
  dropSchema(schema: string): Promise<void>;
  /** Committed plus rolled-back transactions so far in the bench database (one per autocommit statement). */
  transactions(): Promise<number>;
  /** Bytes of every table in `schema` (heap, indexes, TOAST), per table and in total. */
  schemaBytes(schema: string): Promise<{ bytes: number; detail: Record<string, number> }>;
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Connects, creating the bench database when it does not exist yet. */
export async function createPgAdmin(url: string): Promise<PgAdmin> {
  const name = databaseName(url);
  const admin = new pg.Client({ connectionString: adminUrl(url), application_name: 'nudge-bench-admin' });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [name]);
  if (exists.rowCount === 0) await admin.query(`create database "${name.replaceAll('"', '""')}"`);
  const db = new pg.Client({ connectionString: url, application_name: 'nudge-bench-admin' });
  await db.connect();
  return {
    async dropSchema(schema) {
      await db.query(`drop schema if exists "${schema}" cascade`);
    },
    async transactions() {
      // Force this backend's pending counters out first; others flush on their own within ~1 s.
      await admin.query('select pg_stat_clear_snapshot()');
      const r = await admin.query<{ n: string }>('select xact_commit + xact_rollback as n from pg_stat_database where datname = $1', [name]);
      return Number(r.rows[0]?.n ?? Number.NaN);
    },
    async schemaBytes(schema) {
      const r = await db.query<{ name: string; bytes: string }>(
        `select c.relname as name, pg_total_relation_size(c.oid) as bytes
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = $1 and c.relkind in ('r', 'm')`,
        [schema],
      );
      const detail: Record<string, number> = {};
      let bytes = 0;
      for (const row of r.rows) {
        detail[row.name] = Number(row.bytes);
        bytes += Number(row.bytes);
      }
      return { bytes, detail };
    },
    async query(sql, params) {
      return (await db.query(sql, params)).rows;
    },
    async close() {
      await db.end().catch(() => {});
      await admin.end().catch(() => {});
    },
  };
}
