/**
 * A preset is a ready flow with placeholders: a user picks it, fills the placeholders, and it
 * runs. Secret placeholders (API keys, webhook URLs that carry a token) are referenced as
 * `{{ secrets.NAME }}` and stored encrypted in the workspace; plain ones as
 * `{{ placeholders.NAME }}`, replaced by their value when the flow is made. A flow with an unset
 * secret or an unfilled placeholder cannot be activated.
 */
import type { FlowDefinition } from '../core/flow-definition.js';

export interface Placeholder {
  name: string;
  description: string;
  /** Stored as a workspace secret (never returned, redacted from logs) rather than written into the flow. */
  secret: boolean;
  example?: string;
}

export interface Preset {
  id: string;
  name: string;
  description: string;
  category: 'reminders' | 'follow-up' | 'klaviyo' | 'omnisend' | 'team' | 'payments' | 'sms' | 'confirmation';
  placeholders: Placeholder[];
  flow: FlowDefinition;
}
