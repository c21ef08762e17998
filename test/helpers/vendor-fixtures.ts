/**
 * Shopify, Acuity and Square webhooks as the vendors document them, with times and ids the test
 * chooses, signed the way each documents: Shopify's orders/create example (shopify.dev, webhook
 * topics: orders/create) with a booking's line item properties as a booking app writes them;
 * Acuity's form-encoded notification and its appointment example (developers.acuityscheduling.com,
 * webhooks and GET /appointments/:id); Square's booking.created example (developer.squareup.com,
 * webhooks reference: booking.created).
 */
import { createHmac } from 'node:crypto';

const base64Hmac = (key: string, ...parts: string[]) => {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest('base64');
};

/** Shopify's documented order, with one booking line item (and one that is not a booking). */
export function shopifyOrder(o: { id: number; start: string; end?: string; cancelled?: boolean }): Record<string, unknown> {
  return {
    id: o.id,
    admin_graphql_api_id: `gid://shopify/Order/${o.id}`,
    email: 'jon@example.com',
    phone: null,
    created_at: '2026-11-23T04:00:00-05:00',
    cancelled_at: o.cancelled ? '2026-11-23T05:00:00-05:00' : null,
    cancel_reason: o.cancelled ? 'customer' : null,
    currency: 'USD',
    financial_status: 'paid',
    name: '#9999',
    total_price: '199.00',
    customer: { id: 115310627314723950, admin_graphql_api_id: 'gid://shopify/Customer/115310627314723954', email: 'john@example.com', first_name: 'John', last_name: 'Smith', phone: null, state: 'disabled', currency: 'USD' },
    line_items: [
      {
        id: 866550311766439020,
        admin_graphql_api_id: 'gid://shopify/LineItem/866550311766439020',
        name: 'Tattoo Removal - 60 Minutes',
        title: 'Tattoo Removal',
        variant_title: '60 Minutes',
        price: '199.00',
        quantity: 1,
        product_id: 632910392,
        requires_shipping: false,
        properties: [
          { name: 'Start time', value: o.start },
          ...(o.end ? [{ name: 'End time', value: o.end }] : []),
          { name: 'Timezone', value: 'America/New_York' },
          { name: 'Team member', value: 'Ada' },
        ],
      },
      { id: 141249953214522980, name: 'Aftercare balm', title: 'Aftercare balm', price: '12.00', quantity: 1, properties: [] },
    ],
  };
}

export function shopifyHeaders(secret: string, body: string, topic: string, webhookId: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-shopify-hmac-sha256': base64Hmac(secret, body),
    'x-shopify-topic': topic,
    'x-shopify-webhook-id': webhookId,
    'x-shopify-shop-domain': 'example.myshopify.com',
  };
}

/** Acuity's notification body: form-encoded, naming only the appointment. */
export const acuityForm = (action: string, id: number) => new URLSearchParams({ action, id: String(id), calendarID: '27238', appointmentTypeID: '1' }).toString();

export function acuityHeaders(apiKey: string, body: string): Record<string, string> {
  return { 'content-type': 'application/x-www-form-urlencoded', 'x-acuity-signature': base64Hmac(apiKey, body) };
}

/** Acuity's documented appointment example, at this id and time (`datetime` with Acuity's `-0700` offset form). */
export function acuityAppointment(id: number, datetime: string): Record<string, unknown> {
  return {
    id,
    firstName: 'Bob',
    lastName: 'McTest',
    phone: '',
    email: 'bob.mctest@example.com',
    date: 'July 2, 2013',
    time: '10:15am',
    endTime: '11:15am',
    dateCreated: 'June 17, 2013',
    datetime,
    price: '10.00',
    paid: 'no',
    amountPaid: '0.00',
    type: 'Regular Visit',
    appointmentTypeID: 1,
    addonIDs: [1],
    classID: null,
    category: '',
    duration: '60',
    calendar: 'My Calendar',
    calendarID: 27238,
    canClientCancel: false,
    canClientReschedule: false,
    location: '',
    certificate: null,
    confirmationPage: 'https://acuityscheduling.com/schedule.php?owner=11145481&id[]=1220aa9f41091c50c0cc659385cfa1d0&action=appt',
    notes: 'Notes',
    timezone: 'America/New_York',
    forms: [],
    labels: [],
  };
}

/** Square's documented booking event, with this booking's status, start and version. */
export function squareBody(
  type: 'booking.created' | 'booking.updated',
  o: { eventId: string; bookingId: string; start: string; status?: string; version?: number },
): Record<string, unknown> {
  return {
    merchant_id: '7WQ0KXC8ZSD90',
    location_id: 'SNTR5190QMFGM',
    type,
    event_id: o.eventId,
    created_at: '2026-11-23T09:00:00Z',
    data: {
      type: 'booking',
      id: `${o.bookingId}:${o.version ?? 0}`,
      object: {
        booking: {
          id: o.bookingId,
          version: o.version ?? 0,
          status: o.status ?? 'ACCEPTED',
          created_at: '2026-11-23T09:00:00Z',
          updated_at: '2026-11-23T09:00:00Z',
          start_at: o.start,
          location_id: 'SNTR5190QMFGM',
          customer_id: 'HF4YCVZW2SYT3FKYHY9ZZAEK4M',
          customer_note: '',
          seller_note: '',
          appointment_segments: [{ duration_minutes: 60, service_variation_id: 'GUN7HNQBH7ZRARYZN52E7O4B', team_member_id: '2_uNFkqPYqV-AZB-7neN', service_variation_version: 1599775456731 }],
        },
      },
    },
  };
}

/** `x-square-hmacsha256-signature`: base64 HMAC-SHA256 of the notification URL followed by the body. */
export function squareHeaders(signatureKey: string, url: string, body: string): Record<string, string> {
  return { 'content-type': 'application/json', 'x-square-hmacsha256-signature': base64Hmac(signatureKey, url, body) };
}
