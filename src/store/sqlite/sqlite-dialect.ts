/**
 * Kysely's SQLite dialect with two additions: its adapter declares the store's SQL capabilities
 * (sql-capabilities.ts), and asking for the connection from inside one of the store's own
 * transactions throws instead of hanging.
 *
 * Why: Kysely's SQLite driver has a single connection behind a mutex, and `store.transaction()`
 * holds it until the callback returns. Code inside the callback that uses `store.db` (instead of
 * the `trx` it was given), calls `store.transaction()` again or `store.claimTimers()` would wait
 * for that mutex forever. On PostgreSQL the same mistake silently runs outside the transaction.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import { SqliteAdapter, SqliteDialect, type DialectAdapter, type Driver, type SqliteDialectConfig } from 'kysely';
import { NudgeError } from '../../core/errors.js';
import type { CapableAdapter, SqlCapabilities } from '../sql-capabilities.js';

/** What SQLite's SQL can do, where the repositories write it differently (sql-capabilities.ts). */
export const SQLITE_SQL: SqlCapabilities = Object.freeze({
  numberedParameters: false,
  arrayParameters: false,
  jsonRecordsetInsert: false,
  // SQLite plans an `IN` list on a unique index as one probe per value, statistics or not.
  listPlansNeedStatistics: false,
  // LIKE is case-insensitive for ASCII letters; migration 009 indexes email and name NOCASE to match.
  caseSensitiveLike: false,
  likePrefixOnExpressions: false,
});

class SqliteStoreAdapter extends SqliteAdapter implements CapableAdapter {
  readonly sqlCapabilities = SQLITE_SQL;
}

/** Marks the async context of one running transaction; `open` turns false when it ends. */
export interface TransactionScope {
  open: boolean;
}

export class SqliteStoreDialect extends SqliteDialect {
  readonly #scope: AsyncLocalStorage<TransactionScope>;

  constructor(config: SqliteDialectConfig, scope: AsyncLocalStorage<TransactionScope>) {
    super(config);
    this.#scope = scope;
  }

  override createAdapter(): DialectAdapter {
    return new SqliteStoreAdapter();
  }

  override createDriver(): Driver {
    const driver = super.createDriver();
    const acquire = driver.acquireConnection.bind(driver);
    const scope = this.#scope;
    // Patched on the instance: the driver keeps its state in private fields, so a wrapper
    // object delegating to it would be no simpler.
    driver.acquireConnection = async () => {
      assertOutsideTransaction(scope);
      return acquire();
    };
    return driver;
  }
}

/** Throws when called from inside an open transaction of the store that owns `scope`. */
export function assertOutsideTransaction(scope: AsyncLocalStorage<TransactionScope>): void {
  if (scope.getStore()?.open) {
    throw new NudgeError(
      'store_reentrant_transaction',
      'the store was used from inside its own transaction: use the `trx` passed to the ' +
        'transaction callback (SQLite has one connection, so this would wait forever)',
    );
  }
}
