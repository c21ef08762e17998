/**
 * What committing a step's outcome changes on its session, as data: the new status and position,
 * the timer to keep, the timeline entries, and whether the session ended. This only plans: the
 * engine's session writer checks every status change against the state machine as it writes it
 * (its status-change.ts), the one place allowed transitions are enforced.
 */
import type { SessionState } from './session-state.js';
import type { SessionPatch, StepLog, StepOutcome, TimeGate } from './step-decision.js';

/** The session's timer after the commit: gone, kept leased to this run (it goes straight on), or due at a time. */
export type NextTimer = 'delete' | 'lease' | { dueAt: number; gate: TimeGate | null };

export interface SessionUpdate extends SessionPatch {
  status: SessionState;
  step_id?: string;
  wake_at: number | null;
  ended_at?: number;
  end_reason?: string;
  seq: number;
  updated_at: number;
}

export interface StepCommit {
  update: SessionUpdate;
  timer: NextTimer;
  logs: StepLog[];
  /** Set when the session ends with this commit. */
  end: { status: SessionState; reason: string } | null;
}

/** The commit of `outcome` for a session at `step_id` with sequence `seq`. */
export function planCommit(outcome: StepOutcome, session: { step_id: string | null; seq: number }, now: number): StepCommit {
  const logs = [...outcome.logs];
  let end: StepCommit['end'] = null;
  let patch: Omit<SessionUpdate, 'seq' | 'updated_at'> | null = null;
  let timer: NextTimer = 'delete';
  if (outcome.type === 'move') {
    if (outcome.target === null) end = { status: 'completed', reason: 'reached the end' };
    else patch = { ...outcome.patch, step_id: outcome.target, status: 'active', attempt: 1, wake_at: null };
    timer = 'lease';
  } else if (outcome.type === 'wait') {
    patch = { ...outcome.patch, status: 'waiting', wake_at: outcome.dueAt };
    if (outcome.gate) patch.gate = outcome.gate;
    timer = { dueAt: outcome.dueAt, gate: outcome.gate };
  } else {
    end = { status: outcome.status, reason: outcome.reason };
  }
  if (end) {
    patch = { status: end.status, ended_at: now, end_reason: end.reason, wake_at: null };
    if (outcome.type === 'move' && outcome.patch) patch = { ...outcome.patch, ...patch };
    logs.push({ type: end.status, step_id: session.step_id, message: end.reason });
    timer = 'delete';
  }
  const update: SessionUpdate = { ...patch!, seq: session.seq + 1, updated_at: now };
  return { update, timer, logs, end };
}
