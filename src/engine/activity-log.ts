/**
 * The activity log: one info line per thing the engine did that an operator asks about (an event
 * accepted, a session started or ended, a delivery sent, retrying, failed or skipped). The engine
 * calls it at the moments metrics.ts counts, once per moment, so the log is the one place that
 * decides what a line says.
 *
 * Lines carry ids, names, statuses, attempts and times only: never request or response bodies,
 * rendered messages, error texts (an SMTP or HTTP error may quote the recipient), contact fields
 * or secrets. What was sent to whom stays in the API (`/v1/deliveries`, `/v1/sessions/{id}`).
 */
import type { Logger } from 'pino';
import type { DeliveryRow, SessionRow } from '../store/schema.js';
import type { IngestResult } from './ingest.js';

type SessionIds = Pick<SessionRow, 'id' | 'workspace_id' | 'flow_id' | 'flow_version'>;

type IngestOutcome = Pick<IngestResult, 'event_id' | 'duplicate' | 'applied' | 'sessions_started' | 'sessions_canceled'>;

export interface ActivityLog {
  /** Events of one request, after their commit; `names[i]` is the name of `results[i]`'s event. */
  eventsAccepted(workspaceId: string, names: readonly string[], results: readonly IngestOutcome[]): void;
  /** A session a fired trigger started (timer due at `dueAt`). */
  sessionStarted(session: SessionIds, dueAt: number, now: number): void;
  /** A step ran; logs its delivery, if it made one. `dueAt` is when the run's timer was due; a retry's next attempt is the outcome's `dueAt`. */
  stepRan(session: SessionIds, outcome: { type: string; delivery?: DeliveryRow; dueAt?: number }, dueAt: number, now: number): void;
  /** A session ended by its run (completed, failed) after the commit. */
  sessionEnded(session: SessionIds & Pick<SessionRow, 'status' | 'step_id'>): void;
  /** Sessions ended from outside their run (canceled by an event, stopped by a request), after the commit. */
  sessionsEndedBy(workspaceId: string, sessionIds: readonly string[], status: string, cause: { event: string } | { request: 'stop' | 'erase' }): void;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function createActivityLog(logger: Logger): ActivityLog {
  const log = logger.child({ activity: true });
  const activity: ActivityLog = {
    eventsAccepted(workspaceId, names, results) {
      results.forEach((r, i) => {
        log.info(
          {
            workspace: workspaceId,
            event: r.event_id,
            name: names[i],
            duplicate: r.duplicate,
            ...(r.applied ? {} : { applied: false }),
            sessions_started: r.sessions_started.length,
            sessions_canceled: r.sessions_canceled.length,
          },
          r.duplicate ? 'event accepted (duplicate, nothing done again)' : 'event accepted',
        );
        for (const session of r.sessions_started) log.info({ workspace: workspaceId, session, event: r.event_id }, 'session started');
        activity.sessionsEndedBy(workspaceId, r.sessions_canceled, 'canceled', { event: r.event_id });
      });
    },
    sessionsEndedBy(workspaceId, sessionIds, status, cause) {
      for (const session of sessionIds) log.info({ workspace: workspaceId, session, status, ...cause }, 'session ended');
    },
    sessionStarted(session, dueAt, now) {
      log.info({ ...sessionFields(session), due_at: iso(dueAt), late_ms: Math.max(0, now - dueAt) }, 'session started');
    },
    stepRan(session, outcome, dueAt, now) {
      const d = outcome.delivery;
      if (!d) return;
      const fields = {
        ...sessionFields(session),
        delivery: d.id,
        step: d.step_id,
        channel: d.channel,
        status: d.status,
        attempt: d.attempt,
        due_at: iso(dueAt),
        late_ms: Math.max(0, now - dueAt),
        duration_ms: d.duration_ms,
        ...(d.status === 'retrying' && outcome.dueAt !== undefined ? { next_attempt_at: iso(outcome.dueAt) } : {}),
      };
      if (d.status === 'failed') log.warn(fields, 'delivery failed');
      else log.info(fields, DELIVERY_MESSAGES[d.status] ?? `delivery ${d.status}`);
    },
    sessionEnded(session) {
      log.info({ ...sessionFields(session), status: session.status, step: session.step_id }, 'session ended');
    },
  };
  return activity;
}

const DELIVERY_MESSAGES: Record<string, string> = {
  succeeded: 'delivery sent',
  retrying: 'delivery failed; retrying',
  skipped: 'delivery skipped (no recipient)',
};

function sessionFields(s: SessionIds) {
  return { workspace: s.workspace_id, session: s.id, flow: s.flow_id, flow_version: s.flow_version };
}
