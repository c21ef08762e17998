/**
 * Read-ahead for ingest: the rows a group of ingest units will look up by a unique key (events by
 * idempotency key; contacts by external id, email and phone; appointments by external id) are
 * read for the whole group in one statement per table before its units run (`readAhead`), and
 * kept in the group's unit of work (`Work.known`, a `KnownRows`; src/store/unit-of-work.ts). The
 * repositories' lookups take the Work and ask here first: a key the read-ahead covered is answered
 * from memory (a row, or known to be absent); any other key, or any lookup on a Work without
 * `known` (`plainWork`), is read from the table.
 *
 * Why: an event was ~8 statements, six of them these lookups, and on PostgreSQL each statement
 * is a round trip (a socket write and a wake-up of both processes): `writev` was 29% of the API
 * process's CPU in `npm run bench:ingest -- --cpu-prof`. With read-ahead and the write-behind of
 * new rows (write-behind.ts), a group of new bookings costs a handful of statements, not ~8 each.
 *
 * Staying exact: every write to these tables in a unit of work goes through the repositories'
 * functions that take the Work, which update what is kept here (`rememberContact`,
 * `rememberAppointment`, `rememberEvent`), so a later unit of the same group sees the earlier
 * units' writes. The rows are read inside the group's transaction, as the lookups they replace
 * would have been (on PostgreSQL, a row another transaction commits in between is missed either
 * way; the unique indexes then refuse the duplicate and ingest retries, as before).
 */
import { sql, type Kysely } from 'kysely';
import type { AppointmentRow, ContactRow, Database, EventRow } from '../schema.js';
import { sqlCapabilities } from '../sql-capabilities.js';
import type { Work } from '../unit-of-work.js';
import { inList, padToPowerOfTwo } from './in-list.js';

export type ContactKey = 'external_id' | 'email' | 'phone';
export const CONTACT_KEYS: readonly ContactKey[] = ['external_id', 'email', 'phone'];

/** What one ingest unit will look up. */
export interface IngestLookups {
  workspaceId: string;
  eventKeys: string[];
  contacts: Array<Partial<Record<ContactKey, string | undefined>>>;
  appointmentIds: string[];
}

/** Ids in one `in (…)` list, at most (padded to powers of two, so few statement shapes). */
const MAX_IN = 256;
/** Values PostgreSQL looks up one by one (see `byUniqueKey`). */
const FEW = 16;

const k = (workspaceId: string, value: string) => `${workspaceId}\u0000${value}`;

/**
 * Reads, in the unit's transaction, every row the units will look up: per workspace one statement
 * for events, one for contacts (by any identity) and one for appointments (per 256 keys of each).
 * Does nothing when the Work keeps no known rows.
 */
export async function readAhead(work: Work, units: IngestLookups[]): Promise<void> {
  if (work.known) await work.known.read(work.db, units);
}

/** The rows one unit of work knows by unique key, as read ahead and as written since. */
export class KnownRows {
  /** By `workspace \0 value`; null: known to be absent. */
  private readonly events = new Map<string, EventRow | null>();
  private readonly contacts: Record<ContactKey, Map<string, ContactRow | null>> = { external_id: new Map(), email: new Map(), phone: new Map() };
  private readonly appointments = new Map<string, AppointmentRow | null>();

  /** The event with this key: a row, null (known absent), or undefined (not read ahead: ask the table). */
  event(workspaceId: string, key: string): EventRow | null | undefined {
    return this.events.get(k(workspaceId, key));
  }

  /** The contact holding `key` = `value`: a row, null (nobody), or undefined (not read ahead). */
  contact(workspaceId: string, key: ContactKey, value: string): ContactRow | null | undefined {
    return this.contacts[key].get(k(workspaceId, value));
  }

  /** The appointment with this booking-system id: a row, null (none), or undefined (not read ahead). */
  appointment(workspaceId: string, externalId: string): AppointmentRow | null | undefined {
    return this.appointments.get(k(workspaceId, externalId));
  }

  rememberEvent(row: EventRow): void {
    this.events.set(k(row.workspace_id, row.idempotency_key), row);
  }

  rememberAppointment(row: AppointmentRow): void {
    this.appointments.set(k(row.workspace_id, row.external_id), row);
  }

  /** A contact as written now; `previous` is the row before, so that identities it gave up are free. */
  rememberContact(row: ContactRow, previous?: ContactRow): void {
    if (previous) {
      for (const key of CONTACT_KEYS) {
        const old = previous[key];
        if (old !== null && old !== row[key]) this.contacts[key].set(k(row.workspace_id, old), null);
      }
    }
    for (const key of CONTACT_KEYS) {
      const value = row[key];
      if (value !== null) this.contacts[key].set(k(row.workspace_id, value), row);
    }
  }

