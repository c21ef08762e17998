/**
 * The appointment-time trigger ("24h before start", "1h after end"): one timer per flow and
 * appointment, moved with the appointment, dropped on cancel; when it fires, the appointment as it
 * is now decides (core/trigger-decision.ts).
 */
import { decideFiredTrigger, scheduleTrigger, type AppointmentTrigger } from '../../core/trigger-decision.js';
import type { TriggerKind } from './trigger-kind.js';

export const appointmentTrigger: TriggerKind<AppointmentTrigger> = {
  type: 'appointment',
  timers: {
    subject: 'appointment',
    schedule: (trigger, appointment, zone, now, past) => scheduleTrigger(trigger, appointment, zone, now, past),
    fire: (trigger, { subject, zone, context }, now) => decideFiredTrigger(trigger, { appointment: subject, zone, context }, now),
    gate: (trigger) => ({ anchor: trigger.anchor, offset: trigger.offset }),
  },
};
