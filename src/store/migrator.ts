/**
 * A small forward-only migration runner shared by both dialects.
 *
 * Each migration runs in its own transaction together with the row that records it in
 * `nudge_migrations`, so a crash mid-way leaves either all of a migration or none of it. Several
 * processes may start at once (N workers on one PostgreSQL): the caller's `lock` serializes them
 * inside each transaction (`pg_advisory_xact_lock`), and SQLite's `BEGIN IMMEDIATE` already does.
 */
import { sql, type Kysely } from 'kysely';

export interface Migration {
  /** Unique and sortable, e.g. `001_initial`; recorded in `nudge_migrations.name`. Never rename one. */
  name: string;
  /** Statements run in order, in one transaction. One statement per string (no `;`-joined batches). */
  sql: readonly string[];
}

export interface RunMigrationsOptions {
  /** Every migration of the dialect, in the order they must apply. */
  migrations: readonly Migration[];
  /** The store's transaction: commits when the callback returns, rolls back if it throws. */
  transaction: <T>(fn: (trx: Kysely<any>) => Promise<T>) => Promise<T>;
  /** Runs first in every migration transaction; takes a lock that other processes wait on. */
  lock?: (trx: Kysely<any>) => Promise<void>;
  /** Epoch ms recorded as `applied_at`. Default `Date.now`. */
  now?: () => number;
}

/**
 * Applies the migrations not yet recorded in `nudge_migrations`, one transaction each, and
 * returns the names applied (empty when the database is up to date).
 */
export async function runMigrations(options: RunMigrationsOptions): Promise<string[]> {
  const { migrations, transaction, lock, now = Date.now } = options;
  assertUniqueNames(migrations);
  const applied: string[] = [];
  for (const migration of migrations) {
    const ran = await transaction(async (trx) => {
      if (lock) await lock(trx);
      // Created under the lock: two processes racing on `CREATE TABLE IF NOT EXISTS` can still
      // collide on PostgreSQL's catalog (duplicate key in pg_type).
      await sql`create table if not exists nudge_migrations (
        name text primary key,
        applied_at bigint not null
      )`.execute(trx);
      // Re-read under the lock: another process may have applied it while we waited.
      const done = await sql<{ name: string }>`
        select name from nudge_migrations where name = ${migration.name}
      `.execute(trx);
      if (done.rows.length > 0) return false;
      for (const statement of migration.sql) await sql.raw(statement).execute(trx);
      await sql`insert into nudge_migrations (name, applied_at) values (${migration.name}, ${now()})`.execute(trx);
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  return applied;
}

function assertUniqueNames(migrations: readonly Migration[]): void {
  const seen = new Set<string>();
  for (const { name } of migrations) {
    if (seen.has(name)) throw new Error(`duplicate migration name ${name}`);
    seen.add(name);
  }
}
