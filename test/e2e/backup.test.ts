/**
 * `nudge backup` against a running `nudge serve` that keeps ingesting bookings meanwhile: the copy
 * passes `PRAGMA integrity_check`, is one snapshot (every booking in it has its appointment and its
 * pending reminder, none half-written), and the documented restore (stop, put the file in place,
 * remove -wal and -shm, start) brings back the flows, contacts and pending reminders it holds, and
 * nothing ingested after it. Also: no overwrite without --force, PostgreSQL pointed to pg_dump.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, NUDGE_SCRIPT, nudgeCommand, startNudge, type NudgeProcess } from '../helpers/nudge-process.js';

const REPO = join(NUDGE_SCRIPT, '..');
const DAY = 86_400_000;

const booking = (n: number) => ({
  name: 'appointment.created',
  idempotency_key: `book-${n}`,
  contact: { external_id: `cust-${n}`, email: `cust-${n}@example.com`, first_name: 'Ada' },
  appointment: { id: `apt-${n}`, start_at: new Date(Date.now() + 3 * DAY + n * 60_000).toISOString(), service_name: 'Cut', timezone: 'Europe/Paris' },
});

/** Counts in a database file: what a snapshot must keep together. */
function countsOf(file: string) {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      integrity: (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check),
      contacts: count(`select count(*) as n from contacts where external_id like 'cust-%'`),
      events: count(`select count(*) as n from events where name = 'appointment.created'`),
      appointments: count('select count(*) as n from appointments'),
      triggers: count(`select count(*) as n from timers where kind = 'trigger'`),
      flows: count(`select count(*) as n from flows where status = 'active'`),
    };
  } finally {
    db.close();
  }
}

