/** The audit log: who changed flows, keys, secrets, users and settings, and when. Append only. */
import type { Kysely } from 'kysely';
import type { AuditAction } from '../../core/audit-actions.js';
import type { AuditLogRow, Database } from '../schema.js';
import { newId } from './ids.js';
import { encodeJson } from './json.js';

export interface AuditEntry {
  workspaceId: string;
  /** `ip`: the client's address when a request made the change (kept in `details.client_ip`). */
  actor: { kind: 'user' | 'api_key' | 'system'; id: string | null; label: string; ip?: string | undefined };
  action: AuditAction;
  target: { kind: string; id: string } | null;
  details?: Record<string, unknown> | null;
}

export async function appendAudit(db: Kysely<Database>, entry: AuditEntry, now: number): Promise<void> {
  const ip = entry.actor.ip && entry.actor.ip !== 'unknown' ? { client_ip: entry.actor.ip } : null;
  const details = entry.details || ip ? { ...entry.details, ...ip } : null;
  await db
    .insertInto('audit_log')
    .values({
      id: newId('au'),
      workspace_id: entry.workspaceId,
      at: now,
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id,
      actor_label: entry.actor.label,
      action: entry.action,
      target_kind: entry.target?.kind ?? null,
      target_id: entry.target?.id ?? null,
      details_json: details ? encodeJson(details) : null,
    })
    .execute();
}

export interface AuditQuery {
  limit: number;
  /** The last id of the previous page: entries older than it. */
  cursor?: string | undefined;
  action?: string | undefined;
  actorId?: string | undefined;
}

/** Newest first. */
export async function listAudit(db: Kysely<Database>, workspaceId: string, query: AuditQuery): Promise<AuditLogRow[]> {
  let q = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId);
  if (query.cursor) q = q.where('id', '<', query.cursor);
  if (query.action) q = q.where('action', '=', query.action);
  if (query.actorId) q = q.where('actor_id', '=', query.actorId);
  return q.orderBy('id', 'desc').limit(query.limit).execute();
}
