/**
 * An appointment's, contact's or flow's schedule as the API shows it: the entries of
 * store/repositories/schedule.ts, with the step a pending trigger will start at (its flow's first
 * step in the version that runs now: a trigger starts its session on the flow's current version).
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
  const db = ctx.store.db;
  const entries = await listSchedule(db, workspace.id, scope, page);
  const firstSteps = new Map<string, string | null>();
  for (const e of entries) {
    if (e.kind !== 'trigger' || e.status === 'skipped' || firstSteps.has(e.flow_id)) continue;
    const flow = await getFlowById(db, e.flow_id);
    firstSteps.set(e.flow_id, flow ? (await ctx.flows.get(db, flow.id, flow.version)).compiled.first : null);
  }
  return entries.map((e) => (e.kind === 'trigger' && e.status !== 'skipped' ? { ...e, step_id: firstSteps.get(e.flow_id) ?? null } : e));
}
