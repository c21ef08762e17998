/**
 * Flow lifecycle: create, edit (a new version; running sessions stay on theirs), activate
 * (within the plan's limit), pause (sessions hold where they are), resume, archive (sessions end).
 * Every change that affects sessions is logged on each of them.
 */
import { ConflictError, NudgeError, ValidationError } from '../core/errors.js';
import type { FlowDefinition } from '../core/flow-definition.js';
import type { CompiledFlow } from '../core/flow-compiler.js';
import { validateFlow } from '../core/flow-validation.js';
import { allowsAnotherFlow, describeLimit } from '../core/workspace-plan.js';
import type { FlowRow, Workspace } from '../store/schema.js';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import {
  addFlowVersion,
  countLiveFlows,
  findFlowByName,
  getFlow,
  getFlowVersion,
  insertFlow,
  setFlowStatus,
  type FlowStatus,
} from '../store/repositories/flows.js';
import { decodeJson } from '../store/repositories/json.js';
import { appendSessionLogs, OPEN_SESSION_STATUSES } from '../store/repositories/sessions.js';
import { deleteTriggerTimersForFlow, setFlowTimersHeld } from '../store/repositories/timers.js';
import { plainWork } from '../store/unit-of-work.js';
import { scheduleFlowTriggers } from './appointment-triggers.js';
import { referencedPlaceholders, referencedSecrets } from '../core/flow-references.js';
import { listSecrets } from './secrets.js';
import type { EngineContext } from './engine-context.js';

/** Validates a flow definition; throws a ValidationError (`invalid_flow`) listing every problem. */
export function checkFlow(ctx: EngineContext, input: unknown): { flow: FlowDefinition; compiled: CompiledFlow } {
  const result = validateFlow(input, { channels: ctx.registry.validators });
  if (!result.ok) throw new ValidationError('invalid_flow', result.errors);
  return { flow: result.flow, compiled: result.compiled };
}

/**
 * Creates a flow (a draft), and activates it in the same transaction when asked: a flow refused
 * by the plan limit is not left behind. Names are unique among a workspace's non-archived flows,
 * which is what lets `apply` find a flow by name.
 */
export async function createFlow(
  ctx: EngineContext,
  workspace: Workspace,
  input: unknown,
  options: { activate?: boolean } = {},
): Promise<FlowRow> {
  const { flow } = checkFlow(ctx, input);
  const now = ctx.clock.now();
  const { row, earliest } = await ctx.store.transaction((trx) => createFlowInTransaction(ctx, trx, workspace, flow, options, now));
  if (earliest !== null) ctx.wake(earliest);
  return row;
}

/** createFlow in the caller's transaction, for callers that write more with it (presets). Call `ctx.wake(earliest)` after commit. */
export async function createFlowInTransaction(
  ctx: EngineContext,
  trx: Kysely<Database>,
  workspace: Workspace,
  flow: FlowDefinition,
  options: { activate?: boolean },
  now: number,
): Promise<{ row: FlowRow; earliest: number | null }> {
  if (await findFlowByName(trx, workspace.id, flow.name)) {
    throw new ConflictError('flow_name_taken', `a flow named "${flow.name}" already exists; edit it or archive it first`, 'name');
  }
  const created = await insertFlow(trx, workspace.id, flow, now);
  if (!options.activate) return { row: created, earliest: null };
  return activateInTransaction(ctx, trx, workspace, created.id, now);
}

/** Stores a new version. On an active flow it takes effect for new sessions at once. */
export async function updateFlow(ctx: EngineContext, workspace: Workspace, flowId: string, input: unknown): Promise<FlowRow> {
  const checked = checkFlow(ctx, input);
  const now = ctx.clock.now();
  const { row, earliest } = await ctx.store.transaction(async (trx) =>
    addVersionInTransaction(trx, workspace, await getFlow(trx, workspace.id, flowId), checked, now),
  );
  if (earliest !== null) ctx.wake(earliest);
  return row;
}

