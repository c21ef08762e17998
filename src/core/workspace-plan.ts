/**
 * Plans and flow limits: how many flows a workspace may have active or paused at once.
 *
 * A limit of `null` means no cap. Plans with a fixed limit (Small 1, Pro 6, Advanced 9) are for
 * operators who host several businesses; `custom` keeps whatever limit was given, `unlimited` has
 * none. One rule here serves workspace creation, `PATCH /v1/workspace` and the CLI.
 */
import { NudgeError } from './errors.js';

export const PLANS = ['small', 'pro', 'advanced', 'custom', 'unlimited'] as const;
export type Plan = (typeof PLANS)[number];

/** Flow limits of the plans that fix one. */
const PLAN_FLOW_LIMITS: Readonly<Record<'small' | 'pro' | 'advanced', number>> = { small: 1, pro: 6, advanced: 9 };

export interface PlanChoice {
  plan?: string;
  /** A positive integer, or null for no cap. */
  flowLimit?: number | null;
}

export interface ResolvedPlan {
  plan: Plan;
  flowLimit: number | null;
}

/**
 * The plan and limit a workspace ends up with when `choice` is applied to `current` (absent for a
 * new workspace, which starts `unlimited`).
 *
 * - a fixed plan alone sets its limit; `unlimited` alone removes the cap;
 * - a limit alone makes the plan `custom` (or `unlimited` for null);
 * - `custom` alone keeps the current limit;
 * - a plan with a limit it does not have is refused rather than silently relabelled.
 */
export function resolvePlan(choice: PlanChoice, current?: ResolvedPlan): ResolvedPlan {
  const { plan, flowLimit } = choice;
  if (plan !== undefined && !isPlan(plan)) {
    throw new NudgeError('invalid_plan', `unknown plan "${plan}" (expected one of: ${PLANS.join(', ')})`, { status: 400, path: 'plan' });
  }
  if (flowLimit !== undefined && flowLimit !== null && !(Number.isInteger(flowLimit) && flowLimit > 0)) {
    throw new NudgeError('invalid_plan', 'flow_limit must be a positive integer, or null for no cap', { status: 400, path: 'flow_limit' });
  }
  if (plan === undefined) {
    if (flowLimit === undefined) return current ?? { plan: 'unlimited', flowLimit: null };
    return { plan: flowLimit === null ? 'unlimited' : 'custom', flowLimit };
  }
  const implied = impliedLimit(plan, current);
  if (flowLimit !== undefined && plan !== 'custom' && flowLimit !== implied) {
    throw new NudgeError(
      'invalid_plan',
      `plan "${plan}" allows ${describeLimit(implied)}; use plan "custom" for another limit`,
      { status: 400, path: 'flow_limit' },
    );
  }
  if (plan === 'custom' && flowLimit === undefined && implied === null) {
    throw new NudgeError('invalid_plan', 'plan "custom" needs a flow_limit', { status: 400, path: 'flow_limit' });
  }
  return { plan, flowLimit: flowLimit === undefined ? implied : flowLimit };
}

/** True when one more flow may go live with `live` flows already active or paused. */
export function allowsAnotherFlow(flowLimit: number | null, live: number): boolean {
  return flowLimit === null || live < flowLimit;
}

/** `6 live flows`, `1 live flow`, `any number of live flows`. */
export function describeLimit(flowLimit: number | null): string {
  if (flowLimit === null) return 'any number of live flows';
  return `${flowLimit} live flow${flowLimit === 1 ? '' : 's'}`;
}

function isPlan(plan: string): plan is Plan {
  return (PLANS as readonly string[]).includes(plan);
}

function impliedLimit(plan: Plan, current: ResolvedPlan | undefined): number | null {
  if (plan === 'unlimited') return null;
  if (plan === 'custom') return current?.flowLimit ?? null;
  return PLAN_FLOW_LIMITS[plan];
}
