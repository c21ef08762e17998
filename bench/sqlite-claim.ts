/**
 * The SQLite timer claim in isolation: N timers inserted out of due order, then drained the way a
 * worker does (claim a batch of 100, then delete each claimed timer by id), for several table
 * layouts. Used to choose the layout of migration 002; see BENCHMARKS.md.
 *
 *   npm run bench:sqlite-claim -- --n 100000 --runs 3
 *
 * Layouts:
 *   v1-due-pk      migration 001: WITHOUT ROWID, primary key (due_at, id); the claim moves due_at,
 *                  i.e. the row's key, rewriting the row and every secondary index entry.
 *   v1-no-session  the same without the unused index on session_id.
 *   v2-sched-pk    migration 002: primary key (scheduled_at, id), which a claim never changes, and a
 *                  partial index on due_at (held = 0): a claim rewrites one small index entry.
 *   lease-column   for reference (the lead from the study): due_at left in place, the lease in its
 *                  own column. Not usable as is: the store contract shows the lease as due_at.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import { waitForQuiet } from './lib/processes.js';
import { log, table, writeResult } from './lib/report.js';
import { fmt, median } from './lib/stats.js';
import { scattered } from './lib/timer-run.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '100000' }, runs: { type: 'string', default: '3' }, batch: { type: 'string', default: '100' }, 'cache-mb': { type: 'string', default: '2' } } });
const n = Number(values.n);
const runs = Number(values.runs);
const batch = Number(values.batch);
/** SQLite's page cache; its default is 2 MB. */
const cacheMb = Number(values['cache-mb']);

const COLUMNS = `
  id text not null unique, due_at integer not null, scheduled_at integer not null, kind text not null,
  workspace_id text not null, flow_id text not null, session_id text, appointment_id text, step_id text,
  seq integer, anchor text, anchor_offset text, held integer not null default 0, lease_owner text,
  claims integer not null default 0, created_at integer not null`;

interface Layout {
  name: string;
  ddl: string[];
  claim: string;
}

const V1_CLAIM = `update timers set due_at = @leaseUntil, lease_owner = @owner, claims = claims + 1
  where (due_at, id) in (select due_at, id from timers where held = 0 and due_at <= @now order by due_at limit @limit)
  returning *`;

const LAYOUTS: Layout[] = [
  {
    name: 'v1-due-pk',
    ddl: [
      `create table timers (${COLUMNS}, primary key (due_at, id)) strict, without rowid`,
      'create index timers_appointment_id on timers (appointment_id)',
      'create index timers_flow_id on timers (flow_id)',
      'create index timers_session_id on timers (session_id)',
    ],
    claim: V1_CLAIM,
  },
  {
    name: 'v1-no-session',
    ddl: [
      `create table timers (${COLUMNS}, primary key (due_at, id)) strict, without rowid`,
      'create index timers_appointment_id on timers (appointment_id)',
      'create index timers_flow_id on timers (flow_id)',
    ],
    claim: V1_CLAIM,
  },
  {
    name: 'v2-sched-pk',
    ddl: [
      `create table timers (${COLUMNS}, primary key (scheduled_at, id)) strict, without rowid`,
      'create index timers_due_at on timers (due_at) where held = 0',
      'create index timers_appointment_id on timers (appointment_id)',
      'create index timers_flow_id on timers (flow_id)',
    ],
    claim: `update timers set due_at = @leaseUntil, lease_owner = @owner, claims = claims + 1
      where (scheduled_at, id) in (select scheduled_at, id from timers where held = 0 and due_at <= @now order by due_at limit @limit)
      returning *`,
  },
  {
    name: 'lease-column',
    ddl: [
      `create table timers (${COLUMNS}, lease_until integer, primary key (due_at, id)) strict, without rowid`,
      'create index timers_appointment_id on timers (appointment_id)',
      'create index timers_flow_id on timers (flow_id)',
    ],
    claim: `update timers set lease_until = @leaseUntil, lease_owner = @owner, claims = claims + 1
      where (due_at, id) in (select due_at, id from timers where held = 0 and due_at <= @now and (lease_until is null or lease_until <= @now) order by due_at limit @limit)
      returning *`,
  },
];

