/**
 * Migration 006 on SQLite rebuilds `workspaces` to make `flow_limit` nullable: every row and column
 * survives, and afterwards a workspace may have no cap (null). (PostgreSQL drops NOT NULL in place;
 * the conformance suite round-trips a null flow_limit on both.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runMigrations } from '../../src/store/migrator.js';
import { sqliteMigrations } from '../../src/store/migrations/sqlite/index.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

let dir: string;
let store: Store;
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

it('keeps every workspace as it was and allows a null flow_limit afterwards', async () => {
  dir = await mkdtemp(join(tmpdir(), 'nudge-006-'));
  store = await createSqliteStore({ filename: join(dir, 'nudge.db') });
  const before006 = sqliteMigrations.slice(0, sqliteMigrations.findIndex((m) => m.name.startsWith('006_')));
  await runMigrations({ migrations: before006, transaction: (fn) => store.transaction(fn) });
  const rows = [
    { id: 'ws_1', name: 'Zoë’s Salon', plan: 'pro', flow_limit: 6, timezone: 'Europe/Zurich', sender_email: 'hi@example.com', country: 'CH', created_at: 1_800_000_000_123 },
    { id: 'ws_2', name: 'Bare', plan: 'small', flow_limit: 1, timezone: 'UTC', sender_email: null, country: null, created_at: 1 },
  ];
  await store.db.insertInto('workspaces').values(rows).execute();
  await expect(store.db.insertInto('workspaces').values({ ...rows[1]!, id: 'ws_x', flow_limit: null }).execute()).rejects.toThrow(/NOT NULL/);

  const through006 = sqliteMigrations.slice(0, before006.length + 1);
  expect(await runMigrations({ migrations: through006, transaction: (fn) => store.transaction(fn) })).toEqual(['006_workspace_flow_limit_nullable']);
  expect(await store.db.selectFrom('workspaces').selectAll().orderBy('id').execute()).toEqual(rows);
  await store.db.insertInto('workspaces').values({ ...rows[1]!, id: 'ws_3', plan: 'unlimited', flow_limit: null }).execute();
  expect((await store.db.selectFrom('workspaces').select('flow_limit').where('id', '=', 'ws_3').executeTakeFirstOrThrow()).flow_limit).toBeNull();
});
