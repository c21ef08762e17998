/**
 * A contact's data rights: export (everything the API shows about the person, in one JSON
 * document) and erasure (sessions stopped, personal data overwritten everywhere, rows kept so
 * counts stay; irreversible and idempotent). See docs/operations.md, "Data rights and retention".
 */
import { OPEN_SESSION_STATUSES } from '../core/reentry.js';
import { appointmentView } from '../store/repositories/appointments.js';
import { contactView } from '../store/repositories/contacts.js';
import { deliveryView, outboxView } from '../store/repositories/deliveries.js';
import { eraseContactData, findErasure, type ErasureCounts } from '../store/repositories/erasure.js';
import { eventView } from '../store/repositories/events.js';
import { getContact } from '../store/repositories/record-refs.js';
import { sessionLogView, sessionView } from '../store/repositories/sessions.js';
import { deleteTriggerTimersForAppointment } from '../store/repositories/timers.js';
import { plainWork } from '../store/unit-of-work.js';
import type { Workspace } from '../store/schema.js';
import type { EngineContext } from './engine-context.js';

const iso = (ms: number) => new Date(ms).toISOString();

export interface ErasureAnswer {
  contact_id: string;
  /** False when the contact had been erased before: nothing was done this time. */
  erased_now: boolean;
  erased_at: string;
  sessions_stopped: number;
  /** Rows overwritten per table by the erasure. */
  counts: ErasureCounts;
}

/**
 * Erases the contact named by `ref` (Nudge's id or its external id): stops its open sessions the
 * way `POST /v1/sessions/{id}/stop` does, deletes its appointments' pending reminders (trigger
 * timers), then overwrites its personal data, in one transaction.
 * A contact erased before answers what was done then, and changes nothing.
 */
export async function eraseContact(ctx: EngineContext, workspace: Workspace, ref: string): Promise<ErasureAnswer> {
  const contact = await getContact(ctx.store.db, workspace.id, ref);
  const now = ctx.clock.now();
  const result = await ctx.store.transaction(async (trx) => {
    const before = await findErasure(trx, workspace.id, contact.id);
    if (before) return { before, stopped: [] as string[], counts: before.counts };
    const open = await trx
      .selectFrom('sessions')
      .select('id')
      .where('workspace_id', '=', workspace.id)
      .where('contact_id', '=', contact.id)
      .where('status', 'in', [...OPEN_SESSION_STATUSES])
      .execute();
    const stopped: string[] = [];
    for (const s of open) stopped.push(...(await ctx.writer.cancelMany(plainWork(trx), { session_id: s.id }, 'stopped', 'stopped: the contact was erased', now)));
    // Reminders of its appointments that have not started a session yet would start one later.
    const appointments = await trx.selectFrom('appointments').select('id').where('workspace_id', '=', workspace.id).where('contact_id', '=', contact.id).execute();
    for (const a of appointments) await deleteTriggerTimersForAppointment(plainWork(trx), a.id);
    const fresh = await getContact(trx, workspace.id, contact.id);
    const counts = await eraseContactData(trx, fresh, now);
    return { before: null, stopped, counts };
  });
  if (result.stopped.length > 0) ctx.activity.sessionsEndedBy(workspace.id, result.stopped, 'stopped', { request: 'erase' });
  return {
    contact_id: contact.id,
    erased_now: result.before === null,
    erased_at: iso(result.before?.erased_at ?? now),
    sessions_stopped: result.stopped.length,
    counts: result.counts,
  };
}

/**
 * Everything the API shows about one contact, as one document: the contact, its events, its
 * appointments each with the events that changed it (its revisions), its sessions each with
 * timeline and deliveries (as `GET /v1/sessions/{id}` shows them, secrets redacted as there), and
 * the emails sent to it. Read without a transaction (on SQLite one would take the write lock);
 * a change landing while it reads may show in one part and not another.
 */
export async function exportContact(ctx: EngineContext, workspace: Workspace, ref: string): Promise<Record<string, unknown>> {
  const db = ctx.store.db;
  const contact = await getContact(db, workspace.id, ref);
  const ws = workspace.id;
  const [erasure, events, appointments, sessions] = await Promise.all([
    findErasure(db, ws, contact.id),
    db.selectFrom('events').selectAll().where('workspace_id', '=', ws).where('contact_id', '=', contact.id).orderBy('id').execute(),
    db.selectFrom('appointments').selectAll().where('workspace_id', '=', ws).where('contact_id', '=', contact.id).orderBy('id').execute(),
    db.selectFrom('sessions').selectAll().where('workspace_id', '=', ws).where('contact_id', '=', contact.id).orderBy('id').execute(),
  ]);
  const sessionIds = sessions.map((s) => s.id);
  const [logs, deliveries, outbox] =
    sessionIds.length === 0
      ? [[], [], []]
      : await Promise.all([
          db.selectFrom('session_logs').selectAll().where('session_id', 'in', sessionIds).orderBy('id').execute(),
          db.selectFrom('deliveries').selectAll().where('session_id', 'in', sessionIds).orderBy('id').execute(),
          db.selectFrom('outbox').selectAll().where('workspace_id', '=', ws).where('session_id', 'in', sessionIds).orderBy('id').execute(),
        ]);
  const bySession = <T extends { session_id: string | null }>(rows: T[], id: string) => rows.filter((r) => r.session_id === id);
  return {
    contact_id: contact.id,
    exported_at: iso(ctx.clock.now()),
    erasure: erasure && { erased_at: iso(erasure.erased_at), counts: erasure.counts },
    contact: contactView(contact),
    events: events.map(eventView),
    appointments: appointments.map((a) => ({
      ...appointmentView(a),
      revisions: events.filter((e) => e.appointment_id === a.id).map((e) => ({ event_id: e.id, name: e.name, occurred_at: eventView(e).occurred_at })),
    })),
    sessions: sessions.map((s) => ({
      ...sessionView(s),
      timeline: bySession(logs, s.id).map(sessionLogView),
      deliveries: bySession(deliveries, s.id).map(deliveryView),
    })),
    outbox: outbox.map(outboxView),
  };
}
