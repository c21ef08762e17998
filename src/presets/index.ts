/** Every preset Nudge ships, in the order the API lists them. */
import { multilingualConfirmation, reminderEmail24h, reminderEmail2h, thankYouSurvey } from './email-presets.js';
import { klaviyoPresets, omnisendPresets, smsReminder } from './integration-presets.js';
import type { Preset } from './preset.js';
import { checkInPayment, noShowFee, slackNewBooking } from './webhook-presets.js';

export const PRESETS: readonly Preset[] = [
  reminderEmail24h,
  reminderEmail2h,
  thankYouSurvey,
  multilingualConfirmation,
  slackNewBooking,
  noShowFee,
  checkInPayment,
  smsReminder,
  ...klaviyoPresets,
  ...omnisendPresets,
];

export function findPreset(id: string): Preset | undefined {
  return PRESETS.find((p) => p.id === id);
}

export type { Placeholder, Preset } from './preset.js';