describe('nudge backup and restore (SQLite)', () => {
  let dir: string;
  let nudge: NudgeProcess | null = null;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nudge-backup-'));
  });
  afterAll(async () => {
    await nudge?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('copies a live database consistently, and the documented restore brings that copy back', async () => {
    const data = join(dir, 'data');
    const env = { NUDGE_DATA_DIR: data };
    nudge = await startNudge('serve', env);
    const { url, apiKey } = { url: nudge.url!, apiKey: nudge.apiKey! };
    const flow = await fetch(`${url}/v1/flows/apply?activate=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/yaml' },
      body: await readFile(join(REPO, 'examples/flows/reminder-24h.yaml'), 'utf8'),
    });
    const applied = (await flow.json()) as { data: { flow: { id: string } } };
    expect(flow.status, JSON.stringify(applied)).toBeLessThan(300);
    const flowId = applied.data.flow.id;

    // Bookings keep arriving, in batches of 20, before, during and after the backup.
    let sent = 0;
    let ingesting = true;
    let failure: string | null = null;
    const ingest = (async () => {
      while (ingesting && failure === null) {
        const batch = Array.from({ length: 20 }, (_, i) => booking(sent + i));
        const res = await call(url, apiKey, 'POST', '/v1/events/batch', { events: batch });
        if (res.status !== 202) failure = `batch answered ${res.status}: ${JSON.stringify(res.body)}`;
        else sent += batch.length;
      }
    })();
    const sentAtLeast = async (n: number) => {
      while (sent < n && failure === null) await new Promise((r) => setTimeout(r, 20));
      expect(failure).toBeNull();
    };
    await sentAtLeast(200);
    const before = sent;
    const file = join(dir, 'nudge-backup.db');
    const backup = await nudgeCommand(['backup', file], env);
    const after = sent;
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toContain(`backed up ${join(data, 'nudge.db')} to ${file} (`);
    expect(backup.stdout).toContain(`encrypted with ${join(data, 'secret.key')}`);
    await sentAtLeast(after + 100);
    ingesting = false;
    await ingest;
    expect(failure).toBeNull();

    const copy = countsOf(file);
    expect(copy.integrity).toEqual(['ok']);
    expect(copy.flows).toBe(1);
    expect(copy.contacts).toBeGreaterThanOrEqual(before);
    expect(copy.contacts).toBeLessThanOrEqual(after);
    // One snapshot: each booking's contact, event, appointment and reminder are there together.
    expect(copy.events).toBe(copy.contacts);
    expect(copy.appointments).toBe(copy.contacts);
    expect(copy.triggers).toBe(copy.contacts);
    expect(sent).toBeGreaterThan(copy.contacts);

    // Restore: stop Nudge, put the copy in place, remove the old log files, start.
    expect(await nudge.stop()).toBe(0);
    nudge = null;
    await copyFile(file, join(data, 'nudge.db'));
    await rm(join(data, 'nudge.db-wal'), { force: true });
    await rm(join(data, 'nudge.db-shm'), { force: true });
    nudge = await startNudge('serve', env);
    const restored = nudge.url!;
    expect(nudge.apiKey).toBeNull(); // the workspace came back with the copy: nothing created anew

    const flows = await call(restored, apiKey, 'GET', '/v1/flows');
    expect(flows.body.data.map((f: { id: string; status: string }) => [f.id, f.status])).toEqual([[flowId, 'active']]);
    const lastKept = copy.contacts - 1;
    expect((await call(restored, apiKey, 'GET', `/v1/contacts/cust-${lastKept}`)).status).toBe(200);
    expect((await call(restored, apiKey, 'GET', `/v1/contacts/cust-${copy.contacts}`)).status).toBe(404);
    const schedule = await call(restored, apiKey, 'GET', `/v1/appointments/apt-${lastKept}/schedule`);
    expect(schedule.status, JSON.stringify(schedule.body)).toBe(200);
    expect(schedule.body.data).toHaveLength(1);
    expect(schedule.body.data[0]).toMatchObject({ kind: 'trigger', status: 'pending', flow_id: flowId });
    // The restored Nudge takes bookings again.
    const again = await call(restored, apiKey, 'POST', '/v1/events', booking(copy.contacts));
    expect(again.status, JSON.stringify(again.body)).toBe(202);
  }, 180_000);

  it('refuses to replace a file without --force, and replaces it with', async () => {
    const env = { NUDGE_DATA_DIR: join(dir, 'data') };
    const file = join(dir, 'nudge-backup.db');
    const { mtimeMs } = await stat(file);
    const refused = await nudgeCommand(['backup', file], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`error: ${file} exists; pass --force to replace it\n`);
    expect((await stat(file)).mtimeMs).toBe(mtimeMs);
    const forced = await nudgeCommand(['backup', '--force', file], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(countsOf(file).integrity).toEqual(['ok']);
    expect((await stat(file)).mtimeMs).toBeGreaterThan(mtimeMs);
  }, 60_000);

  it('says what is wrong: no database, the live file itself, a missing folder, PostgreSQL', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    const none = await nudgeCommand(['backup', join(dir, 'x.db')], { NUDGE_DATA_DIR: empty });
    expect(none.stderr).toBe(`error: no SQLite database at ${join(empty, 'nudge.db')} (check NUDGE_DATA_DIR or DATABASE_URL)\n`);
    const data = join(dir, 'data');
    const self = await nudgeCommand(['backup', join(data, 'nudge.db-wal')], { NUDGE_DATA_DIR: data });
    expect(self.stderr).toMatch(/is the live database \(or one of its files\)/);
    const folder = await nudgeCommand(['backup', join(dir, 'no', 'such', 'x.db')], { NUDGE_DATA_DIR: data });
    expect(folder.stderr).toBe(`error: folder ${join(dir, 'no', 'such')} does not exist\n`);
    const pg = await nudgeCommand(['backup', join(dir, 'pg.db')], { DATABASE_URL: 'postgres://127.0.0.1:5432/test' });
    expect(pg.code).toBe(1);
    expect(pg.stderr).toMatch(/this one is PostgreSQL: use pg_dump/);
    for (const r of [none, self, folder]) expect(r.code).toBe(1);
    expect(existsSync(join(dir, 'x.db'))).toBe(false);
    expect(existsSync(join(dir, 'pg.db'))).toBe(false);
  }, 60_000);
});
