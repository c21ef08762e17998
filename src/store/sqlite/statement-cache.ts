/**
 * Statement caching on SQLite (postgres/statement-cache.ts is PostgreSQL's). Kysely's SQLite
 * driver calls `prepare(sql)` for every query, and better-sqlite3 then parses and plans the SQL
 * again each time. Profiled under the timers benchmark (bench/timers.ts), `prepare`
 * was the single largest function of a SQLite worker: 12.7% of its CPU. This hands Kysely, for SQL
 * it has seen before, the statement it prepared then (least recently used dropped past `max`).
 *
 * Sharing one statement is safe because better-sqlite3's `all` and `run` are synchronous: a
 * statement has finished before anyone else can use it. `iterate` (Kysely's `stream()`) holds its
 * statement until the iterator ends, so it always gets a statement of its own.
 */
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import type { Database as BetterSqliteDatabase } from 'better-sqlite3';

export function cachingDatabase(raw: BetterSqliteDatabase, max = 1000): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => raw.close(),
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit) {
        // Re-insert: a Map iterates in insertion order, so the first key is the least recently used.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit;
      }
      const statement = raw.prepare(sql);
      const entry: SqliteStatement = {
        reader: statement.reader,
        all: (parameters) => statement.all(parameters),
        run: (parameters) => statement.run(parameters),
        iterate: (parameters) => raw.prepare(sql).iterate(parameters),
      };
      cache.set(sql, entry);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return entry;
    },
  };
}
