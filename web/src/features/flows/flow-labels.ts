/** Catalog keys (namespace `flows`) for flow statuses. */
export const FLOW_STATUS_LABEL = { draft: 'status_draft', active: 'status_active', paused: 'status_paused', archived: 'status_archived' } as const;

/** Catalog keys (namespace `flows`) for preset categories. */
export const PRESET_CATEGORY_LABEL: Record<string, `category_${'reminders' | 'follow_up' | 'klaviyo' | 'omnisend' | 'team' | 'payments' | 'sms' | 'confirmation'}`> = {
  reminders: 'category_reminders',
  'follow-up': 'category_follow_up',
  klaviyo: 'category_klaviyo',
  omnisend: 'category_omnisend',
  team: 'category_team',
  payments: 'category_payments',
  sms: 'category_sms',
  confirmation: 'category_confirmation',
};
