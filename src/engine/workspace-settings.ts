/**
 * Workspace settings: what `GET /v1/workspace` shows and `PATCH /v1/workspace` (and
 * `./nudge workspace set`) may change. Plan and flow limit follow core/workspace-plan.ts.
 */
import { isSupportedCountry } from 'libphonenumber-js';
import { ForbiddenError, ValidationError } from '../core/errors.js';
import { COUNTRY_MESSAGE, workspaceChangesSchema } from '../core/workspace-input.js';
import type { WorkspaceView } from '../core/workspace-view.js';
import { zodIssues } from '../core/zod-issues.js';
import { updateWorkspace } from '../store/repositories/workspaces.js';
import type { Workspace } from '../store/schema.js';
import type { EngineContext } from './engine-context.js';

/**
 * The shared schema, plus the check the browser does not make: a country the phone-number rules
 * know (used to read local numbers).
 */
const workspaceChanges = workspaceChangesSchema.superRefine((changes, ctx) => {
  if (changes.country && !isSupportedCountry(changes.country)) ctx.addIssue({ code: 'custom', path: ['country'], message: COUNTRY_MESSAGE, params: { code: 'country' } });
});

export function workspaceView(w: Workspace): WorkspaceView {
  return {
    id: w.id,
    name: w.name,
    plan: w.plan,
    flow_limit: w.flow_limit,
    timezone: w.timezone,
    sender_email: w.sender_email,
    country: w.country,
    require_two_factor: w.require_two_factor === 1,
    retention_events_days: w.retention_events_days,
    retention_deliveries_days: w.retention_deliveries_days,
    retention_outbox_days: w.retention_outbox_days,
    created_at: new Date(w.created_at).toISOString(),
  };
}

/** Fields only a caller with the `plan:write` permission (an owner) may change. */
const OWNER_FIELDS = ['plan', 'flow_limit', 'require_two_factor'] as const;

/**
 * Validates `body` and applies it to the workspace; throws a ValidationError naming the bad field,
 * or a ForbiddenError when it changes the plan, the flow limit or the two-factor requirement and
 * `mayChangePlan` is false.
 */
export async function changeWorkspaceSettings(ctx: EngineContext, workspaceId: string, body: unknown, mayChangePlan: boolean): Promise<Workspace> {
  const parsed = workspaceChanges.safeParse(body);
  if (!parsed.success) throw new ValidationError('invalid_workspace', zodIssues(parsed.error));
  const c = parsed.data;
  const ownerField = OWNER_FIELDS.find((field) => c[field] !== undefined);
  if (ownerField && !mayChangePlan) throw new ForbiddenError(`only an owner may change ${ownerField}`);
  return ctx.store.transaction((trx) =>
    updateWorkspace(trx, workspaceId, {
      name: c.name,
      timezone: c.timezone,
      senderEmail: c.sender_email,
      country: c.country,
      plan: c.plan,
      flowLimit: c.flow_limit,
      requireTwoFactor: c.require_two_factor,
      retention: { events: c.retention_events_days, deliveries: c.retention_deliveries_days, outbox: c.retention_outbox_days },
    }),
  );
}
