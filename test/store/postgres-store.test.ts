/**
 * What only the PostgreSQL driver promises: int8 parsing confined to its own pool, the schema
 * on the search_path, and a LISTEN connection that comes back after it is killed.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { inList } from '../../src/store/repositories/in-list.js';
import type { Store } from '../../src/store/store.js';
import { createTestStore, postgresTestUrl, testDialects, type TestStore } from '../helpers/test-store.js';

describe.runIf(testDialects().includes('postgres'))('PostgreSQL store', () => {
  let t: TestStore;
  let store: Store;

  beforeEach(async () => {
    t = await createTestStore('postgres');
    store = t.store;
  });
  afterEach(async () => {
    await t?.cleanup();
  });

  it('names its data statements, except lookups by an array (their cached plan would not fit the table for long)', async () => {
    const statements = await store.transaction(async (trx) => {
      await trx.selectFrom('workspaces').select('id').where('id', '=', 'w1').execute();
      await trx.selectFrom('workspaces').select('id').where(inList(trx, 'id', ['w1', 'w2'])).execute();
      // One connection for the whole transaction: its prepared statements are these.
      const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx);
      return rows.map((r) => r.statement);
    });
    expect(statements.some((s) => s.includes('"id" = $1'))).toBe(true);
    expect(statements.some((s) => s.includes('any('))).toBe(false);
  });

  it('creates its tables in its own schema', async () => {
    const { rows } = await sql<{ table_schema: string }>`
      select table_schema from information_schema.tables where table_name = 'timers' and table_schema = ${t.schema}
    `.execute(store.db);
    expect(rows).toEqual([{ table_schema: t.schema }]);
  });

  it('parses int8 to numbers on its own connections only, and refuses values beyond 2^53', async () => {
    const { rows } = await sql<{ n: unknown }>`select ${String(Number.MAX_SAFE_INTEGER)}::bigint as n`.execute(store.db);
    expect(rows[0]?.n).toBe(Number.MAX_SAFE_INTEGER);
    await expect(sql`select 9007199254740993::bigint as n`.execute(store.db)).rejects.toThrow(/MAX_SAFE_INTEGER/);
    // The store is still usable after the refused row.
    expect(await store.nextDueAt()).toBeNull();

    const client = new pg.Client({ connectionString: postgresTestUrl() });
    await client.connect();
    try {
      const result = await client.query<{ n: unknown }>('select 1::bigint as n');
      expect(result.rows[0]?.n).toBe('1');
    } finally {
      await client.end();
    }
  });

  it('rejects a schema name it would have to quote', async () => {
    await expect(createPostgresStore({ url: postgresTestUrl(), schema: 'Bad-Name"; drop' })).rejects.toMatchObject({
      code: 'bad_database_schema',
    });
  });

  it('listens again after its connection is killed, and says so with a 0', async () => {
    const received: number[] = [];
    const unsubscribe = await store.listenTimers((dueAt) => received.push(dueAt));
    try {
      const killed = await sql<{ ok: boolean }>`
        select pg_terminate_backend(pid) as ok from pg_stat_activity
        where application_name = 'nudge-listener' and query ilike ${`listen "nudge_timers_${t.schema}"`}
      `.execute(store.db);
      expect(killed.rows).toEqual([{ ok: true }]);
      await expect.poll(() => received, { timeout: 5_000, interval: 20 }).toEqual([0]);
      await store.notifyTimers(123);
      await expect.poll(() => received, { timeout: 2_000, interval: 10 }).toEqual([0, 123]);
    } finally {
      await unsubscribe();
    }
  });
});
