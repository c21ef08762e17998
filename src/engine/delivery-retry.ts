/**
 * Retrying a failed delivery by hand (`POST /v1/deliveries/{id}/retry`).
 *
 * A delivery that failed for good ended its session as `failed` at that step. A retry re-arms that
 * session where it stopped: `waiting` at the same step, attempt 1, its timer due now, in one
 * transaction guarded by the session's `seq`. The scheduler then runs the step like any other:
 * the template is rendered again against the records as they are now, and the send goes through the
 * same channel code, rate limits, outbound address guard, redaction and retry policy (a full set of
 * attempts) as the first time. It keeps the step's idempotency key, so a receiver that did process
 * the failed attempt can recognise the repeat. If the step succeeds, the session goes on to its next
 * steps as if it had never failed.
 *
 * Refused (409 `not_retryable`) when the delivery did not fail, when its session is no longer
 * failed at that step (already retried, or a newer attempt decided it), when its flow is archived,
 * and when the flow allows one open session per key and another one is open now. A paused flow's
 * session is re-armed held: it sends when the flow resumes.
 */
import { ConflictError } from '../core/errors.js';
import { canRetry, type SessionState } from '../core/session-state.js';
import { getDelivery } from '../store/repositories/deliveries.js';
import { appendSessionLogs, OPEN_SESSION_STATUSES, updateSessionIfAt } from '../store/repositories/sessions.js';
import { putSessionTimer } from '../store/repositories/timers.js';
import { plainWork } from '../store/unit-of-work.js';
import type { Workspace } from '../store/schema.js';
import type { EngineContext } from './engine-context.js';

export interface RetryStarted {
  delivery_id: string;
  session_id: string;
}

export async function retryDelivery(ctx: EngineContext, workspace: Workspace, deliveryId: string): Promise<RetryStarted> {
  const db = ctx.store.db;
  const delivery = await getDelivery(db, workspace.id, deliveryId);
  if (delivery.status !== 'failed') {
    throw new ConflictError('not_retryable', `delivery ${delivery.id} did not fail (${delivery.status}); only failed deliveries can be retried`);
  }
  const now = ctx.clock.now();
  const held = await ctx.store.transaction(async (trx) => {
    const session = await trx.selectFrom('sessions').selectAll().where('id', '=', delivery.session_id).executeTakeFirst();
    if (!session || !canRetry(session.status as SessionState) || session.step_id !== delivery.step_id) {
      const where = session ? `is ${session.status}${session.step_id ? ` at step ${session.step_id}` : ''}` : 'no longer exists';
      throw new ConflictError('not_retryable', `delivery ${delivery.id} cannot be retried: its session ${where}`);
    }
    const flow = await trx.selectFrom('flows').select(['status']).where('id', '=', session.flow_id).executeTakeFirst();
    if (!flow || flow.status === 'archived') {
      throw new ConflictError('not_retryable', `delivery ${delivery.id} cannot be retried: its flow is archived`);
    }
    const { compiled } = await ctx.flows.get(trx, session.flow_id, session.flow_version);
    if (compiled.reentry === 'once_while_active') {
      const open = await trx
        .selectFrom('sessions')
        .select('id')
        .where('flow_id', '=', session.flow_id)
        .where('key', '=', session.key)
        .where('status', 'in', [...OPEN_SESSION_STATUSES])
        .executeTakeFirst();
      if (open) {
        throw new ConflictError('not_retryable', `delivery ${delivery.id} cannot be retried: session ${open.id} is open for the same key and the flow allows one at a time`);
      }
    }
    const seq = session.seq + 1;
    const rearmed = await updateSessionIfAt(trx, session.id, session.seq, {
      status: 'waiting',
      attempt: 1,
      seq,
      wake_at: now,
      ended_at: null,
      end_reason: null,
      updated_at: now,
    });
    if (!rearmed) throw new ConflictError('not_retryable', `delivery ${delivery.id} cannot be retried: its session changed meanwhile; try again`);
    const paused = flow.status === 'paused';
    await putSessionTimer(
      trx,
      {
        sessionId: session.id,
        workspaceId: session.workspace_id,
        flowId: session.flow_id,
        appointmentId: session.appointment_id,
        stepId: delivery.step_id,
        seq,
        dueAt: now,
        held: paused,
      },
      now,
    );
    await appendSessionLogs(plainWork(trx), [
      {
        workspace_id: session.workspace_id,
        session_id: session.id,
        at: now,
        type: 'retry',
        step_id: delivery.step_id,
        message: `retry of delivery ${delivery.id} requested${paused ? '; the flow is paused, so it sends when the flow resumes' : ''}`,
        data: { delivery_id: delivery.id },
      },
    ]);
    return paused;
  });
  if (!held) ctx.wake(now);
  return { delivery_id: delivery.id, session_id: delivery.session_id };
}
