import type { Kysely } from 'kysely';
import { formatStoredTime } from '../../core/input-ranges.js';
import { NotFoundError } from '../../core/errors.js';
import type { ReentryPolicy } from '../../core/flow-definition.js';
import type { SessionState } from '../../core/session-state.js';
import { blockingMarks, OPEN_SESSION_STATUSES, reentryMark, reentryRefused, type ReentryCheck } from '../../core/reentry.js';
import type { Database, SessionLogRow, SessionRow } from '../schema.js';
import { newId } from './ids.js';
import { inList } from './in-list.js';
import type { Work } from '../unit-of-work.js';
import { insertChunked, insertChunkedUnlessPresent } from './write-behind.js';
import { decodeJson, encodeJson } from './json.js';
import type { ListOptions } from './contacts.js';

export async function insertSession(db: Kysely<Database>, row: SessionRow): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

export async function getSessionById(db: Kysely<Database>, id: string): Promise<SessionRow | undefined> {
  return db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function getSession(db: Kysely<Database>, workspaceId: string, id: string): Promise<SessionRow> {
  const row = await db
    .selectFrom('sessions')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('session', id);
  return row;
}

/**
 * Applies `patch` only if the session is still at sequence `expectSeq`; returns whether it did.
 * This is the guard that makes a stale worker (lease lost, session stopped meanwhile) harmless.
 */
export async function updateSessionIfAt(
  db: Kysely<Database>,
  id: string,
  expectSeq: number,
  patch: Partial<SessionRow>,
): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set(patch)
    .where('id', '=', id)
    .where('seq', '=', expectSeq)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Whether the re-entry policy forbids a new session for this flow, key and contact. */
export async function reentryBlocked(
  work: Work,
  flowId: string,
  policy: ReentryPolicy,
  key: string,
  contactId: string | null,
): Promise<boolean> {
  return (await reentryBlockedMany(work, [{ flowId, policy, key, contactId }]))[0]!;
}

export type { ReentryCheck };
export { blockingMarks, OPEN_SESSION_STATUSES, reentryMark };

/**
 * `reentryBlocked` for many would-be sessions at once, in one statement per policy present; the
 * policy itself is core/reentry.ts `reentryRefused` (checks taken in order).
 */
export async function reentryBlockedMany(work: Work, checks: readonly ReentryCheck[]): Promise<boolean[]> {
  const { db } = work;
  const taken = new Set<string>();
  // Sessions this unit of work started and has not written yet (write-behind) block like written ones.
  for (const s of work.pending?.rows('sessions') ?? []) for (const m of blockingMarks(s)) taken.add(m);
  for (const policy of ['once_per_key', 'once_per_contact', 'once_while_active'] as const) {
    const these = checks.filter((c) => c.policy === policy && c.fresh !== true && reentryMark(c.flowId, policy, c.key, c.contactId) !== null);
    if (these.length === 0) continue;
    const flowIds = these.map((c) => c.flowId);
    if (policy === 'once_per_contact') {
      const rows = await db
        .selectFrom('sessions')
        .select(['flow_id', 'contact_id'])
        .where(inList(db, 'flow_id', flowIds))
        .where(inList(db, 'contact_id', these.map((c) => c.contactId)))
        .execute();
      for (const r of rows) taken.add(reentryMark(r.flow_id, policy, '', r.contact_id)!);
    } else {
      let q = db.selectFrom('sessions').select(['flow_id', 'key']).where(inList(db, 'flow_id', flowIds)).where(inList(db, 'key', these.map((c) => c.key)));
      if (policy === 'once_while_active') q = q.where('status', 'in', [...OPEN_SESSION_STATUSES]);
      for (const r of await q.execute()) taken.add(reentryMark(r.flow_id, policy, r.key, null)!);
    }
  }
  return reentryRefused(checks, taken);
}

export interface SessionFilters extends ListOptions {
  flow_id?: string | undefined;
  contact_id?: string | undefined;
  appointment_id?: string | undefined;
  status?: SessionState | undefined;
  step_id?: string | undefined;
}

export async function listSessions(
  db: Kysely<Database>,
  workspaceId: string,
  filters: SessionFilters,
): Promise<SessionRow[]> {
  let q = db.selectFrom('sessions').selectAll().where('workspace_id', '=', workspaceId);
  if (filters.flow_id) q = q.where('flow_id', '=', filters.flow_id);
  if (filters.contact_id) q = q.where('contact_id', '=', filters.contact_id);
  if (filters.appointment_id) q = q.where('appointment_id', '=', filters.appointment_id);
  if (filters.status) q = q.where('status', '=', filters.status);
  if (filters.step_id) q = q.where('step_id', '=', filters.step_id);
  if (filters.cursor) q = q.where('id', '<', filters.cursor);
  return q.orderBy('id', 'desc').limit(filters.limit).execute();
}

/** Open sessions of a flow, counted per step: who is where. */
export async function countSessionsByStep(
  db: Kysely<Database>,
  flowId: string,
): Promise<Array<{ step_id: string | null; status: string; count: number }>> {
  const rows = await db
    .selectFrom('sessions')
    .select(['step_id', 'status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('flow_id', '=', flowId)
    .groupBy(['step_id', 'status'])
    .execute();
  return rows.map((r) => ({ step_id: r.step_id, status: r.status, count: Number(r.count) }));
}

/**
 * Sessions by status for each of `flowIds`, in one grouped statement: each flow's range of the
 * (flow_id, status, id) index is read without touching the table. Flows without sessions are absent.
 */
export async function countSessionsByFlow(db: Kysely<Database>, flowIds: readonly string[]): Promise<Map<string, Record<string, number>>> {
  const counts = new Map<string, Record<string, number>>();
  if (flowIds.length === 0) return counts;
  const rows = await db
    .selectFrom('sessions')
    .select(['flow_id', 'status', (eb) => eb.fn.countAll<number>().as('count')])
    .where(inList(db, 'flow_id', flowIds))
    .groupBy(['flow_id', 'status'])
    .execute();
  for (const r of rows) counts.set(r.flow_id, { ...counts.get(r.flow_id), [r.status]: Number(r.count) });
  return counts;
}

export async function countSessionsByStatus(db: Kysely<Database>): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('sessions')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.count)]));
}