function runLayout(layout: Layout): { insertPerS: number; claimUsPerTimer: number; deleteUsPerTimer: number; drainPerS: number } {
  const dir = mkdtempSync(join(tmpdir(), 'nudge-claim-'));
  const db = new BetterSqlite3(join(dir, 'claim.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`cache_size = ${-cacheMb * 1024}`);
    for (const s of layout.ddl) db.exec(s);
    const insert = db.prepare(
      `insert into timers (id, due_at, scheduled_at, kind, workspace_id, flow_id, session_id, appointment_id, step_id, seq, anchor, anchor_offset, held, lease_owner, claims, created_at)
       values (@id, @due, @due, 'trigger', 'ws_01JBENCHWORKSPACE00000000', 'fl_01JBENCHFLOW0000000000000', null, @appt, null, null, 'start', '-24h', 0, null, 0, 1)`,
    );
    const base = 1_800_000_000_000;
    const t0 = performance.now();
    const insertMany = db.transaction((ids: number[]) => {
      for (const i of ids) insert.run({ id: `tr_fl_01JBENCHFLOW0000000000000_ap_${String(i).padStart(8, '0')}`, due: base + i * 10, appt: `ap_${i}` });
    });
    const order = scattered(n);
    for (let k = 0; k < n; k += 1000) insertMany(order.slice(k, k + 1000));
    const insertS = (performance.now() - t0) / 1000;
    db.pragma('wal_checkpoint(TRUNCATE)');

    const claim = db.prepare(layout.claim);
    const del = db.prepare('delete from timers where id = ? and lease_owner = ?');
    const now = base + n * 10;
    let claimMs = 0;
    let deleteMs = 0;
    let claimed = 0;
    for (let k = 0; ; k++) {
      const owner = `w:${k}`;
      const c0 = performance.now();
      const rows = claim.all({ leaseUntil: now + 30_000, owner, now, limit: batch }) as Array<{ id: string }>;
      claimMs += performance.now() - c0;
      if (rows.length === 0) break;
      claimed += rows.length;
      const d0 = performance.now();
      for (const r of rows) del.run(r.id, owner);
      deleteMs += performance.now() - d0;
    }
    if (claimed !== n) throw new Error(`${layout.name}: claimed ${claimed} of ${n}`);
    return {
      insertPerS: n / insertS,
      claimUsPerTimer: (claimMs * 1000) / n,
      deleteUsPerTimer: (deleteMs * 1000) / n,
      drainPerS: n / ((claimMs + deleteMs) / 1000),
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const all: Array<{ layout: string; busyBefore: number } & ReturnType<typeof runLayout>> = [];
for (let r = 0; r < runs; r++) {
  for (const layout of LAYOUTS) {
    const busyBefore = await waitForQuiet(log, 0.25, 120);
    all.push({ layout: layout.name, busyBefore, ...runLayout(layout) });
  }
}
const med = (name: string, f: (x: (typeof all)[number]) => number) => median(all.filter((x) => x.layout === name).map(f));
const ref = med('v1-due-pk', (x) => x.claimUsPerTimer);
const rows = LAYOUTS.map((l) => [
  l.name,
  fmt(med(l.name, (x) => x.insertPerS), 0),
  fmt(med(l.name, (x) => x.claimUsPerTimer), 1),
  fmt(med(l.name, (x) => x.deleteUsPerTimer), 1),
  fmt(med(l.name, (x) => x.drainPerS), 0),
  `${fmt(ref / med(l.name, (x) => x.claimUsPerTimer), 2)}×`,
]);
const file = writeResult('sqlite-claim', { n, runs, batch, cacheMb, results: all });
process.stdout.write(`\nSQLite claim: ${n} timers out of due order, batches of ${batch}, page cache ${cacheMb} MB, medians of ${runs} runs\n\n`);
process.stdout.write(`${table(['layout', 'insert /s', 'claim µs/timer', 'delete µs/timer', 'drain /s', 'claim speed-up'], rows)}\n\nresults: ${file}\n`);
