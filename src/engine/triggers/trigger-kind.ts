/**
 * A trigger kind is a module, like a channel: what it answers for is listed here, and each kind
 * (event-trigger.ts, appointment-trigger.ts) answers it from pure decisions in core
 * (core/trigger-decision.ts). The engine asks the kind of a flow's trigger (`triggerKindOf`,
 * trigger-kinds.ts), never its type, so a new kind is a new module plus its entry in the registry,
 * which the compiler checks holds every `CompiledTrigger` type.
 *
 * A kind starts sessions in one or both of two ways:
 *
 * - **at once**, when something happens (`match`): ingest asks every live flow's kind, in the
 *   transaction that accepts the happening, and starts the sessions that match with their first
 *   timer due now. Today the one happening is an event; an inbound message (with its keyword), a
 *   tag added, a contact property changed or a segment entered are happenings the coming kinds
 *   match, each brought to ingest's transaction the same way.
 * - **at a time** (`timers`): the kind keeps one pending trigger timer per flow and subject
 *   (`TriggerSubject`: the appointment today; a contact for a date property such as a birthday;
 *   the flow itself for a schedule), keyed `triggerTimerId(flow, subject)`. `schedule` says where
 *   the timer goes whenever the subject changes (engine/appointment-triggers.ts writes it); when it
 *   fires, `fire` decides from the subject as it is now whether the session starts, waits longer
 *   or is skipped (engine/executor.ts), and `gate` is the time the started session stays relative
 *   to, so that moving the subject moves its waits.
 *
 * The coming kinds and what each needs here: contact change and segment entered: `match` on a
 * happening ingest produces when it upserts a contact; inbound message: `match` on a happening a
 * source produces; date property: `timers` with subject `contact`, `schedule` from the property's
 * value and the contact's zone, re-run when the contact changes; schedule: `timers` with subject
 * `flow`, re-armed after each firing.
 */
import type { CompiledTrigger } from '../../core/flow-compiler.js';
import type { FiredTrigger, PastTriggerPolicy, TriggerMatch, TriggerSchedule, TriggerSubject } from '../../core/trigger-decision.js';

/** Something that happened, as the kinds that start at once see it. */
export type Happening = { type: 'event'; name: string };

/** The subject of a trigger timer as it is now: its time fields and status (an appointment today). */
export interface TimedSubject {
  status: string;
  start_at: number;
  end_at: number;
}

export interface TriggerKind<T extends CompiledTrigger = CompiledTrigger> {
  readonly type: T['type'];
  /**
   * Whether `happening` starts a session of a flow with this trigger now. `context` gives what the
   * conditions read; it is called only when the trigger has conditions. Absent: the kind never
   * starts at once.
   */
  match?(trigger: T, happening: Happening, context: () => Record<string, unknown>, now: number): TriggerMatch;
  /** Absent: the kind keeps no timers. */
  timers?: {
    /** What its timers are about. */
    subject: TriggerSubject['kind'];
    /** Where the subject's timer goes, given the subject as it is now (see `PastTriggerPolicy`). */
    schedule(trigger: T, subject: TimedSubject, zone: string, now: number, past: PastTriggerPolicy): TriggerSchedule;
    /** What a fired timer does now: start, wait longer (the subject moved later), or skip. */
    fire(trigger: T, facts: { subject: TimedSubject | undefined; zone: string; context: () => Record<string, unknown> }, now: number): FiredTrigger;
    /** The time the started session's waits stay relative to (moved with the subject). */
    gate(trigger: T): { anchor: 'start' | 'end'; offset: string } | null;
  };
}
