import { describe, expect, it } from 'vitest';
import { allowsAnotherFlow, describeLimit, resolvePlan } from './workspace-plan.js';

describe('resolvePlan', () => {
  it('starts a new workspace unlimited, or custom when only a limit is given', () => {
    expect(resolvePlan({})).toEqual({ plan: 'unlimited', flowLimit: null });
    expect(resolvePlan({ flowLimit: 4 })).toEqual({ plan: 'custom', flowLimit: 4 });
    expect(resolvePlan({ flowLimit: null })).toEqual({ plan: 'unlimited', flowLimit: null });
    expect(resolvePlan({ plan: 'pro' })).toEqual({ plan: 'pro', flowLimit: 6 });
  });

  it('keeps the current plan when nothing is asked, and the current limit for a bare custom', () => {
    const current = { plan: 'custom' as const, flowLimit: 12 };
    expect(resolvePlan({}, current)).toBe(current);
    expect(resolvePlan({ plan: 'custom' }, { plan: 'small', flowLimit: 1 })).toEqual({ plan: 'custom', flowLimit: 1 });
  });

  it.each([
    [{ plan: 'gold' }, 'plan'],
    [{ flowLimit: 0 }, 'flow_limit'],
    [{ flowLimit: 1.5 }, 'flow_limit'],
    [{ plan: 'small', flowLimit: 2 }, 'flow_limit'],
    [{ plan: 'unlimited', flowLimit: 2 }, 'flow_limit'],
    [{ plan: 'custom' }, 'flow_limit'],
  ])('refuses %j at %s', (choice, path) => {
    expect(() => resolvePlan(choice)).toThrow(expect.objectContaining({ code: 'invalid_plan', status: 400, path }));
  });
});

describe('allowsAnotherFlow', () => {
  it('has no cap for null and a strict one otherwise', () => {
    expect(allowsAnotherFlow(null, 1_000_000)).toBe(true);
    expect(allowsAnotherFlow(6, 5)).toBe(true);
    expect(allowsAnotherFlow(6, 6)).toBe(false);
    expect(describeLimit(1)).toBe('1 live flow');
    expect(describeLimit(null)).toBe('any number of live flows');
  });
});
