/**
 * PostgreSQL terminating the store's backends (a restart, a failover, an operator's
 * pg_terminate_backend): the store reports the error, replaces the connections and carries on;
 * nothing crashes the process. Only this test's connections are terminated: its store runs under
 * an application_name of its own, set in the URL.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestStore, postgresTestUrl, testDialects, type TestStore } from '../helpers/test-store.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A second store on a test schema, its connections named `name` through the URL. */
async function namedStore(name: string, onError: (e: unknown) => void): Promise<Store> {
  const t: TestStore = await createTestStore('postgres');
  cleanups.push(() => t.cleanup());
  const url = new URL(postgresTestUrl());
  url.searchParams.set('application_name', name);
  const store = await createPostgresStore({ url: url.toString(), schema: t.schema!, poolSize: 3, onError });
  cleanups.push(() => store.close());
  return store;
}

async function terminate(name: string): Promise<number> {
  const admin = new pg.Client({ connectionString: postgresTestUrl() });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ ok: boolean }>(
      'select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()',
      [name],
    );
    return rows.filter((r) => r.ok).length;
  } finally {
    await admin.end();
  }
}

describe.runIf(testDialects().includes('postgres'))('PostgreSQL store when its backends are terminated', () => {
  it('takes the application_name from the URL, for its pool and its LISTEN connection', async () => {
    const name = `nudge_t_${randomBytes(4).toString('hex')}`;
    const store = await namedStore(name, () => {});
    const unlisten = await store.listenTimers(() => {});
    cleanups.push(unlisten);
    await store.nextDueAt();
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where application_name = ${name}`.execute(store.db);
    // The pool's connection running this query, and the listener's.
    expect(rows[0]!.n).toBeGreaterThanOrEqual(2);
  });

  it('survives a checked-out connection being terminated, reports it, and answers again on a new one', async () => {
    const name = `nudge_t_${randomBytes(4).toString('hex')}`;
    const errors: unknown[] = [];
    const store = await namedStore(name, (e) => errors.push(e));
    await store.db.connection().execute(async (conn) => {
      await sql`select 1`.execute(conn);
      // Held by this caller, between two statements: the moment pg has no query to fail.
      expect(await terminate(name)).toBeGreaterThanOrEqual(1);
      await expect.poll(() => errors.length, { timeout: 5_000, interval: 20 }).toBeGreaterThan(0);
      await expect(sql`select 1`.execute(conn)).rejects.toThrow();
    });
    expect(await store.nextDueAt()).toBeNull();
    await store.transaction(async (trx) => {
      await sql`select 1`.execute(trx);
    });
  });

  it('survives terminations of every connection, idle, busy and listening, several times over', async () => {
    const name = `nudge_t_${randomBytes(4).toString('hex')}`;
    const store = await namedStore(name, () => {});
    const received: number[] = [];
    cleanups.push(await store.listenTimers((dueAt) => received.push(dueAt)));
    for (let round = 0; round < 3; round++) {
      const busy = store
        .transaction(async (trx) => {
          await sql`select pg_sleep(5)`.execute(trx);
        })
        .then(() => 'finished', () => 'failed');
      const sleeping = async () =>
        (
          await sql<{ n: number }>`
            select count(*)::int as n from pg_stat_activity where application_name = ${name} and query like 'select pg_sleep%'
          `.execute(store.db)
        ).rows[0]!.n;
      await expect.poll(sleeping, { timeout: 5_000, interval: 20 }).toBe(1);
      await terminate(name);
      expect(await busy).toBe('failed');
      // The listener is back (it says so with a 0) and the pool answers.
      await expect.poll(() => received.filter((r) => r === 0).length, { timeout: 10_000, interval: 20 }).toBe(round + 1);
      expect(await store.nextDueAt()).toBeNull();
    }
    await store.notifyTimers(42);
    await expect.poll(() => received.includes(42), { timeout: 5_000, interval: 20 }).toBe(true);
  });
});