export interface LogEntry {
  workspace_id: string;
  session_id: string;
  at: number;
  type: string;
  step_id?: string | null;
  message: string;
  data?: unknown;
}

/** Inserts sessions whose id may have been written by another worker already; returns the ids this call inserted. */
export async function insertSessionsUnlessPresent(db: Kysely<Database>, rows: readonly SessionRow[]): Promise<Set<string>> {
  return insertChunkedUnlessPresent(db, 'sessions', rows, 32);
}

/** Appends entries to sessions' timelines (at commit, when the unit of work queues). */
export async function appendSessionLogs(work: Work, entries: LogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const rows = entries.map((e) => ({
    id: newId('sl'),
    workspace_id: e.workspace_id,
    session_id: e.session_id,
    at: e.at,
    type: e.type,
    step_id: e.step_id ?? null,
    message: e.message,
    data_json: e.data === undefined ? null : encodeJson(e.data),
  }));
  if (work.pending) work.pending.queueInsert('session_logs', rows);
  else await insertChunked(work.db, 'session_logs', rows);
}

/**
 * Shows a session's new wake time after its timer moved (display only: the timer is what wakes
 * it), if its status is one of `states`. A session written by this transaction is still queued;
 * its queued row is changed instead.
 */
export async function setSessionWakeAt(work: Work, sessionId: string, wakeAt: number, now: number, states: readonly SessionState[]): Promise<void> {
  const pending = work.pending?.row('sessions', sessionId);
  if (pending) {
    if (states.includes(pending.status)) work.pending!.queueNew('sessions', { ...pending, wake_at: wakeAt, updated_at: now });
    return;
  }
  if (states.length === 0) return;
  await work.db.updateTable('sessions').set({ wake_at: wakeAt, updated_at: now }).where('id', '=', sessionId).where('status', 'in', [...states]).execute();
}

export async function listSessionLogs(db: Kysely<Database>, sessionId: string): Promise<SessionLogRow[]> {
  return db.selectFrom('session_logs').selectAll().where('session_id', '=', sessionId).orderBy('id').execute();
}

export interface SessionView {
  id: string;
  flow_id: string;
  flow_version: number;
  contact_id: string | null;
  appointment_id: string | null;
  event_id: string | null;
  key: string;
  status: string;
  step_id: string | null;
  attempt: number;
  wake_at: string | null;
  created_at: string;
  updated_at: string;
  ended_at: string | null;
  end_reason: string | null;
}

const iso = formatStoredTime;

export function sessionView(row: SessionRow): SessionView {
  return {
    id: row.id,
    flow_id: row.flow_id,
    flow_version: row.flow_version,
    contact_id: row.contact_id,
    appointment_id: row.appointment_id,
    event_id: row.event_id,
    key: row.key,
    status: row.status,
    step_id: row.step_id,
    attempt: row.attempt,
    wake_at: iso(row.wake_at),
    created_at: iso(row.created_at) as string,
    updated_at: iso(row.updated_at) as string,
    ended_at: iso(row.ended_at),
    end_reason: row.end_reason,
  };
}

export function sessionLogView(row: SessionLogRow): Record<string, unknown> {
  return {
    at: new Date(row.at).toISOString(),
    type: row.type,
    step_id: row.step_id,
    message: row.message,
    data: decodeJson(row.data_json, null),
  };
}