  /** See `readAhead`. */
  async read(trx: Kysely<Database>, units: IngestLookups[]): Promise<void> {
    const byWorkspace = new Map<string, IngestLookups[]>();
    for (const unit of units) {
      const list = byWorkspace.get(unit.workspaceId);
      if (list) list.push(unit);
      else byWorkspace.set(unit.workspaceId, [unit]);
    }
    for (const [workspaceId, list] of byWorkspace) {
      await readKeys<EventRow>(trx, 'events', workspaceId, [['idempotency_key', this.events, list.flatMap((u) => u.eventKeys)]], (row) => this.rememberEvent(row));
      // Contacts by any of their identities, in one statement (one list per identity).
      const identities = CONTACT_KEYS.map((key) => [key, this.contacts[key], list.flatMap((u) => u.contacts.map((c) => c[key]))] as const);
      await readKeys<ContactRow>(trx, 'contacts', workspaceId, identities, (row) => this.rememberContact(row));
      await readKeys<AppointmentRow>(trx, 'appointments', workspaceId, [['external_id', this.appointments, list.flatMap((u) => u.appointmentIds)]], (row) =>
        this.rememberAppointment(row),
      );
    }
  }
}

/**
 * Reads the rows of `table` holding any value of `columns` not known yet (at most MAX_IN values of
 * each column per statement), marks every value asked for as absent, then remembers each row found.
 */
async function readKeys<R>(
  trx: Kysely<Database>,
  table: 'events' | 'contacts' | 'appointments',
  workspaceId: string,
  columns: ReadonlyArray<readonly [column: string, known: Map<string, unknown>, values: Array<string | undefined>]>,
  remember: (row: R) => void,
): Promise<void> {
  const wanted = columns.map(([column, map, values]) => [column, map, unknownValues(map, workspaceId, values)] as const);
  for (let start = 0; wanted.some(([, , values]) => values.length > start); start += MAX_IN) {
    const slice = wanted.map(([column, map, values]) => [column, map, values.slice(start, start + MAX_IN)] as const);
    const rows = await byUniqueKey<R>(trx, table, workspaceId, slice.map(([column, , values]) => [column, values] as const));
    for (const [, map, values] of slice) for (const value of values) map.set(k(workspaceId, value), null);
    for (const row of rows) remember(row);
  }
}

/**
 * The rows of `table` in the workspace whose `column` is one of `values`, for each (column, values)
 * pair (a row may come once per pair it matches). Each column has a unique index on
 * (workspace_id, column).
 *
 * On PostgreSQL, a few values (at most `FEW`, as in a group of single-event requests) are asked for
 * one by one in one statement, `select … where workspace_id = $1 and column = $2 union all …`:
 * each arm gives the whole unique key, so its plan is an index probe whatever the planner believes
 * of the table. A list (`column = any($2)`) was planned, on a table that had grown since it was
 * last analyzed (every new install, in its first minute), as a scan of the workspace's whole range
 * with the values as a filter: 4–5 ms per lookup at 10k rows, seen with auto_explain under
 * `npm run bench:ingest`. More values (batch requests) go as lists all the same: a union of
 * hundreds of arms took 30–50 ms to run, and a misplanned list costs its few milliseconds once for
 * the whole batch. The arms are padded to a power of two so the statement shapes stay few.
 * SQLite plans an `IN` list on the unique index as one probe per value.
 */
async function byUniqueKey<R>(
  trx: Kysely<Database>,
  table: 'events' | 'contacts' | 'appointments',
  workspaceId: string,
  lookups: ReadonlyArray<readonly [string, string[]]>,
): Promise<R[]> {
  const wanted = lookups.filter(([, values]) => values.length > 0);
  if (wanted.length === 0) return [];
  if (sqlCapabilities(trx).listPlansNeedStatistics && wanted.reduce((n, [, values]) => n + values.length, 0) <= FEW) {
    const arms = wanted.flatMap(([column, values]) =>
      padToPowerOfTwo([...values]).map((value) => sql`select * from ${sql.table(table)} where workspace_id = ${workspaceId} and ${sql.ref(column)} = ${value}`),
    );
    return (await sql<R>`${sql.join(arms, sql` union all `)}`.execute(trx)).rows;
  }
  return (await trx
    .selectFrom(table)
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or(wanted.map(([column, values]) => inList(trx, column, values))))
    .execute()) as R[];
}

function unknownValues(map: Map<string, unknown>, workspaceId: string, values: Array<string | undefined>): string[] {
  const out = new Set<string>();
  for (const v of values) if (v && !map.has(k(workspaceId, v))) out.add(v);
  return [...out];
}
