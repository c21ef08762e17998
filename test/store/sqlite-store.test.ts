/**
 * What only the SQLite driver promises: its settings, BEGIN IMMEDIATE, the clustered timer table,
 * and a clear error instead of a hang when the store is used from inside its own transaction.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../src/store/sqlite/checkpointer.js';
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

  describe('write-ahead log checkpoints', () => {
    /** ~2.4 MB of rows in one commit: ~600 pages, under SQLite's own 1,000-page automatic checkpoint. */
    async function writeManyPages(on: Store): Promise<void> {
      const big = 'x'.repeat(4000);
      await on.transaction(async (trx) => {
        for (let i = 0; i < 600; i++) {
          await trx.insertInto('workspaces').values({ id: `ws${i}`, name: big, plan: 'small', flow_limit: 1, timezone: 'UTC', sender_email: null, created_at: 1 }).execute();
        }
      });
    }
    const fileBytes = async (path: string) => (await stat(path)).size;
    async function waitUntil(check: () => Promise<boolean>, ms: number): Promise<boolean> {
      const deadline = Date.now() + ms;
      for (;;) {
        if (await check()) return true;
        if (Date.now() > deadline) return false;
        await new Promise((r) => setTimeout(r, 25));
      }
    }

    it('are done by a background thread soon after a commit, the main connection\'s own checkpoint waiting for 10,000 pages', async () => {
      expect(await pragma('wal_autocheckpoint')).toBe(10_000);
      const before = await fileBytes(filename);
      await writeManyPages(store);
      // The pages reach the database file without another commit: the thread copied them.
      expect(await waitUntil(async () => (await fileBytes(filename)) > before + 2_000_000, 5000)).toBe(true);
    });

    it('inline (SQLite automatic), a commit under 1,000 pages leaves its pages in the log', async () => {
      const inlineFile = join(dir, 'inline.db');
      const inline = await createSqliteStore({ filename: inlineFile, checkpoint: 'inline' });
      try {
        await inline.migrate();
        expect(await pragma('wal_autocheckpoint', inline)).toBe(1000);
        const before = await fileBytes(inlineFile);
        await writeManyPages(inline);
        expect(await waitUntil(async () => (await fileBytes(inlineFile)) > before + 2_000_000, 500)).toBe(false);
        expect(await fileBytes(`${inlineFile}-wal`)).toBeGreaterThan(2_000_000);
      } finally {
        await inline.close();
      }
    });

    it('close ends the thread and removes the log; everything committed is in the file', async () => {
      await writeManyPages(store);
      await store.close();
      await expect(stat(`${filename}-wal`)).rejects.toMatchObject({ code: 'ENOENT' });
      const raw = new BetterSqlite3(filename, { readonly: true });
      try {
        expect(raw.prepare('select count(*) as n from workspaces').get()).toEqual({ n: 600 });
      } finally {
        raw.close();
      }
      store = await createSqliteStore({ filename });
    });

    it('reports a failed checkpoint to onError and keeps trying', async () => {
      // A file that is not a database: every look the thread takes fails (SQLITE_NOTADB).
      const notADatabase = join(dir, 'not-a-database.db');
      await writeFile(notADatabase, 'x'.repeat(8192));
      const errors: string[] = [];
      const checkpointer = await startCheckpointer({ filename: notADatabase, busyTimeoutMs: 50, intervalMs: 10, onError: (m) => errors.push(m) });
      try {
        expect(await waitUntil(async () => errors.length >= 2, 5000)).toBe(true);
        expect(errors[0]).toMatch(/not a database/);
      } finally {
        await checkpointer.close();
      }
    });
  });
});
