import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createStore } from '../../src/store/create-store.js';
import type { Store } from '../../src/store/store.js';
import { postgresTestUrl, testDialects } from '../helpers/test-store.js';
import { sqliteMigrations } from '../../src/store/migrations/sqlite/index.js';

describe('createStore', () => {
  let dir: string;
  const opened: Store[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nudge-create-'));
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  async function open(databaseUrl: string | null | undefined, schema?: string): Promise<Store> {
    const store = await createStore({ databaseUrl, dataDir: join(dir, 'data'), ...(schema ? { schema } : {}) });
    opened.push(store);
    return store;
  }

  it.each([undefined, null, '', '  '])('defaults to SQLite at <dataDir>/nudge.db (%j)', async (url) => {
    const store = await open(url);
    expect(store.dialect).toBe('sqlite');
    expect((await stat(join(dir, 'data', 'nudge.db'))).isFile()).toBe(true);
  });

  it('does not migrate', async () => {
    const store = await open(undefined);
    const { rows } = await sql`select name from sqlite_schema where name = 'timers'`.execute(store.db);
    expect(rows).toEqual([]);
    expect(await store.migrate()).toEqual(sqliteMigrations.map((m) => m.name));
  });

  it.each([
    ['sqlite:<abs>', (p: string) => `sqlite:${p}`],
    ['sqlite://<abs>', (p: string) => `sqlite://${p}`],
    ['file:<abs>', (p: string) => `file:${p}`],
    ['file:// URL', (p: string) => pathToFileURL(p).href],
  ])('opens the SQLite file a %s URL names', async (_label, toUrl) => {
    const file = join(dir, 'elsewhere', 'my.db');
    const store = await open(toUrl(file));
    expect(store.dialect).toBe('sqlite');
    expect((await stat(file)).isFile()).toBe(true);
  });

  it.each(['mysql://root:secret@db/nudge', 'http://x', 'nudge.db', 'sqlite:'])('rejects %s with bad_database_url', async (url) => {
    const error = await open(url).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ name: 'NudgeError', code: 'bad_database_url' });
    expect(String((error as Error).message)).not.toContain('secret');
  });

  it.runIf(testDialects().includes('postgres')).each(['postgres', 'postgresql'])('opens PostgreSQL for %s:// in the given schema', async (scheme) => {
    const schema = `nudge_test_${randomBytes(6).toString('hex')}`;
    const store = await open(postgresTestUrl().replace(/^postgres(ql)?:/, `${scheme}:`), schema);
    try {
      expect(store.dialect).toBe('postgres');
      const { rows } = await sql<{ s: string }>`select current_schema() as s`.execute(store.db);
      expect(rows).toEqual([{ s: schema }]);
    } finally {
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
    }
  });
});
