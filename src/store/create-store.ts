/**
 * Picks the store from a database URL: the one place that knows which schemes mean what.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NudgeError } from '../core/errors.js';
import { createPostgresStore } from './postgres/postgres-store.js';
import { createSqliteStore } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface CreateStoreOptions {
  /**
   * - `postgres://…` or `postgresql://…`: PostgreSQL;
   * - `sqlite:<path>` or `file:<path>` (also `sqlite:///abs/path`, `file:///abs/path`): that SQLite
   *   file, a relative path being relative to the working directory;
   * - absent or empty: SQLite at `<dataDir>/nudge.db`.
   */
  databaseUrl?: string | null;
  /** Folder of the default SQLite file; created when missing. */
  dataDir: string;
  /** PostgreSQL schema for Nudge's tables (see `PostgresStoreOptions.schema`); ignored on SQLite. */
  schema?: string;
  /**
   * Errors no caller awaits: PostgreSQL, a dropped idle connection or the listener reconnecting;
   * SQLite, a background checkpoint that failed.
   */
  onError?: (error: unknown) => void;
}

/** The SQLite file the options name (`:memory:` included), or null when they name PostgreSQL. Throws on a bad URL. */
export function sqliteFileOf(options: Pick<CreateStoreOptions, 'databaseUrl' | 'dataDir'>): string | null {
  const url = options.databaseUrl?.trim();
  if (!url) return join(options.dataDir, 'nudge.db');
  if (/^postgres(ql)?:\/\//i.test(url)) return null;
  if (/^(sqlite|file):/i.test(url)) return sqliteFilename(url);
  throw badUrl('database URL must start with postgres://, postgresql://, sqlite: or file:');
}

/** Opens the store the URL names. Does not migrate: call `store.migrate()`. */
export async function createStore(options: CreateStoreOptions): Promise<Store> {
  const url = options.databaseUrl?.trim();
  const onError = options.onError ? { onError: options.onError } : {};
  if (!url) return createSqliteStore({ filename: join(options.dataDir, 'nudge.db'), ...onError });
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return createPostgresStore({
      url,
      ...(options.schema === undefined ? {} : { schema: options.schema }),
      ...onError,
    });
  }
  if (/^(sqlite|file):/i.test(url)) return createSqliteStore({ filename: sqliteFilename(url), ...onError });
  // Only the scheme: the rest of a URL may hold a password.
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  throw badUrl(
    scheme
      ? `unsupported database URL scheme "${scheme}:" (use postgres://, postgresql://, sqlite: or file:)`
      : 'database URL must start with postgres://, postgresql://, sqlite: or file:',
  );
}

function sqliteFilename(url: string): string {
  let path: string;
  if (/^file:\/\//i.test(url)) {
    try {
      path = fileURLToPath(url);
    } catch (error) {
      throw badUrl(`invalid file URL: ${(error as Error).message}`);
    }
  } else {
    // `sqlite:///abs` → `/abs`, `sqlite://rel` or `sqlite:rel` → `rel`.
    path = url.replace(/^(sqlite|file):(\/\/)?/i, '');
  }
  if (path === '') throw badUrl('the SQLite database URL names no file');
  return path === ':memory:' ? path : resolve(path);
}

function badUrl(message: string): NudgeError {
  return new NudgeError('bad_database_url', message);
}
