/**
 * Reminders and sends that did not happen because their time had passed. The id is derived from
 * what was skipped and when it was due, so recording the same skip twice (a run repeated after a
 * crash, the same booking replayed) leaves one row.
 */
import type { Kysely } from 'kysely';
import type { Database, SkipRow } from '../schema.js';
import { derivedId } from './ids.js';

/**
 * `past_due`: its time had passed when the booking was made or moved (`if_past: skip`);
 * `too_late`: a send more than `max_lateness` late; `session_key_failed`: the flow's `session.key`
 * template failed, so it started no session.
 */
export type SkipReason = 'past_due' | 'too_late' | 'session_key_failed';

export interface SkipSpec {
  workspaceId: string;
  flowId: string;
  appointmentId: string | null;
  contactId: string | null;
  sessionId: string | null;
  stepId: string | null;
  dueAt: number;
  reason: SkipReason;
  message: string;
}

export async function recordSkip(db: Kysely<Database>, spec: SkipSpec, now: number): Promise<void> {
  const seed = [spec.flowId, spec.appointmentId ?? '', spec.sessionId ?? '', spec.stepId ?? '', spec.dueAt, spec.reason].join('\0');
  const row: SkipRow = {
    id: derivedId('sk', spec.dueAt, seed),
    workspace_id: spec.workspaceId,
    flow_id: spec.flowId,
    appointment_id: spec.appointmentId,
    contact_id: spec.contactId,
    session_id: spec.sessionId,
    step_id: spec.stepId,
    due_at: spec.dueAt,
    reason: spec.reason,
    message: spec.message,
    created_at: now,
  };
  await db.insertInto('skips').values(row).onConflict((oc) => oc.column('id').doNothing()).execute();
}

/** A flow's recorded skips, counted by reason. */
export async function countSkipsByReason(db: Kysely<Database>, flowId: string): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('skips')
    .select(['reason', (eb) => eb.fn.countAll<number>().as('n')])
    .where('flow_id', '=', flowId)
    .groupBy('reason')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.reason, Number(r.n)]));
}
