/**
 * Where the session writer meets the state machine (core/session-state.ts): every status it
 * writes passes here, a single session's change checked before it is written, a change of many
 * sessions put in the statement's WHERE clause (only sessions in a state that may move there).
 * This is the one place the engine enforces allowed transitions; `planCommit` only plans.
 */
import { NudgeError } from '../../core/errors.js';
import { assertTransition, canRetry, canTransition, statesBefore, type SessionState } from '../../core/session-state.js';

/** Throws `invalid_transition` when `patch` moves the session to a state the machine forbids. */
export function checkStatusChange(session: { status: string }, patch: { status?: string | undefined }): void {
  if (patch.status === undefined) return;
  assertTransition(session.status as SessionState, patch.status as SessionState);
}

/** The states from which sessions may move to `to`: the guard of a write of many sessions. */
export function guardOf(to: SessionState): SessionState[] {
  return statesBefore(to);
}

/**
 * The guard of a write that keeps a session in `state` (a wait re-timed: `waiting` → `waiting`):
 * only sessions in `state`, and none when the machine does not let `state` stay as it is.
 */
export function guardOfStay(state: SessionState): SessionState[] {
  return canTransition(state, state) ? [state] : [];
}

/**
 * Whether a session may be re-armed at the step it ended on (`failed` → `waiting`, a retry a
 * person asked for): the machine's one way out of an ended state.
 */
export function mayRearm(session: { status: string }): boolean {
  return canRetry(session.status as SessionState);
}

/** Throws `invalid_transition` when {@link mayRearm} says no. */
export function checkRearm(session: { status: string }): void {
  if (!mayRearm(session)) {
    throw new NudgeError('invalid_transition', `session cannot be re-armed from ${session.status}`, { status: 409 });
  }
}
