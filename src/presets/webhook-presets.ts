/** Team notifications and payment webhooks (Sesami's flow ideas). */
import type { Preset } from './preset.js';

export const slackNewBooking: Preset = {
  id: 'slack-new-booking',
  name: 'Slack message when an appointment is created',
  description: 'Tells your team in Slack about every new booking.',
  category: 'team',
  placeholders: [
    {
      name: 'SLACK_WEBHOOK_URL',
      description: 'An incoming webhook URL from your Slack app (Slack → Apps → Incoming Webhooks); it carries a token.',
      secret: true,
      example: 'https://hooks.slack.com/services/T000/B000/XXXX',
    },
  ],
  flow: {
    name: 'Slack message when an appointment is created',
    trigger: { event: 'appointment.created' },
    steps: [
      {
        id: 'notify-team',
        send: {
          channel: 'slack',
          webhook_url: '{{ secrets.SLACK_WEBHOOK_URL }}',
          text: 'New booking: {{ contact.name | default: contact.email }} – {{ event.service_name }}, {{ event.datetime }}',
          blocks: [
            {
              type: 'section',
              text: {
                type: 'mrkdwn',
                text:
                  '*New booking*\n{{ contact.name | default: contact.email }} – {{ event.service_name }}\n{{ event.datetime }}' +
                  '{% if event.team_member %}\nWith {{ event.team_member }}{% endif %}',
              },
            },
          ],
        },
      },
    ],
  },
};

/**
 * What a payment endpoint receives. The price is a JSON number (`| number`: exactly the booked
 * price, and the step fails rather than charge a guess when the price is not a plain number such as
 * "€49,90"); the order id stays text, as ids do.
 */
const paymentBody = {
  appointment_id: '{{ appointment.id }}',
  order_id: '{{ event.order_id }}',
  customer: { email: '{{ contact.email }}', external_id: '{{ contact.external_id }}', name: '{{ contact.name }}' },
  service_name: '{{ event.service_name }}',
  service_price: '{{ event.service_price | number }}',
  start_at: '{{ appointment.start_at }}',
};

export const noShowFee: Preset = {
  id: 'no-show-fee-webhook',
  name: 'Charge a no-show fee by webhook',
  description: 'When an appointment is marked no-show, calls your payment endpoint to charge the cancellation fee.',
  category: 'payments',
  placeholders: [
    { name: 'NO_SHOW_FEE_URL', description: 'Your endpoint that charges the fee (it receives the appointment and customer as JSON).', secret: false, example: 'https://pay.example.com/no-show' },
    { name: 'PAYMENTS_API_TOKEN', description: 'Bearer token your endpoint expects.', secret: true },
  ],
  flow: {
    name: 'Charge a no-show fee by webhook',
    trigger: { event: 'appointment.no_show' },
    steps: [
      {
        id: 'charge',
        webhook: {
          method: 'POST',
          url: '{{ placeholders.NO_SHOW_FEE_URL }}',
          headers: { authorization: 'Bearer {{ secrets.PAYMENTS_API_TOKEN }}' },
          body: { ...paymentBody, reason: 'no_show' },
        },
      },
    ],
  },
};

export const checkInPayment: Preset = {
  id: 'check-in-payment-webhook',
  name: 'Take payment at check-in by webhook',
  description: 'When the customer checks in, calls your payment endpoint to take payment.',
  category: 'payments',
  placeholders: [
    { name: 'CHECK_IN_PAYMENT_URL', description: 'Your endpoint that takes the payment.', secret: false, example: 'https://pay.example.com/check-in' },
    { name: 'PAYMENTS_API_TOKEN', description: 'Bearer token your endpoint expects.', secret: true },
  ],
  flow: {
    name: 'Take payment at check-in by webhook',
    trigger: { event: 'appointment.checked_in' },
    steps: [
      {
        id: 'take-payment',
        webhook: {
          method: 'POST',
          url: '{{ placeholders.CHECK_IN_PAYMENT_URL }}',
          headers: { authorization: 'Bearer {{ secrets.PAYMENTS_API_TOKEN }}' },
          body: { ...paymentBody, reason: 'check_in' },
        },
      },
    ],
  },
};
