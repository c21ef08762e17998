/**
 * Accounts on both stores: an email has one account per installation, also when two sign-ups
 * race past the lookup (PostgreSQL runs both transactions at once; the unique index decides).
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/core/errors.js';
import { addAccount } from '../../src/engine/accounts/users.js';
import { listUsers } from '../../src/store/repositories/users.js';
import { createWorkspace } from '../../src/store/repositories/workspaces.js';
import { createTestStore, testDialects, type TestStore } from '../helpers/test-store.js';

describe.each(testDialects())('accounts on %s', (dialect) => {
  let ts: TestStore;
  let workspaceId: string;
  beforeEach(async () => {
    ts = await createTestStore(dialect);
    workspaceId = (await createWorkspace(ts.store.db, { name: 'Salon' }, 1000)).id;
  });
  afterEach(async () => {
    await ts.cleanup();
  });

  const user = (email: string) => ({ workspaceId, email, name: 'Ada', role: 'owner' as const, passwordHash: 'x' });

  it('refuses an email that already has an account, whatever its case', async () => {
    await ts.store.transaction((trx) => addAccount(trx, user('ada@example.com'), 1000));
    const again = ts.store.transaction((trx) => addAccount(trx, user('ADA@example.com'), 1000));
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    await expect(again).rejects.toMatchObject({ code: 'email_taken', status: 409, path: 'email' });
  });

  it('gives the loser of a race for the same email a 409, never a database error', async () => {
    let firstInserted!: () => void;
    const inserted = new Promise<void>((resolve) => (firstInserted = resolve));
    let releaseFirst!: () => void;
    const release = new Promise<void>((resolve) => (releaseFirst = resolve));
    // The first sign-up inserts and holds its transaction open while the second one runs.
    const first = ts.store.transaction(async (trx) => {
      await addAccount(trx, user('bo@example.com'), 1000);
      firstInserted();
      await release;
    });
    await inserted;
    // Its outcome is taken at once: it may fail while the test still awaits the first.
    const second = ts.store.transaction((trx) => addAccount(trx, user('bo@example.com'), 1000)).then(
      () => ({ failed: false as const }),
      (error: unknown) => ({ failed: true as const, error }),
    );
    // SQLite runs one transaction at a time, so the second waits for the first and its lookup finds
    // the row. PostgreSQL lets the second look (and find nothing committed) and then wait on the
    // unique index: release the first only once the second's insert is seen waiting on that lock.
    if (dialect === 'postgres') await waitForBlockedInsert(ts);
    releaseFirst();
    await first;
    const outcome = await second;
    expect(outcome.failed).toBe(true);
    expect(outcome.failed && outcome.error).toMatchObject({ code: 'email_taken', status: 409 });
    expect((await listUsers(ts.store.db, workspaceId)).map((u) => u.email)).toEqual(['bo@example.com']);
  });
});

async function waitForBlockedInsert(ts: TestStore): Promise<void> {
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where wait_event_type = 'Lock' and query ilike 'insert into "users"%'`.execute(ts.store.db);
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
