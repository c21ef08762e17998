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
