/**
 * One suite, every dialect: what the engine may rely on from any Store.
 * Dialect differences are branched on declared capabilities, never on the dialect's name: the
 * Store's `capabilities` for what the engine does (several processes, connections), and the SQL
 * capabilities each driver declares on its Kysely adapter (sql-capabilities.ts) for what the
 * repositories write; in-list.test.ts checks those are read from the store, its transactions and
 * its connections alike.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create-store.js';
import { isUniqueViolation } from '../../src/store/db-errors.js';
import type { NewTimer, TimerRow } from '../../src/store/schema.js';
import type { Dialect, Store } from '../../src/store/store.js';
import { createTestStore, testDialects, type TestStore } from '../helpers/test-store.js';
import { KEY, T0, sampleRows, type TableName } from './table-rows.js';
import { sqliteMigrations } from '../../src/store/migrations/sqlite/index.js';
import { postgresMigrations } from '../../src/store/migrations/postgres/index.js';

const MIGRATION_NAMES = sqliteMigrations.map((m) => m.name);
// Both dialects ship the same migrations under the same names.
if (JSON.stringify(MIGRATION_NAMES) !== JSON.stringify(postgresMigrations.map((m) => m.name))) {
  throw new Error('SQLite and PostgreSQL migrations differ in names or order');
}

function timer(id: string, dueAt: number, overrides: Partial<NewTimer> = {}): NewTimer {
  return {
    id, due_at: dueAt, scheduled_at: dueAt, kind: 'session', workspace_id: 'ws_1', flow_id: 'fl_1', session_id: `se_${id}`,
    appointment_id: null, step_id: 'wait', seq: 1, anchor: null, anchor_offset: null, held: 0, lease_owner: null, claims: 0,
    created_at: T0, ...overrides,
  };
}

async function insertTimers(store: Store, timers: NewTimer[]): Promise<void> {
  // 250 rows × 16 columns stays under both dialects' bound-parameter limits.
  await store.transaction(async (trx) => {
    for (let i = 0; i < timers.length; i += 250) await trx.insertInto('timers').values(timers.slice(i, i + 250)).execute();
  });
}

async function expectUniqueViolation(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error, 'expected a unique violation').toBeDefined();
  expect(isUniqueViolation(error), String(error)).toBe(true);
}

/** A second, independent store on the same database: another process, as far as the database can tell. */
function openAgain(t: TestStore): Promise<Store> {
  return createStore({ databaseUrl: t.databaseUrl, dataDir: '/nonexistent', ...(t.schema ? { schema: t.schema } : {}) });
}

