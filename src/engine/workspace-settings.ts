/**
 * Workspace settings: what `GET /v1/workspace` shows and `PATCH /v1/workspace` (and
 * `./nudge workspace set`) may change. Plan and flow limit follow core/workspace-plan.ts.
 */
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';
import { isValidZone } from '../core/appointment-timing.js';
import { ForbiddenError, ValidationError } from '../core/errors.js';
import { PLANS } from '../core/workspace-plan.js';
import { zodIssues } from '../core/zod-issues.js';
import { updateWorkspace } from '../store/repositories/workspaces.js';
import type { Workspace } from '../store/schema.js';
import type { EngineContext } from './engine-context.js';

const email = z.email();

/** `ada@example.com` or `Salon Zoë <hi@example.com>`: the address is used as the emails' From. */
function isSender(text: string): boolean {
  const named = /^[^<>]*<([^<>]+)>$/.exec(text.trim());
  return email.safeParse(named ? named[1] : text.trim()).success;
}

export const workspaceChangesSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    timezone: z.string().refine(isValidZone, { message: 'unknown IANA timezone' }),
    sender_email: z.string().refine(isSender, { message: 'expected an email address, e.g. hi@example.com or Salon <hi@example.com>' }).nullable(),
    country: z
      .string()
      .transform((code) => code.toUpperCase())
      .refine((code) => isSupportedCountry(code), { message: 'expected an ISO 3166-1 alpha-2 country code, e.g. GB' })
      .nullable(),
    plan: z.enum(PLANS),
    flow_limit: z.number().int().positive().nullable(),
    require_two_factor: z.boolean(),
  })
  .partial()
  .strict();

export function workspaceView(w: Workspace) {
  return {
    id: w.id,
    name: w.name,
    plan: w.plan,
    flow_limit: w.flow_limit,
    timezone: w.timezone,
    sender_email: w.sender_email,
    country: w.country,
    require_two_factor: w.require_two_factor === 1,
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
  const parsed = workspaceChangesSchema.safeParse(body);
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
    }),
  );
}
