/**
 * The list reads of the web app on both stores: the contact search (`q`) finds what it should and
 * nothing else, whatever the input holds, and reads ranges of migration 009's indexes; a page of
 * flows gets its session counts from the (flow_id, status, id) index in one statement; a page of a
 * flow's sessions is read in id order from migration 014's indexes, not sorted.
 */
import type { SessionState } from '../../src/core/session-state.js';
import { CompiledQuery, type Kysely, type QueryId, type RootOperationNode } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAppointments } from '../../src/store/repositories/appointments.js';
import { listContacts } from '../../src/store/repositories/contacts.js';
import { countSessionsByFlow, listSessions } from '../../src/store/repositories/sessions.js';
import type { Database } from '../../src/store/schema.js';
import type { Dialect } from '../../src/store/store.js';
import { createTestStore, testDialects, type TestStore } from '../helpers/test-store.js';

const CONTACTS: Array<[id: string, workspace: string, email: string | null, name: string | null, phone: string | null]> = [
  ['ct_01', 'w1', 'Ada.Lovelace@example.com', 'Ada Lovelace', '+44 (20) 7946-0001'],
  ['ct_02', 'w1', 'adam@example.com', 'Adam Smith', '+1 415.555.0100'],
  ['ct_03', 'w1', 'a%b@example.com', 'Percent_Person', null],
  ['ct_04', 'w1', 'axb@example.com', "O'Brien \\ Co", '0044207946'],
  ['ct_05', 'w1', null, 'Zoë', '+33612345678'],
  ['ct_06', 'w2', 'ada@other.example', 'Ada Elsewhere', '+44 20 7946 0002'],
];

function contactRow([id, workspace_id, email, name, phone]: (typeof CONTACTS)[number]) {
  return { id, workspace_id, email, name, phone, external_id: null, first_name: null, last_name: null, language: null, timezone: null, attributes_json: '{}', created_at: 1, updated_at: 1 };
}

/** The SQL and parameters of the statements `run` executes on `db` (compiled but not executed ones left out). */
async function statementsOf(db: Kysely<Database>, run: (db: Kysely<Database>) => Promise<unknown>): Promise<CompiledQuery[]> {
  const nodes = new Map<QueryId, RootOperationNode>();
  const executed: CompiledQuery[] = [];
  await run(
    db.withPlugin({
      transformQuery: ({ node, queryId }) => (nodes.set(queryId, node), node),
      transformResult: async ({ result, queryId }) => (executed.push(db.getExecutor().compileQuery(nodes.get(queryId)!, queryId)), result),
    }),
  );
  return executed;
}

/** `statement` with its parameters written in as literals: PostgreSQL's EXPLAIN takes no parameters. */
function inlined(statement: CompiledQuery): string {
  const literal = (v: unknown): string =>
    Array.isArray(v) ? `array[${v.map(literal).join(', ')}]` : typeof v === 'number' ? String(v) : `'${String(v).replaceAll("'", "''")}'`;
  return statement.sql.replace(/\$(\d+)/g, (_, n: string) => literal(statement.parameters[Number(n) - 1]));
}

/** The query plan of one statement, as text. PostgreSQL is told to avoid scans, so an index that fits is taken even on a tiny table. */
async function planOf(dialect: Dialect, db: Kysely<Database>, statement: CompiledQuery): Promise<string> {
  if (dialect === 'sqlite') {
    const rows = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${statement.sql}`, [...statement.parameters]));
    return rows.rows.map((r) => r.detail).join('\n');
  }
  return db.transaction().execute(async (trx) => {
    await trx.executeQuery(CompiledQuery.raw('set local enable_seqscan = off'));
    const rows = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${inlined(statement)}`));
    return rows.rows.map((r) => r['QUERY PLAN']).join('\n');
  });
}

