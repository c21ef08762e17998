/**
 * Reads every table of a test database through its own catalog (sqlite_master and
 * `pragma table_info` on SQLite, information_schema on PostgreSQL), so a table added later is
 * searched without anyone listing it here.
 */
import { sql } from 'kysely';
import type { TestStore } from './test-store.js';

export interface ColumnRef {
  table: string;
  column: string;
}

/** Every column of every table of the store (its schema on PostgreSQL). */
export async function allColumns(t: TestStore): Promise<ColumnRef[]> {
  const db = t.store.db;
  if (t.store.dialect === 'postgres') {
    const r = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = ${t.schema!} order by table_name, ordinal_position`.execute(db);
    return r.rows.map((c) => ({ table: c.table_name, column: c.column_name }));
  }
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db);
  const out: ColumnRef[] = [];
  for (const { name } of tables.rows) {
    const cols = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(db);
    for (const c of cols.rows) out.push({ table: name, column: c.name });
  }
  return out;
}

/** `table.column` of every cell whose text holds one of `needles` (case-insensitive). */
export async function findText(t: TestStore, needles: readonly string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const { table, column } of await allColumns(t)) {
    for (const needle of needles) {
      const r = await sql<{ n: number | string }>`
        select count(*) as n from ${sql.table(table)}
        where lower(cast(${sql.ref(column)} as text)) like ${`%${needle.toLowerCase()}%`}`.execute(t.store.db);
      if (Number(r.rows[0]!.n) > 0) hits.push(`${table}.${column} holds ${needle}`);
    }
  }
  return hits;
}

/** Rows per table. */
export async function rowCounts(t: TestStore): Promise<Record<string, number>> {
  const tables = [...new Set((await allColumns(t)).map((c) => c.table))];
  const out: Record<string, number> = {};
  for (const table of tables) {
    const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(t.store.db);
    out[table] = Number(r.rows[0]!.n);
  }
  return out;
}
