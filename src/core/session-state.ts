/**
 * The session state machine. A session is `active` while the engine runs its steps, `waiting`
 * while a timer holds it, and ends in one of the terminal states:
 * `completed` (ran out of steps or reached exit), `failed` (a step failed for good),
 * `stopped` (by a person, or the flow was archived), `canceled` (its appointment was canceled).
 */

import { NudgeError } from './errors.js';

export const SESSION_STATES = ['active', 'waiting', 'completed', 'failed', 'stopped', 'canceled'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export const TERMINAL_STATES: ReadonlySet<SessionState> = new Set<SessionState>([
  'completed',
  'failed',
  'stopped',
  'canceled',
]);

export function isTerminal(state: SessionState): boolean {
  return TERMINAL_STATES.has(state);
}

/** Statuses of a session still running (not ended): the complement of the terminal states. */
export const OPEN_SESSION_STATUSES = SESSION_STATES.filter((s) => !isTerminal(s)) as ReadonlyArray<'active' | 'waiting'>;

export function isOpenStatus(status: string): boolean {
  return (OPEN_SESSION_STATUSES as readonly string[]).includes(status);
}

/**
 * Allowed moves: active ↔ waiting; active or waiting → any terminal state; active → active (the
 * session advances a step) and waiting → waiting (a wait is re-timed, e.g. after a reschedule).
 * A terminal state never changes.
 */
export function canTransition(from: SessionState, to: SessionState): boolean {
  // Every non-terminal state may move to every state, itself included; checking `to` against the
  // list still refuses a corrupt value read from storage.
  if (!(SESSION_STATES as readonly string[]).includes(from) || isTerminal(from)) return false;
  return (SESSION_STATES as readonly string[]).includes(to);
}

/**
 * The states a session may be in for a change to `to` to apply: what a guarded write of many
 * sessions (`where status in …`) puts in its WHERE clause, so the store enforces this machine too.
 */
export function statesBefore(to: SessionState): SessionState[] {
  return SESSION_STATES.filter((from) => canTransition(from, to));
}

/**
 * The one way out of a terminal state: a session that `failed` may be re-armed at the step it
 * failed on (`waiting`, its timer due now) when a person retries the failed delivery. Stopped,
 * canceled and completed sessions stay ended.
 */
export function canRetry(from: SessionState): boolean {
  return from === 'failed';
}

/** Throws NudgeError `invalid_transition` (409) when {@link canTransition} says no. */
export function assertTransition(from: SessionState, to: SessionState): void {
  if (!canTransition(from, to)) {
    throw new NudgeError('invalid_transition', `session cannot go from ${from} to ${to}`, { status: 409 });
  }
}
