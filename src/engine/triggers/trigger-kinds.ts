/**
 * Every trigger kind, by type. The mapped type makes the compiler refuse a `CompiledTrigger` type
 * without its module. Add a kind: its module beside these, its entry here, and its compiled form
 * in core/flow-compiler.ts (see trigger-kind.ts for what the module answers).
 */
import type { CompiledTrigger } from '../../core/flow-compiler.js';
import { appointmentTrigger } from './appointment-trigger.js';
import { eventTrigger } from './event-trigger.js';
import type { TriggerKind } from './trigger-kind.js';

const TRIGGER_KINDS: { [K in CompiledTrigger['type']]: TriggerKind<Extract<CompiledTrigger, { type: K }>> } = {
  event: eventTrigger,
  appointment: appointmentTrigger,
};

/** The module of `trigger`'s kind, typed for that trigger. */
export function triggerKindOf<T extends CompiledTrigger>(trigger: T): TriggerKind<T> {
  // Keyed by type: the entry for `trigger.type` is the module of exactly that trigger type.
  return TRIGGER_KINDS[trigger.type] as unknown as TriggerKind<T>;
}
