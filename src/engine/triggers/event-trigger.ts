/** The event trigger: a session starts when an event of one of the flow's names arrives and its conditions hold. */
import { matchEventTrigger, type EventTrigger } from '../../core/trigger-decision.js';
import type { TriggerKind } from './trigger-kind.js';

export const eventTrigger: TriggerKind<EventTrigger> = {
  type: 'event',
  match: (trigger, happening, context, now) => matchEventTrigger(trigger, happening.name, context, now),
};
