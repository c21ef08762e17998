/**
 * Real databases for tests: a fresh SQLite file, or a throwaway schema on a real PostgreSQL.
 * PostgreSQL is never skipped silently: when it is unreachable the test fails and says how to
 * start it. Set `NUDGE_TEST_POSTGRES=0` to run on SQLite only.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import type { Dialect, Store } from '../../src/store/store.js';

export interface TestStore {
  store: Store;
  /** Opens the same database with `createStore({ databaseUrl, schema })`. */
  databaseUrl: string;
  /** PostgreSQL only: the throwaway schema. */
  schema?: string;
  /** Closes the store and deletes the database (temp folder or schema). */
  cleanup(): Promise<void>;
}

const START_POSTGRES = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';

/** Dialects every shared suite runs on: both, unless `NUDGE_TEST_POSTGRES=0`. */
export function testDialects(): Dialect[] {
  return process.env.NUDGE_TEST_POSTGRES === '0' ? ['sqlite'] : ['sqlite', 'postgres'];
}

/** `NUDGE_TEST_DATABASE_URL`, or the local trust-auth server `postgres://postgres@127.0.0.1:5432/test`. */
export function postgresTestUrl(): string {
  return process.env.NUDGE_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
}

/** A migrated store on a database nobody else uses. Call `cleanup()` in `afterEach`/`afterAll`. */
export async function createTestStore(dialect: Dialect): Promise<TestStore> {
  return dialect === 'sqlite' ? createSqliteTestStore() : createPostgresTestStore();
}

async function createSqliteTestStore(): Promise<TestStore> {
  const dir = await mkdtemp(join(tmpdir(), 'nudge-test-'));
  const filename = join(dir, 'nudge.db');
  const store = await createSqliteStore({ filename });
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    store,
    databaseUrl: `sqlite:${filename}`,
    cleanup: once(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }),
  };
}

async function createPostgresTestStore(): Promise<TestStore> {
  const url = postgresTestUrl();
  const schema = `nudge_test_${randomBytes(6).toString('hex')}`;
  let store: Store;
  try {
    store = await createPostgresStore({ url, schema, poolSize: 4 });
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${redact(url)} (${describeError(error)}).\n` +
        `Start it with: ${START_POSTGRES}\n` +
        'or point NUDGE_TEST_DATABASE_URL at another server, or set NUDGE_TEST_POSTGRES=0 to run on SQLite only.',
      { cause: error },
    );
  }
  const dropSchema = async () => {
    await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
  };
  try {
    await store.migrate();
  } catch (error) {
    await dropSchema().finally(() => store.close());
    throw error;
  }
  return {
    store,
    databaseUrl: url,
    schema,
    cleanup: once(async () => {
      try {
        await dropSchema();
      } finally {
        await store.close();
      }
    }),
  };
}

/** Cleanup may run twice (a test's own `finally` and an `afterEach`); the second call is a no-op. */
function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

function describeError(error: unknown): string {
  const { code, message } = error as { code?: string; message?: string };
  // Node 20 reports a refused connection to localhost as an AggregateError with an empty message.
  return [code, message].filter(Boolean).join(': ') || String(error);
}
