/**
 * The statements of the retention cleanup (engine/retention-cleaner.ts): which workspaces have a
 * retention setting, and one batch of expired rows of one table deleted at a time.
 *
 * A batch reads up to `limit` rows older than the cutoff in time order after a keyset, keeps those
 * an open session still needs, and deletes the rest by primary key. The keyset moves past kept rows
 * too, so rows held by a long-waiting session never stall the walk; they are looked at again on the
 * next run, once their session has ended.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { OPEN_SESSION_STATUSES } from './sessions.js';
import type { RetentionKind } from './workspaces.js';

export interface RetentionSettings {
  workspaceId: string;
  /** Days per kind; null: kept forever. */
  days: Record<RetentionKind, number | null>;
}

/** Workspaces with at least one retention setting. */
export async function listRetentionSettings(db: Kysely<Database>): Promise<RetentionSettings[]> {
  const rows = await db
    .selectFrom('workspaces')
    .select(['id', 'retention_events_days', 'retention_deliveries_days', 'retention_outbox_days'])
    .where((eb) => eb.or([eb('retention_events_days', 'is not', null), eb('retention_deliveries_days', 'is not', null), eb('retention_outbox_days', 'is not', null)]))
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    workspaceId: r.id,
    days: { events: r.retention_events_days, deliveries: r.retention_deliveries_days, outbox: r.retention_outbox_days },
  }));
}

/** Where a walk through one table's expired rows has got to: the last row looked at. */
export interface Keyset {
  at: number;
  id: string;
}

export interface BatchResult {
  /** Rows looked at (fewer than the limit: the walk is done). */
  scanned: number;
  deleted: number;
  /** Pass as `after` to the next batch. */
  last: Keyset | null;
}

const TIME_COLUMN = { events: 'received_at', deliveries: 'created_at', outbox: 'created_at' } as const;

interface Candidate {
  id: string;
  at: number;
  /** The session whose openness keeps the row (deliveries, outbox), or null. */
  session_id: string | null;
}

async function readCandidates(db: Kysely<Database>, kind: RetentionKind, workspaceId: string, cutoff: number, after: Keyset | null, limit: number): Promise<Candidate[]> {
  const time = TIME_COLUMN[kind];
  // The three tables share this shape (id, workspace_id, a time, a session); Kysely cannot type a
  // query over a table chosen at run time, so this one is written against `any`.
  const untyped = db as unknown as Kysely<any>;
  let q = untyped
    .selectFrom(kind)
    .select(['id', `${time} as at`, kind === 'events' ? sql<null>`null`.as('session_id') : 'session_id'])
    .where('workspace_id', '=', workspaceId)
    .where(time, '<', cutoff);
  if (after) q = q.where((eb) => eb.or([eb(time, '>', after.at), eb.and([eb(time, '=', after.at), eb('id', '>', after.id)])]));
  const rows: Array<{ id: string; at: number | string; session_id: string | null }> = await q.orderBy(time).orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, at: Number(r.at), session_id: r.session_id }));
}

/** Ids among `candidates` an open session still needs: its starting event, its deliveries, its emails. */
async function stillNeeded(db: Kysely<Database>, kind: RetentionKind, candidates: Candidate[]): Promise<Set<string>> {
  if (kind === 'events') {
    const rows = await db
      .selectFrom('sessions')
      .select('event_id')
      .where('event_id', 'in', candidates.map((c) => c.id))
      .where('status', 'in', [...OPEN_SESSION_STATUSES])
      .execute();
    return new Set(rows.map((r) => r.event_id!));
  }
  const sessionIds = [...new Set(candidates.flatMap((c) => (c.session_id ? [c.session_id] : [])))];
  if (sessionIds.length === 0) return new Set();
  const open = await db.selectFrom('sessions').select('id').where('id', 'in', sessionIds).where('status', 'in', [...OPEN_SESSION_STATUSES]).execute();
  const openIds = new Set(open.map((r) => r.id));
  return new Set(candidates.filter((c) => c.session_id !== null && openIds.has(c.session_id)).map((c) => c.id));
}

/**
 * Deletes one batch of `kind` rows of the workspace older than `cutoff` (epoch ms), after `after`,
 * sparing rows of open sessions. Run it in a transaction of its own: it reads, then deletes.
 */
export async function deleteExpiredBatch(
  db: Kysely<Database>,
  kind: RetentionKind,
  workspaceId: string,
  cutoff: number,
  after: Keyset | null,
  limit: number,
): Promise<BatchResult> {
  const candidates = await readCandidates(db, kind, workspaceId, cutoff, after, limit);
  if (candidates.length === 0) return { scanned: 0, deleted: 0, last: after };
  const keep = await stillNeeded(db, kind, candidates);
  const ids = candidates.filter((c) => !keep.has(c.id)).map((c) => c.id);
  let deleted = 0;
  if (ids.length > 0) {
    const result = await db.deleteFrom(kind).where('workspace_id', '=', workspaceId).where('id', 'in', ids).executeTakeFirst();
    deleted = Number(result.numDeletedRows);
  }
  const tail = candidates[candidates.length - 1]!;
  return { scanned: candidates.length, deleted, last: { at: tail.at, id: tail.id } };
}
