/**
 * An appointment's, contact's or flow's schedule as the API shows it (and Home's upcoming list):
 * the entries of store/repositories/schedule.ts, with the step a pending trigger will start at (its
 * flow's first step in the version that runs now: a trigger starts its session on the flow's
 * current version).
 */
import type { Workspace } from '../store/schema.js';
import { getFlowById } from '../store/repositories/flows.js';
import { listSchedule, type ScheduleAfter, type ScheduleEntry, type ScheduleScope } from '../store/repositories/schedule.js';
import type { EngineContext } from './engine-context.js';

export async function readSchedule(
  ctx: EngineContext,
  workspace: Workspace,
  scope: ScheduleScope,
  page: { limit: number; after: ScheduleAfter | null },
): Promise<ScheduleEntry[]> {
  return withTriggerSteps(ctx, await listSchedule(ctx.store.db, workspace.id, scope, page));
}

/**
 * Entries with each pending trigger's step filled in: its flow's first step in the version that
 * runs now (null when the flow is gone). Skipped triggers keep the step they name.
 */
export async function withTriggerSteps<T extends { kind: 'trigger' | 'step'; status?: string; flow_id: string; step_id: string | null }>(
  ctx: EngineContext,
  entries: T[],
): Promise<T[]> {
  const db = ctx.store.db;
  const pending = (e: T) => e.kind === 'trigger' && e.status !== 'skipped';
  const firstSteps = new Map<string, string | null>();
  for (const e of entries) {
    if (!pending(e) || firstSteps.has(e.flow_id)) continue;
    const flow = await getFlowById(db, e.flow_id);
    firstSteps.set(e.flow_id, flow ? (await ctx.flows.get(db, flow.id, flow.version)).compiled.first : null);
  }
  return entries.map((e) => (pending(e) ? { ...e, step_id: firstSteps.get(e.flow_id) ?? null } : e));
}
