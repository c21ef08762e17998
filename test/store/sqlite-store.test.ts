/**
 * What only the SQLite driver promises: its settings, BEGIN IMMEDIATE, the clustered timer table,
 * and a clear error instead of a hang when the store is used from inside its own transaction.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

describe('SQLite store', () => {
  let dir: string;
  let filename: string;
  let store: Store;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nudge-sqlite-'));
    filename = join(dir, 'nested', 'folder', 'nudge.db');
    store = await createSqliteStore({ filename });
    await store.migrate();
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function pragma(name: string, on: Store = store): Promise<unknown> {
    const { rows } = await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(on.db);
    return Object.values(rows[0] ?? {})[0];
  }

  it('creates the parent folder and uses WAL, synchronous NORMAL, busy_timeout 5000, no FK enforcement', async () => {
    expect((await stat(join(dir, 'nested', 'folder'))).isDirectory()).toBe(true);
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
    expect(await pragma('foreign_keys')).toBe(0);
  });

  it('uses synchronous FULL when asked', async () => {
    const full = await createSqliteStore({ filename: join(dir, 'full.db'), synchronous: 'FULL' });
    try {
      expect(await pragma('synchronous', full)).toBe(2);
    } finally {
      await full.close();
    }
  });

  it('takes the write lock when a transaction begins, before it writes anything', async () => {
    const other = new BetterSqlite3(filename, { timeout: 0 });
    try {
      await store.transaction(async (trx) => {
        await trx.selectFrom('timers').selectAll().execute();
        expect(() => other.exec('begin immediate')).toThrow(/database is locked/);
      });
      other.exec('begin immediate');
      other.exec('rollback');
    } finally {
      other.close();
    }
  });

  it('keeps timers in a WITHOUT ROWID table clustered by (due_at, id), and tables STRICT', async () => {
    const { rows } = await sql<{ sql: string }>`select sql from sqlite_schema where name = 'timers'`.execute(store.db);
    expect(rows[0]?.sql).toMatch(/primary key \(due_at, id\)[\s\S]*strict, without rowid/i);
    // STRICT: a value PostgreSQL would reject is rejected here too.
    await expect(
      sql`insert into flows (id, workspace_id, name, status, version, created_at, updated_at)
          values ('f', 'w', 'n', 'draft', 1.5, 1, 1)`.execute(store.db),
    ).rejects.toThrow(/cannot store REAL value in INTEGER column/);
  });

  it('throws instead of hanging when the store is used from inside its own transaction', async () => {
    await store.transaction(async () => {
      await expect(store.db.selectFrom('timers').selectAll().execute()).rejects.toMatchObject({ code: 'store_reentrant_transaction' });
      await expect(store.transaction(async () => 1)).rejects.toMatchObject({ code: 'store_reentrant_transaction' });
      await expect(store.claimTimers({ owner: 'w', now: 1, leaseMs: 1, limit: 1 })).rejects.toMatchObject({
        code: 'store_reentrant_transaction',
      });
    });
    // Work started inside a transaction but run after it ended is not refused.
    let later: Promise<unknown> | undefined;
    await store.transaction(async () => {
      later = new Promise((r) => setTimeout(r, 10)).then(() => store.nextDueAt());
    });
    await expect(later).resolves.toBeNull();
  });

  it('close waits for the transaction in flight and can be called twice', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const running = store.transaction(async (trx) => {
      await gate;
      await trx.insertInto('workspaces').values({ id: 'ws', name: 'n', plan: 'small', flow_limit: 1, timezone: 'UTC', sender_email: null, created_at: 1 }).execute();
    });
    const closed = Promise.all([store.close(), store.close()]);
    release();
    await running;
    await closed;
    const reopened = await createSqliteStore({ filename });
    try {
      expect(await reopened.db.selectFrom('workspaces').select('id').execute()).toEqual([{ id: 'ws' }]);
    } finally {
      store = reopened;
    }
  });
});
