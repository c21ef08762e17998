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
 * session is re-armed held: it sends when the flow resumes. Which sessions may be re-armed, and the
 * write itself, belong to the session writer (`rearm`); this module checks the delivery and its flow.
 */
import type { Kysely } from 'kysely';
import { ConflictError } from '../core/errors.js';
import { getDelivery } from '../store/repositories/deliveries.js';
import { OPEN_SESSION_STATUSES, type LogEntry } from '../store/repositories/sessions.js';
import type { Database, DeliveryRow, SessionRow, Workspace } from '../store/schema.js';
import { plainWork } from '../store/unit-of-work.js';
import type { EngineContext } from './engine-context.js';

export interface RetryStarted {
  delivery_id: string;
  session_id: string;
}

export async function retryDelivery(ctx: EngineContext, workspace: Workspace, deliveryId: string): Promise<RetryStarted> {
  const delivery = await getDelivery(ctx.store.db, workspace.id, deliveryId);
  if (delivery.status !== 'failed') {
    throw new ConflictError('not_retryable', `delivery ${delivery.id} did not fail (${delivery.status}); only failed deliveries can be retried`);
  }
  const now = ctx.clock.now();
  const held = await ctx.store.transaction(async (trx) => {
    const { session, paused } = await retryableSession(ctx, trx, delivery);
    const rearmed = await ctx.writer.rearm(plainWork(trx), { session, stepId: delivery.step_id, held: paused, log: retryLog(session, delivery, paused, now), now });
    if (!rearmed) throw notRetryable(delivery, 'its session changed meanwhile; try again');
    return paused;
  });
  if (!held) ctx.wake(now);
  return { delivery_id: delivery.id, session_id: delivery.session_id };
}

function notRetryable(delivery: DeliveryRow, why: string): ConflictError {
  return new ConflictError('not_retryable', `delivery ${delivery.id} cannot be retried: ${why}`);
}

/**
 * The failed delivery's session, if it may be re-armed now: still at the delivery's step in a state
 * the writer re-arms, its flow not archived, and no other session open for its key when the flow
 * allows one at a time. `paused`: its flow is paused.
 */
async function retryableSession(ctx: EngineContext, trx: Kysely<Database>, delivery: DeliveryRow): Promise<{ session: SessionRow; paused: boolean }> {
  const session = await trx.selectFrom('sessions').selectAll().where('id', '=', delivery.session_id).executeTakeFirst();
  if (!session || !ctx.writer.mayRearm(session) || session.step_id !== delivery.step_id) {
    const where = session ? `is ${session.status}${session.step_id ? ` at step ${session.step_id}` : ''}` : 'no longer exists';
    throw notRetryable(delivery, `its session ${where}`);
  }
  const flow = await trx.selectFrom('flows').select(['status']).where('id', '=', session.flow_id).executeTakeFirst();
  if (!flow || flow.status === 'archived') throw notRetryable(delivery, 'its flow is archived');
  const { compiled } = await ctx.flows.get(trx, session.flow_id, session.flow_version);
  if (compiled.reentry === 'once_while_active') {
    const open = await trx
      .selectFrom('sessions')
      .select('id')
      .where('flow_id', '=', session.flow_id)
      .where('key', '=', session.key)
      .where('status', 'in', [...OPEN_SESSION_STATUSES])
      .executeTakeFirst();
    if (open) throw notRetryable(delivery, `session ${open.id} is open for the same key and the flow allows one at a time`);
  }
  return { session, paused: flow.status === 'paused' };
}

function retryLog(session: SessionRow, delivery: DeliveryRow, paused: boolean, now: number): LogEntry {
  return {
    workspace_id: session.workspace_id,
    session_id: session.id,
    at: now,
    type: 'retry',
    step_id: delivery.step_id,
    message: `retry of delivery ${delivery.id} requested${paused ? '; the flow is paused, so it sends when the flow resumes' : ''}`,
    data: { delivery_id: delivery.id },
  };
}
