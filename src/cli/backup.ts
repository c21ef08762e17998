/**
 * `nudge backup <file>`: a consistent copy of the SQLite database, taken while Nudge runs.
 *
 * `VACUUM INTO` writes the copy from one read transaction, so it is one snapshot of the database
 * (every commit before it, none after), and in WAL mode writers carry on meanwhile. The online
 * backup API (`db.backup()`) was not used because it starts over whenever another connection
 * writes, which under steady ingest can keep it from finishing. The copy is written beside the
 * target, synced, checked with `PRAGMA integrity_check`, and only then given the target's name,
 * so a failed or interrupted backup never leaves a half-written file under that name.
 */
import { closeSync, constants, copyFileSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../config.js';
import { NudgeError } from '../core/errors.js';
import { sqliteFileOf } from '../store/create-store.js';

export interface BackupResult {
  source: string;
  target: string;
  bytes: number;
  /** Where the key that decrypts the copy's workspace secrets lives: a file, or NUDGE_SECRET_KEY. */
  secretKey: string;
}

/** Wait this long for a lock before giving up; the copy itself holds only a read snapshot. */
const BUSY_TIMEOUT_MS = 10_000;

/** Copies the configured SQLite database to `target`; refuses to replace an existing file unless `force`. */
export function backupDatabase(config: Readonly<Config>, target: string, options: { force: boolean }): BackupResult {
  const source = sourceFile(config);
  const to = resolve(target);
  checkTarget(source, to, options.force);
  const partial = join(dirname(to), `.${basename(to)}.partial-${process.pid}`);
  rmSync(partial, { force: true });
  try {
    copySnapshot(source, partial);
    checkIntegrity(partial);
    place(partial, to, options.force);
  } finally {
    rmSync(partial, { force: true });
  }
  return {
    source,
    target: to,
    bytes: statSync(to).size,
    secretKey: config.secretKey ? 'NUDGE_SECRET_KEY' : join(config.dataDir, 'secret.key'),
  };
}

function sourceFile(config: Readonly<Config>): string {
  const file = sqliteFileOf({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  if (file === null) {
    throw new NudgeError('backup_unsupported', 'nudge backup copies SQLite databases; this one is PostgreSQL: use pg_dump (docs/deploy.md, Backups)', { status: 400 });
  }
  if (file === ':memory:') throw new NudgeError('backup_unsupported', 'an in-memory database cannot be backed up', { status: 400 });
  if (!existsSync(file)) throw new NudgeError('not_found', `no SQLite database at ${file} (check NUDGE_DATA_DIR or DATABASE_URL)`, { status: 404 });
  return file;
}

function checkTarget(source: string, to: string, force: boolean): void {
  if ([source, `${source}-wal`, `${source}-shm`, `${source}-journal`].includes(to)) {
    throw new NudgeError('invalid_target', `${to} is the live database (or one of its files); back up to another file`, { status: 400 });
  }
  if (!existsSync(dirname(to)) || !statSync(dirname(to)).isDirectory()) {
    throw new NudgeError('invalid_target', `folder ${dirname(to)} does not exist`, { status: 400 });
  }
  if (!existsSync(to)) return;
  if (!statSync(to).isFile()) throw new NudgeError('invalid_target', `${to} exists and is not a file`, { status: 400 });
  if (!force) throw new NudgeError('file_exists', `${to} exists; pass --force to replace it`, { status: 409 });
}

function copySnapshot(source: string, partial: string): void {
  const db = new Database(source, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
  try {
    db.prepare('VACUUM INTO ?').run(partial);
  } finally {
    db.close();
  }
  const fd = openSync(partial, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function checkIntegrity(file: string): void {
  const db = new Database(file, { fileMustExist: true, readonly: true });
  try {
    const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
    const problems = rows.map((row) => row.integrity_check).filter((text) => text !== 'ok');
    if (problems.length > 0) throw new NudgeError('backup_corrupt', `the copy failed PRAGMA integrity_check: ${problems.slice(0, 3).join('; ')}`, { status: 500 });
  } finally {
    db.close();
  }
}

/** Gives the checked copy its name: a hard link refuses an existing file (another backup may have won the race), a rename replaces it. */
function place(partial: string, to: string, force: boolean): void {
  if (force) renameSync(partial, to);
  else {
    try {
      linkSync(partial, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new NudgeError('file_exists', `${to} exists; pass --force to replace it`, { status: 409 });
      // A file system without hard links: an exclusive copy refuses an existing file just the same.
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') copyFileSync(partial, to, constants.COPYFILE_EXCL);
      else throw error;
    }
  }
  const dir = openSync(dirname(to), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