describe.each(testDialects())('list reads on %s', (dialect) => {
  let ts: TestStore;
  beforeEach(async () => {
    ts = await createTestStore(dialect);
    await ts.store.db.insertInto('contacts').values(CONTACTS.map(contactRow)).execute();
  });
  afterEach(async () => {
    await ts.cleanup();
  });

  const search = async (q: string, limit = 50, cursor?: string) =>
    (await listContacts(ts.store.db, 'w1', { q, limit, cursor })).map((r) => r.id);

  it('contacts: a case-insensitive prefix of email or name, or of the phone digits, in one workspace', async () => {
    expect(await search('ada')).toEqual(['ct_02', 'ct_01']);
    expect(await search('ADA.L')).toEqual(['ct_01']);
    expect(await search('adam s')).toEqual(['ct_02']);
    expect(await search('lovelace')).toEqual([]);
    expect(await search('4420')).toEqual(['ct_01']);
    expect(await search('+44 (20) 79')).toEqual(['ct_01']);
    expect(await search('1-415-555')).toEqual(['ct_02']);
    expect(await search('0044')).toEqual(['ct_04']);
    expect(await search('zoë')).toEqual(['ct_05']);
    expect(await search('example.com')).toEqual([]);
  });

  it('contacts: %, _, \\ and quotes in a search match themselves', async () => {
    expect(await search('a%')).toEqual(['ct_03']);
    expect(await search('a_b')).toEqual([]);
    expect(await search('%')).toEqual([]);
    expect(await search('_')).toEqual([]);
    expect(await search('percent_')).toEqual(['ct_03']);
    expect(await search("o'brien \\")).toEqual(['ct_04']);
    expect(await search('\\')).toEqual([]);
    expect(await search("'; drop table contacts; --")).toEqual([]);
    expect(await search('x'.repeat(200))).toEqual([]);
  });

  it('contacts: a search pages by cursor', async () => {
    const first = await search('a', 2);
    expect(first).toEqual(['ct_04', 'ct_03']);
    expect(await search('a', 2, first[1])).toEqual(['ct_02', 'ct_01']);
    expect(await search('a', 2, 'ct_01')).toEqual([]);
  });

  it('appointments: by the booking id, or their contact as a contact search finds it', async () => {
    const appointment = (id: string, external_id: string, contact_id: string | null) => ({
      id, workspace_id: 'w1', external_id, contact_id, status: 'booked', start_at: 1, end_at: 2, timezone: null, revision: 1, last_event_at: 1,
      extra_json: '{}', line_item_properties_json: null, created_at: 1, updated_at: 1,
    });
    await ts.store.db.insertInto('appointments').values([appointment('ap_1', 'adam-1', 'ct_05'), appointment('ap_2', 'b-2', 'ct_02'), appointment('ap_3', 'c-3', 'ct_01')]).execute();
    const find = async (q: string) => (await listAppointments(ts.store.db, 'w1', { q, limit: 50 })).map((r) => r.id);
    expect(await find('Adam')).toEqual(['ap_2']);
    expect(await find('adam-1')).toEqual(['ap_1']);
    expect(await find('ada')).toEqual(['ap_3', 'ap_2']);
    expect(await find('a%')).toEqual([]);
  });

  it('contacts: a search reads the workspace’s range of the search indexes', async () => {
    // Enough contacts, with statistics, for a range of an index to beat reading the workspace's rows.
    const many = Array.from({ length: 3000 }, (_, i) => contactRow([`ct_1${i}`, i % 3 ? 'w1' : 'w2', `user${i}@example.com`, `Person ${i}`, `+1 555 ${1_000_000 + i}`]));
    for (let i = 0; i < many.length; i += 500) await ts.store.db.insertInto('contacts').values(many.slice(i, i + 500)).execute();
    await ts.store.db.executeQuery(CompiledQuery.raw('analyze'));
    for (const q of ['ada', '+44 20']) {
      const [statement] = await statementsOf(ts.store.db, (db) => listContacts(db, 'w1', { q, limit: 50 }));
      const plan = await planOf(dialect, ts.store.db, statement!);
      expect(plan).toContain('contacts_search_email');
      expect(plan).toContain('contacts_search_name');
      if (q.startsWith('+')) expect(plan).toContain('contacts_search_phone');
      expect(plan).not.toMatch(/SCAN contacts\b|Seq Scan/);
    }
  });

  it('flows: session counts of many flows in one statement over an index on flow_id', async () => {
    const session = (id: string, flow_id: string, status: SessionState) => ({
      id, workspace_id: 'w1', flow_id, flow_version: 1, key: id, status, step_id: null, contact_id: null, appointment_id: null,
      seq: 0, attempt: 1, created_at: 1, updated_at: 1,
    });
    await ts.store.db.insertInto('sessions').values([session('ss_1', 'fl_a', 'active'), session('ss_2', 'fl_a', 'active'), session('ss_3', 'fl_a', 'failed'), session('ss_4', 'fl_b', 'completed')]).execute();
    // Other flows' sessions, with statistics, so that the plan is the one a real table gets.
    const others = Array.from({ length: 3000 }, (_, i) => session(`ss_9${i}`, `fl_${i % 40}`, i % 7 ? 'completed' : 'active'));
    for (let i = 0; i < others.length; i += 500) await ts.store.db.insertInto('sessions').values(others.slice(i, i + 500)).execute();
    await ts.store.db.executeQuery(CompiledQuery.raw(dialect === 'postgres' ? 'vacuum analyze sessions' : 'analyze'));
    const statements = await statementsOf(ts.store.db, (db) => countSessionsByFlow(db, ['fl_a', 'fl_b', 'fl_c']));
    expect(statements).toHaveLength(1);
    // Any index that leads with flow_id reads only the listed flows' sessions. PostgreSQL picks
    // (flow_id, status, id) for an index-only scan only when VACUUM could mark the pages all-visible,
    // which a concurrent test's open transaction prevents; then it takes (flow_id, key).
    expect(await planOf(dialect, ts.store.db, statements[0]!)).toMatch(/sessions_flow_(status_id_order|id_order|key)/);
    const counts = await countSessionsByFlow(ts.store.db, ['fl_a', 'fl_b', 'fl_c']);
    expect(Object.fromEntries(counts)).toEqual({ fl_a: { active: 2, failed: 1 }, fl_b: { completed: 1 } });
  });

  it('sessions: a page of one flow is read in id order from an index, with or without a status, never sorted', async () => {
    const session = (i: number, flow_id: string, status: SessionState) => ({
      id: `ss_${String(i).padStart(5, '0')}`, workspace_id: 'w1', flow_id, flow_version: 1, key: `k${i}`, status, step_id: 'wait', contact_id: null,
      appointment_id: null, seq: 0, attempt: 1, created_at: 1, updated_at: 1,
    });
    // One flow among many, as on a real table: reading the newest rows of all flows would not do.
    const rows = Array.from({ length: 4000 }, (_, i) => session(i, i % 20 ? `fl_${i % 40}` : 'fl_big', i % 5 === 1 ? 'completed' : 'waiting'));
    for (let i = 0; i < rows.length; i += 500) await ts.store.db.insertInto('sessions').values(rows.slice(i, i + 500)).execute();
    await ts.store.db.executeQuery(CompiledQuery.raw(dialect === 'postgres' ? 'vacuum analyze sessions' : 'analyze'));
    const cases = [
      { filters: { flow_id: 'fl_big' }, index: 'sessions_flow_id_order' },
      { filters: { flow_id: 'fl_big', cursor: 'ss_03000' }, index: 'sessions_flow_id_order' },
      { filters: { flow_id: 'fl_big', status: 'waiting' as SessionState, step_id: 'wait' }, index: 'sessions_flow_status_id_order' },
    ];
    for (const { filters, index } of cases) {
      const statements = await statementsOf(ts.store.db, (db) => listSessions(db, 'w1', { ...filters, limit: 50 }));
      expect(statements).toHaveLength(1);
      const plan = await planOf(dialect, ts.store.db, statements[0]!);
      // SQLite (the 130–150 ms pages of BENCHMARKS.md §7) takes the index; PostgreSQL, on a table this
      // small, may walk the primary key backwards instead. Neither sorts the flow's sessions.
      if (dialect === 'sqlite') expect(plan, JSON.stringify(filters)).toContain(index);
      else expect(plan, JSON.stringify(filters)).toMatch(new RegExp(`${index}|sessions_pkey`));
      expect(plan, JSON.stringify(filters)).not.toMatch(/TEMP B-TREE|Sort/);
      // The page is the newest 50 of what the filters select.
      const want = rows
        .filter((r) => r.flow_id === 'fl_big' && (!('status' in filters) || r.status === filters.status) && (!('cursor' in filters) || r.id < filters.cursor!))
        .map((r) => r.id)
        .sort()
        .reverse()
        .slice(0, 50);
      expect((await listSessions(ts.store.db, 'w1', { ...filters, limit: 50 })).map((r) => r.id)).toEqual(want);
    }
  });
});
