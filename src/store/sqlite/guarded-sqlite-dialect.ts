/**
 * Kysely's SQLite dialect with one addition: asking for the connection from inside one of the
 * store's own transactions throws instead of hanging.
 *
 * Why: Kysely's SQLite driver has a single connection behind a mutex, and `store.transaction()`
 * holds it until the callback returns. Code inside the callback that uses `store.db` (instead of
 * the `trx` it was given), calls `store.transaction()` again or `store.claimTimers()` would wait
 * for that mutex forever. On PostgreSQL the same mistake silently runs outside the transaction.
 */
import type { AsyncLocalStorage } from 'node:async_hooks';
import { SqliteDialect, type Driver, type SqliteDialectConfig } from 'kysely';
import { NudgeError } from '../../core/errors.js';

/** Marks the async context of one running transaction; `open` turns false when it ends. */
export interface TransactionScope {
  open: boolean;
}

export class GuardedSqliteDialect extends SqliteDialect {
  readonly #scope: AsyncLocalStorage<TransactionScope>;

  constructor(config: SqliteDialectConfig, scope: AsyncLocalStorage<TransactionScope>) {
    super(config);
    this.#scope = scope;
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
