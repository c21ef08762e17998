/**
 * Events pushed to marketing tools (Sesami's Klaviyo and Omnisend presets) and an SMS reminder.
 * Klaviyo metric names are Sesami's, so Klaviyo flows built on Sesami's events keep working.
 */
import type { FlowDefinition } from '../core/flow-definition.js';
import type { Placeholder, Preset } from './preset.js';

type Moment = { id: string; label: string; event?: string; before24h?: boolean };

const MOMENTS: Moment[] = [
  { id: 'created', label: 'created', event: 'appointment.created' },
  { id: 'rescheduled', label: 'rescheduled', event: 'appointment.rescheduled' },
  { id: 'canceled', label: 'canceled', event: 'appointment.canceled' },
  { id: 'completed', label: 'completed', event: 'appointment.completed' },
  { id: 'reminder-24h', label: 'reminder 24 hours prior', before24h: true },
];

const KLAVIYO_KEY: Placeholder = {
  name: 'KLAVIYO_PRIVATE_API_KEY',
  description: 'A Klaviyo private API key with full access (Klaviyo → Settings → API keys → Create private API key).',
  secret: true,
  example: 'pk_…',
};

const OMNISEND_KEY: Placeholder = {
  name: 'OMNISEND_API_KEY',
  description: 'An Omnisend API key (Omnisend → Store settings → API keys) allowed to write events.',
  secret: true,
};

const capitalized = (s: string) => s.replace(/\b\w/g, (c) => c.toUpperCase());

function trigger(m: Moment): FlowDefinition['trigger'] {
  return m.before24h ? { appointment: { anchor: 'start', before: '24h', if_past: 'skip' } } : { event: m.event! };
}

/** Every event is forwarded: a second reschedule of the same appointment is a second event. */
const forwardEverything = { reentry: 'always' as const };

function klaviyo(m: Moment): Preset {
  const name = `Klaviyo event, appointment ${m.label}`;
  const metric = m.before24h ? 'Sesami Appointment Reminder' : `Sesami Appointment ${capitalized(m.id)}`;
  return {
    id: `klaviyo-appointment-${m.id}`,
    name,
    description: `Sends the "${metric}" metric to Klaviyo with every appointment property, for Klaviyo flows to email or text the customer.`,
    category: 'klaviyo',
    placeholders: [KLAVIYO_KEY],
    flow: {
      name,
      trigger: trigger(m),
      ...(m.before24h ? {} : { session: forwardEverything }),
      steps: [{ id: 'klaviyo-event', send: { channel: 'klaviyo', api_key: '{{ secrets.KLAVIYO_PRIVATE_API_KEY }}', metric } }],
    },
  };
}

function omnisend(m: Moment): Preset {
  const name = `Omnisend event, appointment ${m.label}`;
  const eventName = m.before24h ? 'appointment reminder' : `appointment ${m.id}`;
  return {
    id: `omnisend-appointment-${m.id}`,
    name,
    description: `Sends the "${eventName}" custom event to Omnisend with every appointment property, for Omnisend automations.`,
    category: 'omnisend',
    placeholders: [OMNISEND_KEY],
    flow: {
      name,
      trigger: trigger(m),
      ...(m.before24h ? {} : { session: forwardEverything }),
      steps: [{ id: 'omnisend-event', send: { channel: 'omnisend', api_key: '{{ secrets.OMNISEND_API_KEY }}', event_name: eventName } }],
    },
  };
}

export const klaviyoPresets: Preset[] = MOMENTS.map(klaviyo);
export const omnisendPresets: Preset[] = MOMENTS.map(omnisend);

export const smsReminder: Preset = {
  id: 'sms-reminder-24h',
  name: 'SMS reminder 24 hours before',
  description: 'Texts the customer through Twilio 24 hours before the appointment.',
  category: 'sms',
  placeholders: [
    { name: 'TWILIO_ACCOUNT_SID', description: 'Your Twilio account SID (AC…).', secret: true },
    { name: 'TWILIO_AUTH_TOKEN', description: 'Your Twilio auth token.', secret: true },
    { name: 'SMS_FROM', description: 'The Twilio number (E.164, e.g. +14155550100) or sender ID to send from.', secret: false, example: '+14155550100' },
  ],
  flow: {
    name: 'SMS reminder 24 hours before',
    trigger: { appointment: { anchor: 'start', before: '24h', if_past: 'skip' } },
    steps: [
      {
        id: 'text',
        send: {
          channel: 'sms',
          account_sid: '{{ secrets.TWILIO_ACCOUNT_SID }}',
          auth_token: '{{ secrets.TWILIO_AUTH_TOKEN }}',
          from: '{{ placeholders.SMS_FROM }}',
          to: '{{ contact.phone }}',
          body:
            'Reminder: {{ event.service_name }} {{ appointment.start_at | format_date: "short" }}' +
            '{% if event.service_location %}, {{ event.service_location }}{% endif %}.' +
            '{% if event.customer_management_link %} Manage: {{ event.customer_management_link }}{% endif %}',
        },
      },
    ],
  },
};
