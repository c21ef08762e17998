/**
 * `inList` and `inPairs` on both stores: the same rows whether PostgreSQL gets an array parameter
 * or SQLite a padded list; duplicates and nulls are dropped. (That PostgreSQL plans array lookups
 * afresh, never as named statements, is in postgres-store.test.ts.)
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inList, inPairs } from '../../src/store/repositories/in-list.js';
import { sqlCapabilities } from '../../src/store/sql-capabilities.js';
import { createTestStore, testDialects, type TestStore } from '../helpers/test-store.js';

describe.each(testDialects())('in-lists on %s', (dialect) => {
  let ts: TestStore;
  beforeEach(async () => {
    ts = await createTestStore(dialect);
    const workspace = (id: string, flowLimit: number) => ({ id, name: id, plan: 'small', flow_limit: flowLimit, timezone: 'UTC', sender_email: null, created_at: 1 });
    await ts.store.db.insertInto('workspaces').values([workspace('w1', 1), workspace('w2', 2), workspace('w3', 3), workspace('w4', 4), workspace('w5', 5)]).execute();
  });
  afterEach(async () => {
    await ts.cleanup();
  });

  const ids = async (where: ReturnType<typeof inList>) =>
    (await ts.store.db.selectFrom('workspaces').select('id').where(where).orderBy('id').execute()).map((r) => r.id);

  it('reads the capabilities the driver declared from the store, its transactions and its connections', async () => {
    const declared = sqlCapabilities(ts.store.db);
    expect(declared.arrayParameters).toBe(dialect === 'postgres');
    expect(declared.numberedParameters).toBe(dialect === 'postgres');
    expect(await ts.store.transaction(async (trx) => sqlCapabilities(trx))).toBe(declared);
    expect(await ts.store.db.connection().execute(async (conn) => sqlCapabilities(conn))).toBe(declared);
  });

  it('selects the rows whose column is one of the values, at any length', async () => {
    expect(await ids(inList(ts.store.db, 'id', ['w2']))).toEqual(['w2']);
    expect(await ids(inList(ts.store.db, 'id', ['w3', 'w1', 'w3', null, undefined, 'nope']))).toEqual(['w1', 'w3']);
    expect(await ids(inList(ts.store.db, 'id', ['w1', 'w2', 'w3', 'w4', 'w5']))).toEqual(['w1', 'w2', 'w3', 'w4', 'w5']);
    expect(await ids(inList(ts.store.db, 'flow_limit', [2, 4]))).toEqual(['w2', 'w4']);
  });

  it('selects the rows whose (text, integer) pair is one of the pairs', async () => {
    const where = inPairs(ts.store.db, ['id', 'flow_limit'], [['w1', 1], ['w2', 3], ['w4', 4], ['w4', 4]]);
    expect(await ids(where)).toEqual(['w1', 'w4']);
    const updated = await ts.store.db.updateTable('workspaces').set({ plan: 'pro' }).where(inPairs(ts.store.db, ['id', 'flow_limit'], [['w5', 5]])).returning('id').execute();
    expect(updated).toEqual([{ id: 'w5' }]);
  });
});

describe('SQL capabilities', () => {
  it('are refused, not guessed, for a Kysely instance no store driver made', async () => {
    const foreign = new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
    try {
      expect(() => sqlCapabilities(foreign)).toThrow(/declares no SQL capabilities/);
      expect(() => inList(foreign, 'id', ['a'])).toThrow(/declares no SQL capabilities/);
    } finally {
      await foreign.destroy();
    }
  });
});