async function addVersionInTransaction(
  trx: Kysely<Database>,
  workspace: Workspace,
  current: FlowRow,
  { flow: definition, compiled }: { flow: FlowDefinition; compiled: CompiledFlow },
  now: number,
): Promise<{ row: FlowRow; earliest: number | null }> {
  if (current.status === 'archived') {
    throw new ConflictError('flow_archived', `flow ${current.id} is archived; create a new flow instead`);
  }
  if (definition.name !== current.name) {
    const other = await findFlowByName(trx, workspace.id, definition.name);
    if (other && other.id !== current.id) {
      throw new ConflictError('flow_name_taken', `a flow named "${definition.name}" already exists`, 'name');
    }
  }
  const row = await addFlowVersion(trx, current, definition, now);
  let earliest: number | null = null;
  if (row.status === 'active') {
    // The trigger may have changed: pending trigger timers are recomputed from the new version.
    await deleteTriggerTimersForFlow(trx, row.id);
    ({ earliest } = await scheduleFlowTriggers(plainWork(trx), { workspace, active: { flow: row, version: row.version, compiled }, now, past: 'drop' }));
  }
  return { row, earliest };
}

export async function activateFlow(ctx: EngineContext, workspace: Workspace, flowId: string): Promise<FlowRow> {
  const now = ctx.clock.now();
  const { row, earliest } = await ctx.store.transaction((trx) => activateInTransaction(ctx, trx, workspace, flowId, now));
  if (earliest !== null) ctx.wake(earliest);
  return row;
}

/** Activates a draft (within the plan's limit) or resumes a paused flow, in the caller's transaction. */
async function activateInTransaction(
  ctx: EngineContext,
  trx: Kysely<Database>,
  workspace: Workspace,
  flowId: string,
  now: number,
): Promise<{ row: FlowRow; earliest: number | null }> {
  const flow = await getFlow(trx, workspace.id, flowId);
  if (flow.status === 'active') return { row: flow, earliest: null };
  if (flow.status === 'archived') throw new ConflictError('flow_archived', `flow ${flowId} is archived and cannot be activated`);
  if (flow.status === 'draft') {
    const live = await countLiveFlows(trx, workspace.id);
    if (!allowsAnotherFlow(workspace.flow_limit, live)) {
      throw new NudgeError(
        'plan_limit_reached',
        `plan "${workspace.plan}" allows ${describeLimit(workspace.flow_limit)} and ${live} ${live === 1 ? 'is' : 'are'} active or paused; archive one or raise the limit (PATCH /v1/workspace)`,
        { status: 409 },
      );
    }
  }
  const { compiled, definition } = await ctx.flows.get(trx, flow.id, flow.version);
  const unfilled = referencedPlaceholders(definition);
  if (unfilled.length > 0) {
    throw new NudgeError(
      'unfilled_placeholder',
      `fill ${unfilled.map((n) => `placeholders.${n}`).join(', ')} before activating (edit the flow, or create it from its preset with values)`,
      { status: 409 },
    );
  }
  await checkSecretsSet(trx, workspace, definition);
  const wasPaused = flow.status === 'paused';
  await setFlowStatus(trx, flow.id, 'active', now);
  const row = { ...flow, status: 'active' as FlowStatus, updated_at: now };
  let earliest: number | null = null;
  if (wasPaused) {
    // Held triggers and waits come due now; the lateness rule decides what still sends.
    await setFlowTimersHeld(trx, flow.id, false);
    await logOpenSessions(trx, flow.id, 'resumed', 'flow resumed', now);
    earliest = now;
  }
  // On resume, the triggers held through the pause stay as they are (`keep`); a booking without a
  // trigger gets one for its times still ahead.
  const past = wasPaused ? 'keep' : 'drop';
  const scheduled = await scheduleFlowTriggers(plainWork(trx), { workspace, active: { flow: row, version: row.version, compiled }, now, past });
  if (scheduled.earliest !== null) earliest = Math.min(earliest ?? Infinity, scheduled.earliest);
  return { row, earliest };
}

export async function pauseFlow(ctx: EngineContext, workspace: Workspace, flowId: string): Promise<FlowRow> {
  const now = ctx.clock.now();
  return ctx.store.transaction(async (trx) => {
    const flow = await getFlow(trx, workspace.id, flowId);
    if (flow.status === 'paused') return flow;
    if (flow.status !== 'active') throw new ConflictError('flow_not_active', `flow ${flowId} is ${flow.status}; only an active flow can be paused`);
    await setFlowStatus(trx, flow.id, 'paused', now);
    await setFlowTimersHeld(trx, flow.id, true);
    await logOpenSessions(trx, flow.id, 'paused', 'flow paused: holding here', now);
    return { ...flow, status: 'paused', updated_at: now };
  });
}

