/**
 * Kysely's PostgreSQL dialect with its adapter declaring the store's SQL capabilities
 * (sql-capabilities.ts), so the repositories read them from any `db` or `trx` of the store.
 */
import { PostgresAdapter, PostgresDialect, type DialectAdapter } from 'kysely';
import type { CapableAdapter, SqlCapabilities } from '../sql-capabilities.js';

/** What PostgreSQL's SQL can do, where the repositories write it differently. */
export const POSTGRES_SQL: SqlCapabilities = Object.freeze({
  numberedParameters: true,
  arrayParameters: true,
  jsonRecordsetInsert: true,
  listPlansNeedStatistics: true,
  caseSensitiveLike: true,
  likePrefixOnExpressions: true,
});

class PostgresStoreAdapter extends PostgresAdapter implements CapableAdapter {
  readonly sqlCapabilities = POSTGRES_SQL;
}

export class PostgresStoreDialect extends PostgresDialect {
  override createAdapter(): DialectAdapter {
    return new PostgresStoreAdapter();
  }
}
