import type { TimelineEntry } from '../api/flow-api';

/** The catalog key naming each dry-run action. */
export const TRIAL_ACTION_LABELS: Record<TimelineEntry['action'], `trial.action.${TimelineEntry['action']}`> = {
  trigger: 'trial.action.trigger',
  wait: 'trial.action.wait',
  branch: 'trial.action.branch',
  send: 'trial.action.send',
  update_contact: 'trial.action.update_contact',
  end: 'trial.action.end',
  skip: 'trial.action.skip',
};

/**
 * A dry run's skip reason (src/engine/preview-service.ts words it in English) as a catalog key and
 * its values; null for a reason this build does not know, which is then shown as the server wrote it.
 */
export function trialReason(reason: string): { key: `trial.reason.${'wrong_event' | 'conditions' | 'no_appointment' | 'past'}`; values: Record<string, string> } | null {
  const wrongEvent = /^the flow starts on (.+), not (.+)$/.exec(reason);
  if (wrongEvent) return { key: 'trial.reason.wrong_event', values: { events: wrongEvent[1]!, event: wrongEvent[2]! } };
  if (/^the trigger.s conditions do not hold$/.test(reason)) return { key: 'trial.reason.conditions', values: {} };
  if (/^the flow starts at an appointment time; the event has no appointment$/.test(reason)) return { key: 'trial.reason.no_appointment', values: {} };
  if (/^the trigger time has passed/.test(reason)) return { key: 'trial.reason.past', values: {} };
  return null;
}