export async function archiveFlow(ctx: EngineContext, workspace: Workspace, flowId: string): Promise<FlowRow> {
  const now = ctx.clock.now();
  return ctx.store.transaction(async (trx) => {
    const flow = await getFlow(trx, workspace.id, flowId);
    if (flow.status === 'archived') return flow;
    await setFlowStatus(trx, flow.id, 'archived', now);
    await ctx.writer.cancelMany(plainWork(trx), { flow_id: flow.id }, 'stopped', 'flow archived', now);
    await trx.deleteFrom('timers').where('flow_id', '=', flow.id).execute();
    return { ...flow, status: 'archived', updated_at: now };
  });
}

/** A flow that uses a secret the workspace has not set cannot go live (e.g. a preset's API key). */
async function checkSecretsSet(trx: Kysely<Database>, workspace: Workspace, definition: unknown): Promise<void> {
  const needed = referencedSecrets(definition);
  if (needed.length === 0) return;
  const have = new Set((await listSecrets(trx, workspace.id)).map((s) => s.name));
  const missing = needed.filter((n) => !have.has(n));
  if (missing.length > 0) {
    throw new NudgeError(
      'missing_secret',
      `the flow uses ${missing.map((n) => `secrets.${n}`).join(', ')}, not set in this workspace; set ${missing.length === 1 ? 'it' : 'them'} with PUT /v1/secrets/{name} or \`./nudge secrets set\``,
      { status: 409 },
    );
  }
}

async function logOpenSessions(
  trx: Kysely<Database>,
  flowId: string,
  type: string,
  message: string,
  now: number,
): Promise<void> {
  const open = await trx
    .selectFrom('sessions')
    .select(['id', 'workspace_id', 'step_id'])
    .where('flow_id', '=', flowId)
    .where('status', 'in', [...OPEN_SESSION_STATUSES])
    .execute();
  await appendSessionLogs(
    plainWork(trx),
    open.map((s) => ({ workspace_id: s.workspace_id, session_id: s.id, at: now, type, step_id: s.step_id, message })),
  );
}

export interface ApplyResult {
  flow: FlowRow;
  action: 'created' | 'updated' | 'unchanged';
}

/**
 * Flows as code: create the flow named in the definition, or add a version when the stored
 * definition differs; then activate it unless `draft`. Idempotent for an unchanged file.
 */
export async function applyFlow(
  ctx: EngineContext,
  workspace: Workspace,
  input: unknown,
  options: { activate: boolean },
): Promise<ApplyResult> {
  const checked = checkFlow(ctx, input);
  const definition = checked.flow;
  const now = ctx.clock.now();
  const { result, earliest } = await ctx.store.transaction(async (trx) => {
    const existing = await findFlowByName(trx, workspace.id, definition.name);
    let flow: FlowRow;
    let action: ApplyResult['action'];
    let earliest: number | null = null;
    if (!existing) {
      flow = await insertFlow(trx, workspace.id, definition, now);
      action = 'created';
    } else {
      const current = await getFlowVersion(trx, existing.id, existing.version);
      if (JSON.stringify(decodeJson(current.definition_json, null)) === JSON.stringify(definition)) {
        flow = existing;
        action = 'unchanged';
      } else {
        ({ row: flow, earliest } = await addVersionInTransaction(trx, workspace, existing, checked, now));
        action = 'updated';
      }
    }
    if (options.activate && flow.status !== 'active') {
      const activated = await activateInTransaction(ctx, trx, workspace, flow.id, now);
      flow = activated.row;
      if (activated.earliest !== null) earliest = Math.min(earliest ?? Infinity, activated.earliest);
    }
    return { result: { flow, action }, earliest };
  });
  if (earliest !== null) ctx.wake(earliest);
  return result;
}

/** Stops one session (one contact's run) now. */
export async function stopSession(ctx: EngineContext, workspace: Workspace, sessionId: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.transaction(async (trx) => {
    const row = await trx
      .selectFrom('sessions')
      .select(['id', 'status'])
      .where('workspace_id', '=', workspace.id)
      .where('id', '=', sessionId)
      .executeTakeFirst();
    if (!row) throw new NudgeError('not_found', `session ${sessionId} not found`, { status: 404 });
    if (!(OPEN_SESSION_STATUSES as readonly string[]).includes(row.status)) {
      throw new ConflictError('session_ended', `session ${sessionId} already ended (${row.status})`);
    }
    await ctx.writer.cancelMany(plainWork(trx), { session_id: sessionId }, 'stopped', 'stopped by request', now);
  });
  ctx.activity.sessionsEndedBy(workspace.id, [sessionId], 'stopped', { request: 'stop' });
}
