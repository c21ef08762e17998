/**
 * The one workload every engine runs: reminder number `i` for an appointment starting at
 * `start`, due 24 h before it, delivered as a Klaviyo-like JSON event (about 800 bytes, 14
 * appointment properties) POSTed to the receiver.
 *
 * Nudge renders it from its flow's templates (`NUDGE_WEBHOOK_BODY`); the peers render the same
 * document in their job handler (`renderPayload`) from the same fields carried in the job.
 */

/** The reminder fires this long before the appointment starts (`before: 24h`). */
export const REMINDER_OFFSET_MS = 24 * 3_600_000;

const SERVICES = ['Tattoo Removal', 'Laser Hair Removal', 'Deep Tissue Massage', 'Consultation', 'Haircut & Beard Trim'];
const TEAM = ['Ada Lovelace', 'Grace Hopper', 'Katherine Johnson', 'Margaret Hamilton'];
const LOCATIONS = ['12 Rue de la Paix, 75002 Paris', '221B Baker Street, London NW1 6XE', '350 Fifth Avenue, New York, NY 10118'];

/** The appointment as an `appointment.*` event carries it (Nudge's event input shape). */
export interface AppointmentFields {
  id: string;
  start_at: string;
  end_at: string;
  timezone: string;
  order_id: string;
  quantity: number;
  service_name: string;
  service_duration: number;
  service_price: string;
  service_location: string;
  team_member: string;
  team_member_email: string;
  variant_title: string;
  customer_management_link: string;
}

export interface ContactFields {
  external_id: string;
  email: string;
  first_name: string;
}

/** What a peer's job carries: everything its handler needs to render the payload. */
export interface ReminderJob {
  appointment: AppointmentFields;
  contact: ContactFields;
}

export function appointmentId(i: number): string {
  return `a${i}`;
}

/** Reminder number from the receiver's `appointment_id`; -1 when it is not one of ours. */
export function reminderIndex(id: unknown): number {
  if (typeof id !== 'string' || id[0] !== 'a') return -1;
  const n = Number(id.slice(1));
  return Number.isInteger(n) ? n : -1;
}

export function appointmentFields(i: number, startMs: number): AppointmentFields {
  const service = SERVICES[i % SERVICES.length]!;
  const member = TEAM[i % TEAM.length]!;
  return {
    id: appointmentId(i),
    start_at: new Date(startMs).toISOString(),
    end_at: new Date(startMs + 45 * 60_000).toISOString(),
    timezone: 'UTC',
    order_id: `#${100_000 + i}`,
    quantity: 1,
    service_name: service,
    service_duration: 45,
    service_price: `${(49 + (i % 7) * 10).toFixed(2)} EUR`,
    service_location: LOCATIONS[i % LOCATIONS.length]!,
    team_member: member,
    team_member_email: `${member.split(' ')[0]!.toLowerCase()}@studio.example`,
    variant_title: `${service} (45 min)`,
    customer_management_link: `https://booking.example/manage/${appointmentId(i)}?token=${(i * 2654435761 >>> 0).toString(16)}`,
  };
}

export function contactFields(i: number): ContactFields {
  return { external_id: `c${i}`, email: `customer${i}@mail.example`, first_name: 'Ada' };
}

export function reminderJob(i: number, startMs: number): ReminderJob {
  return { appointment: appointmentFields(i, startMs), contact: contactFields(i) };
}

/** A Nudge event for the appointment (`appointment.created`, `.rescheduled`, `.canceled`). */
export function appointmentEvent(name: string, i: number, startMs: number, idempotencyKey?: string): Record<string, unknown> {
  return {
    name,
    ...(idempotencyKey ? { idempotency_key: idempotencyKey } : {}),
    contact: contactFields(i),
    appointment: appointmentFields(i, startMs),
  };
}

/** The peers' rendering: the same document Nudge's templates produce. */
export function renderPayload(job: ReminderJob, uniqueId: string): string {
  const a = job.appointment;
  return JSON.stringify({
    data: {
      type: 'event',
      attributes: {
        metric: { data: { type: 'metric', attributes: { name: 'Appointment Reminder' } } },
        profile: { data: { type: 'profile', attributes: { email: job.contact.email, first_name: job.contact.first_name, external_id: job.contact.external_id } } },
        properties: {
          appointment_id: a.id,
          start_at: a.start_at,
          end_at: a.end_at,
          timezone: a.timezone,
          order_id: a.order_id,
          quantity: a.quantity,
          service_name: a.service_name,
          service_duration: a.service_duration,
          service_price: a.service_price,
          service_location: a.service_location,
          team_member: a.team_member,
          team_member_email: a.team_member_email,
          variant_title: a.variant_title,
          customer_management_link: a.customer_management_link,
        },
        time: a.start_at,
        unique_id: uniqueId,
      },
    },
  });
}

/** Nudge's webhook body: every string is a template over the appointment as it is when sent. */
export const NUDGE_WEBHOOK_BODY = {
  data: {
    type: 'event',
    attributes: {
      metric: { data: { type: 'metric', attributes: { name: 'Appointment Reminder' } } },
      profile: { data: { type: 'profile', attributes: { email: '{{ contact.email }}', first_name: '{{ contact.first_name }}', external_id: '{{ contact.external_id }}' } } },
      properties: {
        appointment_id: '{{ appointment.id }}',
        start_at: '{{ appointment.start_at }}',
        end_at: '{{ appointment.end_at }}',
        timezone: '{{ appointment.timezone }}',
        order_id: '{{ appointment.order_id }}',
        quantity: '{{ appointment.quantity }}',
        service_name: '{{ appointment.service_name }}',
        service_duration: '{{ appointment.service_duration }}',
        service_price: '{{ appointment.service_price }}',
        service_location: '{{ appointment.service_location }}',
        team_member: '{{ appointment.team_member }}',
        team_member_email: '{{ appointment.team_member_email }}',
        variant_title: '{{ appointment.variant_title }}',
        customer_management_link: '{{ appointment.customer_management_link }}',
      },
      time: '{{ appointment.start_at }}',
      unique_id: '{{ session.id }}',
    },
  },
};

/** The flow Nudge runs in the timer scenarios: a webhook 24 h before each appointment. */
export function reminderFlow(receiverUrl: string, name = 'Bench reminder 24h before'): Record<string, unknown> {
  return {
    name,
    trigger: { appointment: { anchor: 'start', before: '24h' } },
    steps: [{ id: 'remind', webhook: { url: `${receiverUrl}/hook`, body: NUDGE_WEBHOOK_BODY } }],
  };
}

/** The flow of the end-to-end scenario: the same webhook as soon as a booking arrives. */
export function confirmationFlow(receiverUrl: string): Record<string, unknown> {
  return {
    name: 'Bench booking confirmation',
    trigger: { event: 'appointment.created' },
    steps: [{ id: 'confirm', webhook: { url: `${receiverUrl}/hook`, body: NUDGE_WEBHOOK_BODY } }],
  };
}
