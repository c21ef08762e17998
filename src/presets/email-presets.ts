/** Customer emails: reminders before, thank-you after, confirmation in the customer's language. */
import type { Preset } from './preset.js';

const manageLink = '{% if event.customer_management_link %}<p><a href="{{ event.customer_management_link }}">Reschedule or cancel</a></p>{% endif %}';

function reminder(hours: number): Preset {
  return {
    id: `reminder-email-${hours}h`,
    name: `Reminder email ${hours} hours before`,
    description: `Emails the customer ${hours} hours before the appointment starts; follows reschedules and never sends after a cancel.`,
    category: 'reminders',
    placeholders: [],
    flow: {
      name: `Reminder email ${hours} hours before`,
      trigger: { appointment: { anchor: 'start', before: `${hours}h`, if_past: 'skip' } },
      steps: [
        {
          id: 'remind',
          email: {
            to: '{{ contact.email }}',
            subject: 'Reminder: {{ event.service_name }} {{ appointment.start_at | format_date }}',
            html:
              '<p>Hi {{ contact.first_name | default: contact.name }},</p>' +
              '<p>This is a reminder of your appointment: <strong>{{ event.service_name }}</strong>' +
              '{% if event.team_member %} with {{ event.team_member }}{% endif %}, {{ appointment.start_at | format_date: "full" }}' +
              '{% if event.service_location %} at {{ event.service_location }}{% endif %}.</p>' +
              manageLink,
            text:
              'Hi {{ contact.first_name | default: contact.name }},\n\nThis is a reminder of your appointment: {{ event.service_name }}, ' +
              '{{ appointment.start_at | format_date: "full" }}.\n{% if event.customer_management_link %}Reschedule or cancel: {{ event.customer_management_link }}{% endif %}',
          },
        },
      ],
    },
  };
}

export const reminderEmail24h = reminder(24);
export const reminderEmail2h = reminder(2);

export const thankYouSurvey: Preset = {
  id: 'thank-you-survey-email',
  name: 'Thank-you and survey email 1 hour after',
  description: 'One hour after the appointment ends, thanks the customer and asks for feedback.',
  category: 'follow-up',
  placeholders: [{ name: 'SURVEY_URL', description: 'Where customers give feedback (a review page or a survey form).', secret: false, example: 'https://example.com/review' }],
  flow: {
    name: 'Thank-you and survey email 1 hour after',
    trigger: {
      appointment: {
        anchor: 'end',
        after: '1h',
        if_past: 'skip',
        conditions: [{ field: 'appointment.status', op: 'in', value: ['booked', 'checked_in', 'completed'] }],
      },
    },
    steps: [
      {
        id: 'thank-you',
        email: {
          to: '{{ contact.email }}',
          subject: 'Thank you for your visit',
          html:
            '<p>Hi {{ contact.first_name | default: contact.name }},</p><p>Thank you for coming in for {{ event.service_name }}. ' +
            'How was it? <a href="{{ placeholders.SURVEY_URL }}">Tell us in one minute</a>.</p>',
          text: 'Hi {{ contact.first_name | default: contact.name }},\n\nThank you for coming in for {{ event.service_name }}. How was it? {{ placeholders.SURVEY_URL }}',
        },
      },
    ],
  },
};

const confirmation = {
  en: { subject: 'Booked: {{ event.service_name }}', hello: 'Hi', body: 'your appointment is confirmed' },
  fr: { subject: 'Réservé : {{ event.service_name }}', hello: 'Bonjour', body: 'votre rendez-vous est confirmé' },
  de: { subject: 'Gebucht: {{ event.service_name }}', hello: 'Hallo', body: 'Ihr Termin ist bestätigt' },
  es: { subject: 'Reservado: {{ event.service_name }}', hello: 'Hola', body: 'tu cita está confirmada' },
};

function confirmationEmail(lang: keyof typeof confirmation, id: string) {
  const t = confirmation[lang];
  return {
    id,
    email: {
      to: '{{ contact.email }}',
      subject: t.subject,
      html: `<p>${t.hello} {{ contact.first_name | default: contact.name }}, ${t.body}: {{ appointment.start_at | format_date: "full" }}.</p>${manageLink}`,
      text: `${t.hello} {{ contact.first_name | default: contact.name }}, ${t.body}: {{ appointment.start_at | format_date: "full" }}.`,
    },
  };
}

export const multilingualConfirmation: Preset = {
  id: 'confirmation-email-multilingual',
  name: "Confirmation email in the customer's language",
  description: 'When an appointment is booked, emails a confirmation in French, German, Spanish or English, by the contact’s language.',
  category: 'confirmation',
  placeholders: [],
  flow: {
    name: "Confirmation email in the customer's language",
    trigger: { event: 'appointment.created' },
    steps: [
      {
        id: 'language',
        branch: {
          branches: (['fr', 'de', 'es'] as const).map((lang) => ({
            name: lang,
            when: [
              {
                any: [
                  { field: 'contact.language', op: 'equals', value: lang },
                  { field: 'contact.language', op: 'contains', value: `${lang}-` },
                ],
              },
            ],
            steps: [confirmationEmail(lang, `confirm-${lang}`)],
          })),
          otherwise: [confirmationEmail('en', 'confirm-en')],
        },
      },
    ],
  },
};
