/**
 * The access check every /v1 request passes after `authenticate` (auth.ts): the route's rule
 * from access-rules.ts decides; a /v1 route without a rule is refused (fail closed). A successful
 * audited operation is written to the audit log here, so no route has to remember to.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { AuthError, ForbiddenError } from '../core/errors.js';
import { can } from '../core/roles.js';
import { mustSetUpTwoFactor } from '../engine/accounts/sessions.js';
import type { EngineContext } from '../engine/engine-context.js';
import { appendAudit } from '../store/repositories/audit-log.js';
import { ACCESS_RULES, type AccessRule } from './access-rules.js';
import type { AppEnv, Principal } from './app-types.js';
import { requestSource } from './proxy-trust.js';

/** The registered pattern of the endpoint a request matched (`GET /v1/flows/:id`), or null when no /v1 endpoint did. */
function endpointOf(c: Context): string | null {
  const route = matchedRoutes(c).find((r) => r.method !== 'ALL');
  if (!route || !route.path.startsWith('/v1/')) return null;
  return `${route.method} ${route.path}`;
}

export function authorize(ctx: EngineContext): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const endpoint = endpointOf(c);
    if (endpoint === null) return next();
    const rule = ACCESS_RULES[endpoint];
    if (!rule) throw new ForbiddenError(`${endpoint} has no access rule`);
    if (rule.access !== 'public') check(rule, c.get('principal') as Principal | undefined);
    await next();
    if (rule.audit && c.res.status >= 200 && c.res.status < 300) await audit(ctx, c, rule.audit);
  };
}

function check(rule: AccessRule, principal: Principal | undefined): void {
  if (!principal) throw new AuthError('sign in, or send Authorization: Bearer <API key>');
  if (principal.kind === 'user') {
    if (principal.csrfOk === false) throw new ForbiddenError('missing or wrong X-CSRF-Token header; reload the page', 'csrf_failed');
    const session = principal.session!;
    if (!rule.beforeTwoFactor && mustSetUpTwoFactor(session.user, session.workspace)) {
      throw new ForbiddenError('this workspace requires two-factor sign-in: set it up first', 'two_factor_setup_required');
    }
  }
  const access = rule.access;
  if (access === 'public') return;
  if (access === 'user') {
    if (principal.kind !== 'user') throw new AuthError('this needs a signed-in user, not an API key');
    return;
  }
  if (!can(principal.role, access)) {
    throw new ForbiddenError(`your role (${principal.role}) may not do this; it needs ${rule.access}`);
  }
}

/**
 * The id the operation acted on: `data[targetField]` of the answer when the rule names one, else
 * the path's `:id` or `:name`, else the `data.id` of a JSON answer (a streamed CSV is not read).
 */
async function targetId(c: Context, targetField: string | undefined): Promise<string | null> {
  const param = c.req.param('id') ?? c.req.param('name');
  if (param && !targetField) return param;
  if (!c.res.headers.get('content-type')?.includes('application/json')) return null;
  try {
    const body = (await c.res.clone().json()) as { data?: Record<string, unknown> & { flow?: { id?: unknown } } };
    const id = targetField ? body.data?.[targetField] : (body.data?.id ?? body.data?.flow?.id);
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}

async function audit(ctx: EngineContext, c: Context<AppEnv>, entry: NonNullable<AccessRule['audit']>): Promise<void> {
  const principal = c.get('principal');
  const id = await targetId(c, entry.targetField);
  try {
    await appendAudit(
      ctx.store.db,
      {
        workspaceId: c.get('workspace').id,
        actor: { kind: principal.kind, id: principal.id, label: principal.label, ip: requestSource(c).address },
        action: entry.action,
        target: id === null ? null : { kind: entry.target, id },
      },
      ctx.clock.now(),
    );
  } catch (error) {
    // The change is committed; failing the request now would invite a retry that repeats it.
    ctx.logger.error({ err: error, action: entry.action }, 'audit log write failed');
  }
}
