/**
 * Where the session writer meets the state machine (core/session-state.ts): every status it
 * writes passes here, a single session's change checked before it is written, a change of many
 * sessions put in the statement's WHERE clause (only sessions in a state that may move there).
 */
import { assertTransition, statesBefore, type SessionState } from '../../core/session-state.js';

/** Throws `invalid_transition` when `patch` moves the session to a state the machine forbids. */
export function checkStatusChange(session: { status: string }, patch: { status?: string | undefined }): void {
  if (patch.status === undefined) return;
  assertTransition(session.status as SessionState, patch.status as SessionState);
}

/** The states from which sessions may move to `to`: the guard of a write of many sessions. */
export function guardOf(to: SessionState): SessionState[] {
  return statesBefore(to);
}
