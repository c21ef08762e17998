import { describe, expect, it } from 'vitest';
import { NudgeError } from './errors.js';
import { assertTransition, canTransition, isOpenStatus, isTerminal, OPEN_SESSION_STATUSES, SESSION_STATES, statesBefore, type SessionState } from './session-state.js';

describe('session states', () => {
  it('lists terminal states', () => {
    expect(SESSION_STATES.filter(isTerminal)).toEqual(['completed', 'failed', 'stopped', 'canceled']);
  });

  const allowed: Array<[SessionState, SessionState]> = [
    ['active', 'active'],
    ['active', 'waiting'],
    ['active', 'completed'],
    ['active', 'failed'],
    ['active', 'stopped'],
    ['active', 'canceled'],
    ['waiting', 'active'],
    ['waiting', 'waiting'],
    ['waiting', 'completed'],
    ['waiting', 'failed'],
    ['waiting', 'stopped'],
    ['waiting', 'canceled'],
  ];

  it('allows exactly the documented transitions', () => {
    const actual: Array<[SessionState, SessionState]> = [];
    for (const from of SESSION_STATES) {
      for (const to of SESSION_STATES) if (canTransition(from, to)) actual.push([from, to]);
    }
    expect(actual).toEqual(allowed);
  });

  it('refuses corrupt values', () => {
    expect(canTransition('active', 'paused' as SessionState)).toBe(false);
    expect(canTransition('paused' as SessionState, 'active')).toBe(false);
  });

  it('assertTransition throws invalid_transition with status 409', () => {
    expect(() => assertTransition('active', 'waiting')).not.toThrow();
    let caught: unknown;
    try {
      assertTransition('completed', 'active');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(NudgeError);
    expect((caught as NudgeError).code).toBe('invalid_transition');
    expect((caught as NudgeError).status).toBe(409);
    expect((caught as NudgeError).message).toBe('session cannot go from completed to active');
  });

  it('open states and the guards of many-session writes come from the machine', () => {
    expect(OPEN_SESSION_STATUSES).toEqual(['active', 'waiting']);
    expect(isOpenStatus('waiting')).toBe(true);
    expect(isOpenStatus('canceled')).toBe(false);
    for (const to of ['canceled', 'stopped', 'failed', 'completed', 'active', 'waiting'] as const) expect(statesBefore(to)).toEqual(['active', 'waiting']);
    expect(statesBefore('paused' as SessionState)).toEqual([]);
  });
});
