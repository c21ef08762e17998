/**
 * The session writer: the only code that writes sessions, their timelines, deliveries and timers
 * for the runner and the executor. It advances a session, puts it to wait, ends it, writes a
 * session a fired trigger started together with its first step's outcome, abandons a timer that
 * keeps failing, cancels or stops many sessions at once, re-arms a failed session a person retries
 * and moves a wait its appointment moved. Every status change it writes is checked against the
 * state machine in one place (`status-change.ts`).
 *
 * Two implementations, one contract (test/engine/session-writer.test.ts runs the same assertions
 * on both): `createBatchedWriter` (group commit, and sessions that end together end in one guarded
 * UPDATE: what the engine uses) and `createPlainWriter` (a transaction per commit, a statement per
 * session: to test with and to measure against). `createEngine` chooses.
 */
import type { StepEffect } from '../../core/step-decision.js';
import type { ReentryCheck } from '../../core/reentry.js';
import type { LogEntry } from '../../store/repositories/sessions.js';
import type { DeliveryRow, SessionRow, TimerRow } from '../../store/schema.js';
import type { Work } from '../../store/unit-of-work.js';
import type { StartOptions, StartSessionInput } from '../session-start.js';

/** A session a fired trigger started, not written yet: its first commit writes it. */
export interface StartedSession {
  /** The session as it starts: active, at its flow's first step, with an id derived from its trigger. */
  row: SessionRow;
  /** Its `started` timeline entry. */
  log: LogEntry;
  /** The trigger's timer and the claim that holds it: deleted by the first commit if still held. */
  trigger: { id: string; owner: string };
}

/** The session's timer after a commit: gone, or due at a time (leased to this run when it goes straight on). */
export type TimerAfter =
  | 'delete'
  | {
      dueAt: number;
      /** Set for appointment-relative waits and gated sends: a reschedule moves the timer. */
      anchor: { anchor: string; offset: string } | null;
      /** Keep the timer leased to this run (it goes straight on); dropped if the flow was paused meanwhile. */
      lease: { owner: string; until: number } | null;
    };

/** One step's result, to commit. */
export interface StepWrite {
  /** The session as the runner last saw it: the write applies only if it is still at this `seq`. */
  session: SessionRow;
  /** Its changed fields (status, position, `seq` + 1, times); only these are written. */
  patch: Partial<SessionRow>;
  timer: TimerAfter;
  delivery?: DeliveryRow | undefined;
  logs: LogEntry[];
  /** Other rows the outcome writes (a contact update, a skip), in the same transaction. */
  effect?: StepEffect | undefined;
  now: number;
  /** Set for the first commit of a session a fired trigger started. */
  start?: StartedSession | undefined;
}

export interface WriteResult {
  /** Whether the session was written as asked (false: someone else got there first; the run stops). */
  applied: boolean;
  /** The flow was paused meanwhile: the timer was written held, and the run stops. */
  held: boolean;
}

/** Which open sessions `cancelMany` ends. */
export interface SessionSelection {
  appointment_id?: string;
  flow_id?: string;
  session_id?: string;
}

/** A failed session to re-arm at the step it failed on (a retry a person asked for). */
export interface Rearm {
  /** The session as read in the caller's transaction: re-armed only if it is still at this `seq`. */
  session: SessionRow;
  /** The step to run again: the session waits there, attempt 1, its timer due `now`. */
  stepId: string;
  /** Its flow is paused: the timer is written held, and runs when the flow resumes. */
  held: boolean;
  /** Its timeline entry (a `retry`). */
  log: LogEntry;
  now: number;
}

/** A session's timer whose wait follows its appointment, moved to the appointment's new time. */
export interface WaitMove {
  timer: TimerRow;
  dueAt: number;
  /** Its timeline entry (a `rescheduled`), written when the timer belongs to a session. */
  log: LogEntry | null;
  now: number;
}

export interface SessionWriter {
  /**
   * Applies the re-entry policy to sessions fired triggers would start (one read for all of them,
   * then the sessions admitted here and not yet written). Returns, per session, whether it may
   * start; an admitted one counts as written for later checks until its first commit, or `release`.
   */
  admit(starts: readonly StartedSession[], checks: readonly ReentryCheck[]): Promise<boolean[]>;
  /** An admitted session that will not be written (its run failed before its first commit). */
  release(start: StartedSession): void;
  /** Sessions admitted and neither written nor released (for tests and metrics). */
  readonly unwritten: number;
  /**
   * Starts sessions in the caller's unit of work at their flow's first step (an event that matched
   * event-triggered flows, at ingest), each unless the re-entry policy forbids it: their rows, first
   * timers and `started` entries, queued for the commit with `atCommit` when the unit of work
   * queues. Per input, the session started or null (session-start.ts, `startSessions`).
   */
  start(work: Work, inputs: readonly StartSessionInput[], options?: StartOptions): Promise<Array<SessionRow | null>>;
  /** Commits a step's result: advance, wait or end; for a started session, its first write. */
  commit(write: StepWrite): Promise<WriteResult>;
  /**
   * A claimed timer that runs nothing now (its session ended, its flow is gone or paused, its
   * trigger is skipped or due later): deleted, or moved to `dueAt` (written held when its flow is
   * paused), in both cases only if its claim still holds it.
   */
  settleTimer(timer: TimerRow, next: 'delete' | { dueAt: number; held?: boolean }): Promise<void>;
  /** `settleTimer(timer, 'delete')` for many claimed timers, in one statement per claim. */
  dropTimers(timers: readonly TimerRow[]): Promise<void>;
  /** Fails the session of a timer that kept crashing its runs, and deletes the timer. */
  abandon(timer: TimerRow, reason: string, now: number): Promise<void>;
  /**
   * Ends every open session of `where` with `status`, logs it on each and deletes their timers, in
   * the caller's unit of work (a cancel at ingest, a stop or an archive): sessions it queued and has
   * not written end in its queue. Returns their ids.
   */
  cancelMany(
    work: Work,
    where: SessionSelection,
    status: 'canceled' | 'stopped',
    reason: string,
    now: number,
  ): Promise<string[]>;
  /** Whether `rearm` may re-arm a session in this state (the state machine's one way out of an end). */
  mayRearm(session: { status: string }): boolean;
  /**
   * In the caller's unit of work: re-arms a failed session at `stepId` (waiting, attempt 1, its
   * timer due now, held if its flow is paused) and logs it. Returns false, writing nothing, when the
   * session moved past the `seq` it was read at; throws `invalid_transition` when it may not be re-armed.
   */
  rearm(work: Work, rearm: Rearm): Promise<boolean>;
  /**
   * In the caller's unit of work: moves a session's timer to `dueAt` (unleased) and, if its session
   * is still waiting, shows the new wake time on it; logs `log`. Sessions the unit of work queued
   * and has not flushed yet are changed in the queue.
   */
  moveWait(work: Work, move: WaitMove): Promise<void>;
}