describe.each(testDialects())('Store conformance: %s', (dialect: Dialect) => {
  let t: TestStore;
  let store: Store;
  let anyDb: Kysely<any>;

  beforeEach(async () => {
    t = await createTestStore(dialect);
    store = t.store;
    anyDb = store.db as Kysely<any>;
  });
  afterEach(async () => {
    await t?.cleanup();
  });

  it('declares its dialect', () => {
    expect(store.dialect).toBe(dialect);
  });

  describe('migrations', () => {
    it('are recorded, and migrating again is a no-op', async () => {
      expect(await store.migrate()).toEqual([]);
      expect(await store.migrate()).toEqual([]);
      const rows = await anyDb.selectFrom('nudge_migrations').select(['name', 'applied_at']).execute();
      expect(rows.map((r) => r.name)).toEqual(MIGRATION_NAMES);
      expect(typeof rows[0]?.applied_at).toBe('number');
    });

    // Two SQLite stores in one process would block each other's event loop (better-sqlite3 waits
    // synchronously on the file lock), so this is for the store several processes share; it is not
    // registered for SQLite rather than passing there without checking anything.
    const sharedByProcesses = dialect === 'postgres';
    if (sharedByProcesses) it('apply once when several processes start at once', async () => {
      expect(store.capabilities.listenNotify).toBe(true);
      const schema = `nudge_test_${randomBytes(6).toString('hex')}`;
      const stores = await Promise.all(
        [1, 2, 3].map(() => createStore({ databaseUrl: t.databaseUrl, dataDir: '/nonexistent', schema })),
      );
      try {
        const applied = await Promise.all(stores.map((s) => s.migrate()));
        // Each migration takes the lock in a transaction of its own, so the stores may share the
        // work (one applies 001, another 002 and 003): what must hold is that each is applied by
        // exactly one of them, whichever it is.
        expect(applied.flat().sort()).toEqual([...MIGRATION_NAMES].sort());
      } finally {
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(stores[0]!.db);
        await Promise.all(stores.map((s) => s.close()));
      }
    });
  });

  describe('round trip', () => {
    const tables = Object.keys(sampleRows('ws')) as TableName[];

    it.each(tables)('%s keeps numbers as numbers, JSON text intact and nulls as null', async (table) => {
      const { full, sparse } = sampleRows('ws_rt')[table];
      await anyDb.insertInto(table).values([full, sparse]).execute();
      for (const row of [full, sparse] as Record<string, unknown>[]) {
        let query = anyDb.selectFrom(table).selectAll();
        for (const column of KEY[table]) query = query.where(column, '=', row[column]);
        // toEqual also fails on a column missing from, or extra to, the table.
        expect(await query.executeTakeFirstOrThrow()).toEqual(row);
      }
    });

    it('returns count(*) as a number', async () => {
      await insertTimers(store, [timer('a', T0), timer('b', T0)]);
      const { n } = await store.db.selectFrom('timers').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
      expect(n).toBe(2);
    });
  });

  describe('unique constraints', () => {
    it('events: one per idempotency key and workspace', async () => {
      const { full } = sampleRows('ws_u').events;
      await store.db.insertInto('events').values(full).execute();
      await expectUniqueViolation(store.db.insertInto('events').values({ ...full, id: 'ev_other' }).execute());
      await store.db.insertInto('events').values({ ...full, id: 'ev_ws2', workspace_id: 'ws_2' }).execute();
    });

    it('contacts: external id, email and phone unique per workspace, several nulls allowed', async () => {
      const { full, sparse } = sampleRows('ws_u').contacts;
      await store.db.insertInto('contacts').values([full, sparse, { ...sparse, id: 'ct_null_2' }]).execute();
      for (const clash of [
        { external_id: full.external_id },
        { email: full.email },
        { phone: full.phone },
      ]) {
        await expectUniqueViolation(store.db.insertInto('contacts').values({ ...sparse, id: 'ct_clash', ...clash }).execute());
      }
      await store.db.insertInto('contacts').values({ ...full, id: 'ct_ws2', workspace_id: 'ws_2' }).execute();
    });

    it('contacts: onConflict on a partial unique index works on both dialects', async () => {
      const { full } = sampleRows('ws_u').contacts;
      for (const name of ['first', 'second']) {
        await store.db
          .insertInto('contacts')
          .values({ ...full, id: `ct_${name}`, name })
          .onConflict((oc) =>
            oc.columns(['workspace_id', 'external_id']).where('external_id', 'is not', null).doUpdateSet((eb) => ({ name: eb.ref('excluded.name') })),
          )
          .execute();
      }
      const rows = await store.db.selectFrom('contacts').select(['id', 'name']).execute();
      expect(rows).toEqual([{ id: 'ct_first', name: 'second' }]);
    });

    it('appointments, api keys, flow versions and timer ids are unique', async () => {
      const rows = sampleRows('ws_u');
      await store.db.insertInto('appointments').values(rows.appointments.full).execute();
      await expectUniqueViolation(store.db.insertInto('appointments').values({ ...rows.appointments.sparse, external_id: 'booking-1' }).execute());
      await store.db.insertInto('api_keys').values(rows.api_keys.full).execute();
      await expectUniqueViolation(store.db.insertInto('api_keys').values({ ...rows.api_keys.sparse, key_hash: rows.api_keys.full.key_hash }).execute());
      await store.db.insertInto('flow_versions').values(rows.flow_versions.full).execute();
      await expectUniqueViolation(store.db.insertInto('flow_versions').values(rows.flow_versions.full).execute());
      // On SQLite the key is (due_at, id): the id needs its own unique constraint.
      await insertTimers(store, [timer('dup', T0)]);
      await expectUniqueViolation(insertTimers(store, [timer('dup', T0 + 5)]));
    });
  });

  it('timers: an upsert on id moves a timer, whether or not its due_at changes', async () => {
    const upsert = (dueAt: number, owner: string) =>
      store.db
        .insertInto('timers')
        .values(timer('x', dueAt, { lease_owner: owner }))
        .onConflict((oc) => oc.column('id').doUpdateSet({ due_at: dueAt, scheduled_at: dueAt, lease_owner: owner }))
        .execute();
    await upsert(T0, 'a');
    await upsert(T0, 'b'); // same (due_at, id): the primary key clashes too on SQLite
    await upsert(T0 + 5, 'c');
    const rows = await store.db.selectFrom('timers').select(['id', 'due_at', 'scheduled_at', 'lease_owner']).execute();
    expect(rows).toEqual([{ id: 'x', due_at: T0 + 5, scheduled_at: T0 + 5, lease_owner: 'c' }]);
  });

  describe('transaction', () => {
    it('commits and returns the callback value', async () => {
      const result = await store.transaction(async (trx) => {
        await trx.insertInto('timers').values(timer('a', T0)).execute();
        await trx.insertInto('timers').values(timer('b', T0)).execute();
        return 'done';
      });
      expect(result).toBe('done');
      expect(await store.db.selectFrom('timers').select('id').orderBy('id').execute()).toEqual([{ id: 'a' }, { id: 'b' }]);
    });

    it('rolls back everything when the callback throws, and rethrows', async () => {
      const boom = new Error('boom');
      await expect(
        store.transaction(async (trx) => {
          await trx.insertInto('timers').values(timer('a', T0)).execute();
          await trx.updateTable('timers').set({ held: 1 }).execute();
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await store.db.selectFrom('timers').selectAll().execute()).toEqual([]);
      // The store is usable afterwards.
      await store.transaction((trx) => trx.insertInto('timers').values(timer('c', T0)).execute());
      expect(await store.db.selectFrom('timers').select('id').execute()).toEqual([{ id: 'c' }]);
    });

    it('rolls back when a statement fails', async () => {
      await insertTimers(store, [timer('dup', T0)]);
      await expectUniqueViolation(
        store.transaction(async (trx) => {
          await trx.insertInto('timers').values(timer('fresh', T0)).execute();
          await trx.insertInto('timers').values(timer('dup', T0)).execute();
        }),
      );
      expect(await store.db.selectFrom('timers').select('id').execute()).toEqual([{ id: 'dup' }]);
    });
  });

  describe('claimTimers', () => {
    const now = T0 + 1_000;
    const leaseMs = 30_000;

    beforeEach(async () => {
      await insertTimers(store, [
        timer('late', T0 + 500),
        timer('early', T0 + 100),
        timer('held', T0, { held: 1 }),
        timer('exact', now),
        timer('future', now + 1),
      ]);
    });

    it('claims due, unheld timers in due order and leases them', async () => {
      const claimed = await store.claimTimers({ owner: 'w1', now, leaseMs, limit: 10 });
      expect(claimed.map((r) => r.id)).toEqual(['early', 'late', 'exact']);
      for (const row of claimed) {
        expect(row).toMatchObject({ lease_owner: 'w1', due_at: now + leaseMs, claims: 1, held: 0 });
        expect(typeof row.due_at).toBe('number');
      }
      expect(claimed.map((r) => r.scheduled_at)).toEqual([T0 + 100, T0 + 500, now]);
      // The stored rows match what was returned.
      const stored = await store.db.selectFrom('timers').selectAll().where('lease_owner', '=', 'w1').orderBy('scheduled_at').execute();
      expect(stored).toEqual(claimed);
    });

    it('respects the limit, earliest first', async () => {
      expect((await store.claimTimers({ owner: 'w1', now, leaseMs, limit: 2 })).map((r) => r.id)).toEqual(['early', 'late']);
      expect((await store.claimTimers({ owner: 'w2', now, leaseMs, limit: 2 })).map((r) => r.id)).toEqual(['exact']);
      expect(await store.claimTimers({ owner: 'w3', now, leaseMs, limit: 0 })).toEqual([]);
    });

    it('does not claim again until the lease expires, then claims with claims = 2', async () => {
      await store.claimTimers({ owner: 'w1', now, leaseMs, limit: 10 });
      expect(await store.claimTimers({ owner: 'w2', now, leaseMs, limit: 10 })).toEqual([]);
      // Just before the lease ends only 'future', due meanwhile and never claimed, is handed out.
      const justBefore = await store.claimTimers({ owner: 'w2', now: now + leaseMs - 1, leaseMs, limit: 10 });
      expect(justBefore.map((r) => [r.id, r.claims])).toEqual([['future', 1]]);

      const later = now + leaseMs;
      const reclaimed = await store.claimTimers({ owner: 'w3', now: later, leaseMs, limit: 10 });
      expect(reclaimed.map((r) => [r.id, r.claims])).toEqual([['early', 2], ['late', 2], ['exact', 2]]);
      for (const row of reclaimed) expect(row).toMatchObject({ lease_owner: 'w3', due_at: later + leaseMs });
      expect(reclaimed.map((r) => r.scheduled_at)).toEqual([T0 + 100, T0 + 500, now]);
    });

    it('never claims held timers', async () => {
      const claimed = await store.claimTimers({ owner: 'w1', now: now + 10 * leaseMs, leaseMs, limit: 100 });
      expect(claimed.map((r) => r.id)).not.toContain('held');
    });
  });

  describe('nextDueAt', () => {
    it('is null when there are no timers, or only held ones', async () => {
      expect(await store.nextDueAt()).toBeNull();
      await insertTimers(store, [timer('held', T0, { held: 1 })]);
      expect(await store.nextDueAt()).toBeNull();
    });

    it('is the earliest due_at among unheld timers, as a number', async () => {
      await insertTimers(store, [timer('held', T0, { held: 1 }), timer('b', T0 + 20), timer('a', T0 + 10)]);
      expect(await store.nextDueAt()).toBe(T0 + 10);
      await store.claimTimers({ owner: 'w', now: T0 + 10, leaseMs: 5_000, limit: 1 });
      expect(await store.nextDueAt()).toBe(T0 + 20);
    });
  });

  it('hands each of 2000 due timers to exactly one of 8 concurrent claimers on two store instances', async () => {
    const count = 2000;
    const now = T0 + 10_000;
    // Out of due order, as real reminders arrive.
    const timers = Array.from({ length: count }, (_, i) => timer(`t${String(i).padStart(4, '0')}`, T0 + ((i * 7919) % 5000)));
    await insertTimers(store, timers);
    const other = await openAgain(t);
    try {
      const claimedBy = new Map<string, string[]>();
      const claimer = async (s: Store, worker: number) => {
        for (let batch = 0; ; batch++) {
          const owner = `w${worker}-${batch}`;
          const rows: TimerRow[] = await s.claimTimers({ owner, now, leaseMs: 60_000, limit: 50 });
          if (rows.length === 0) return;
          expect(rows.length).toBeLessThanOrEqual(50);
          for (const row of rows) claimedBy.set(row.id, [...(claimedBy.get(row.id) ?? []), owner]);
          const deleted = await s.db
            .deleteFrom('timers')
            .where('id', 'in', rows.map((r) => r.id))
            .where('lease_owner', '=', owner)
            .executeTakeFirst();
          expect(Number(deleted.numDeletedRows)).toBe(rows.length);
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, w) => claimer(w % 2 === 0 ? store : other, w)));
      expect(claimedBy.size).toBe(count);
      const twice = [...claimedBy].filter(([, owners]) => owners.length > 1);
      expect(twice).toEqual([]);
      expect(await store.db.selectFrom('timers').select('id').execute()).toEqual([]);
    } finally {
      await other.close();
    }
  });

  describe('notify and listen', () => {
    it('delivers a notification to a listener in another store instance', async () => {
      const other = await openAgain(t);
      try {
        const received: number[] = [];
        const unsubscribe = await other.listenTimers((dueAt) => received.push(dueAt));
        await store.notifyTimers(T0 + 42);
        if (!store.capabilities.listenNotify) {
          await unsubscribe();
          expect(received).toEqual([]);
          return;
        }
        await expect.poll(() => received, { timeout: 2_000, interval: 10 }).toEqual([T0 + 42]);
        await unsubscribe();
        await store.notifyTimers(T0 + 43);
        await new Promise((r) => setTimeout(r, 100));
        expect(received).toEqual([T0 + 42]);
      } finally {
        await other.close();
      }
    });
  });
});
