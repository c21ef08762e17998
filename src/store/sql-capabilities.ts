/**
 * Where the SQL of the two databases differs in what the repositories write by hand, declared
 * rather than guessed. Each driver declares them on its Kysely dialect's adapter, as Kysely's own
 * adapters declare `supportsReturning`: every Kysely built on that dialect, and every transaction
 * and connection of it, shares the adapter, so a repository handed any `db` or `trx` reads them
 * with `sqlCapabilities(db)`. That reads better than the alternatives: passing them explicitly
 * would add a parameter to the 20+ repository functions that take a `trx` and to everything that
 * calls them, and a registry keyed by Kysely instance would have to be filled for every
 * transaction the drivers (and tests) open, failing silently where one was missed.
 *
 * The engine's own choices (claim concurrency, waking other processes) use `StoreCapabilities`
 * on the Store (store.ts); these are the SQL-level ones.
 */
import type { DialectAdapter, Kysely } from 'kysely';

export interface SqlCapabilities {
  /** Parameters are numbered (`$1`, PostgreSQL), not positional (`?`, SQLite): hand-written statements use them. */
  numberedParameters: boolean;
  /**
   * An array binds as one parameter (`column = any($1)`, `unnest($1::text[])`): a list lookup has
   * one statement shape for any length. Without, a list is an `in (…)` of one parameter per value.
   */
  arrayParameters: boolean;
  /** `json_populate_recordset`: any number of rows insert from one JSON parameter, in one statement of one shape. */
  jsonRecordsetInsert: boolean;
  /**
   * A list lookup may be planned as a scan of the index's leading column while the table has no
   * statistics (PostgreSQL before its first ANALYZE), where a lookup of one value by the whole key
   * is always a probe: a few keys are then better looked up one by one.
   */
  listPlansNeedStatistics: boolean;
  /** LIKE compares case-sensitively (PostgreSQL), so a case-insensitive search compares `lower()` of both sides. */
  caseSensitiveLike: boolean;
  /**
   * A LIKE prefix can use an index on an expression (PostgreSQL, `text_pattern_ops`). SQLite's LIKE
   * optimisation applies to plain columns only; a prefix of an expression is written as a range.
   */
  likePrefixOnExpressions: boolean;
}

/** A Kysely dialect adapter that declares the store's SQL capabilities. */
export interface CapableAdapter extends DialectAdapter {
  readonly sqlCapabilities: SqlCapabilities;
}

/** The SQL capabilities of the database behind `db` (a store's Kysely, a transaction or a connection of it). */
export function sqlCapabilities(db: Kysely<any>): SqlCapabilities {
  const declared = (db.getExecutor().adapter as Partial<CapableAdapter>).sqlCapabilities;
  if (declared === undefined) throw new Error('this Kysely instance was not made by a Nudge store driver: its adapter declares no SQL capabilities');
  return declared;
}
