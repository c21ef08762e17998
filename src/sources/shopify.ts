/**
 * Shopify: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body with the secret Shopify
 * shows for the webhooks (the app's client secret, or the key under Settings → Notifications →
 * Webhooks); `X-Shopify-Webhook-Id` names the delivery and stays the same when Shopify retries it.
 * The topic is in `X-Shopify-Topic`; the body is the order.
 *
 * Bookings sold through checkout (as Sesami sells them) are line items carrying the booking in
 * their properties (`[{ name, value }]`): the start time (ISO 8601 with an offset), and optionally
 * the end, timezone, service, team member and location. The property names are the source's
 * settings (defaults below), since each booking app names them its own way. Each such line item is
 * one appointment, `shopify:<order id>:<line item id>`: `orders/create` and `orders/paid` create
 * it, `orders/cancelled` cancels it; line items without a start are not bookings and are skipped.
 * After a secret rotation Shopify may sign with the old secret for up to an hour, so the previous
 * secret keeps verifying for an hour.
 */
import { z } from 'zod';
import { issueAt } from '../core/issue-codes.js';
import { compact, isoTime, record, text, type BookingEvent, type SourceDecision } from '../core/sources/source-decision.js';
import { checkBase64Hmac } from './signatures.js';
import type { SourceVendor } from './vendor.js';

const SIGNATURE = { name: 'x-shopify-hmac-sha256', label: 'X-Shopify-Hmac-Sha256' };
const WEBHOOK_ID = 'x-shopify-webhook-id';
const TOPIC = 'x-shopify-topic';

const propertyName = (fallback: string) => z.string().trim().min(1).max(100).default(fallback);

export const shopifyConfigSchema = z.strictObject({
  /** The line item property names that carry a booking. */
  properties: z
    .strictObject({
      start: propertyName('Start time'),
      end: propertyName('End time'),
      timezone: propertyName('Timezone'),
      service: propertyName('Service'),
      team_member: propertyName('Team member'),
      location: propertyName('Location'),
    })
    .prefault({}),
});
export type ShopifyConfig = z.infer<typeof shopifyConfigSchema>;

const NAMES: Record<string, string> = {
  'orders/create': 'appointment.created',
  'orders/paid': 'appointment.created',
  'orders/cancelled': 'appointment.canceled',
};

/**
 * An order's, line item's or customer's id as text. Shopify's ids pass 2^53, so a JSON number may
 * have lost digits; `admin_graphql_api_id` (`gid://shopify/LineItem/866550311766439020`) keeps them.
 */
function idOf(value: Record<string, unknown>): string | undefined {
  const gid = text(value.admin_graphql_api_id)?.split('/').pop();
  if (gid && /^\d+$/.test(gid)) return gid;
  return typeof value.id === 'number' || typeof value.id === 'string' ? String(value.id) : undefined;
}

/** Line item properties as a map; Shopify sends `[{ name, value }]` (older payloads an object). */
function propertiesOf(item: Record<string, unknown>): Map<string, string> {
  const out = new Map<string, string>();
  const raw = item.properties;
  const pairs = Array.isArray(raw) ? raw.map((p) => [record(p).name, record(p).value]) : Object.entries(record(raw));
  for (const [name, value] of pairs) {
    if (typeof name === 'string' && (typeof value === 'string' || typeof value === 'number')) out.set(name, String(value));
  }
  return out;
}

function contactOf(order: Record<string, unknown>): Record<string, unknown> {
  const customer = record(order.customer);
  return compact({
    external_id: idOf(customer) === undefined ? undefined : `shopify:${idOf(customer)}`,
    email: text(order.email) ?? text(customer.email),
    phone: text(order.phone) ?? text(customer.phone),
    first_name: text(customer.first_name),
    last_name: text(customer.last_name),
  });
}

function bookingOf(order: Record<string, unknown>, item: Record<string, unknown>, names: ShopifyConfig['properties']) {
  const props = propertiesOf(item);
  const start = isoTime(props.get(names.start));
  if (!start) return undefined;
  const price = text(item.price);
  const currency = text(order.currency);
  return compact({
    start_at: start,
    end_at: isoTime(props.get(names.end)),
    timezone: props.get(names.timezone),
    service_name: props.get(names.service) ?? text(item.title) ?? text(item.name),
    service_price: price && currency ? `${price} ${currency}` : price,
    service_location: props.get(names.location),
    team_member: props.get(names.team_member),
    line_item_properties: Object.fromEntries(props),
    extra: compact({ source: 'shopify', order_id: idOf(order), order_name: text(order.name), line_item_id: idOf(item) }),
  });
}

function decide(body: unknown, config: ShopifyConfig, topic: string | null): SourceDecision {
  const order = record(body);
  const name = topic ? NAMES[topic] : undefined;
  if (!name) return { outcome: 'ignored', vendorEvent: topic, reason: `unknown event type ${topic ?? '(none)'}` };
  const orderId = idOf(order);
  if (!orderId) return { outcome: 'invalid', vendorEvent: topic, issues: [issueAt('id', 'required')] };
  const items = Array.isArray(order.line_items) ? order.line_items.map(record) : [];
  const events: BookingEvent[] = [];
  for (const item of items) {
    const appointment = bookingOf(order, item, config.properties);
    const itemId = idOf(item);
    if (!appointment || !itemId) continue;
    const booking = `${orderId}:${itemId}`;
    const event = {
      name,
      // orders/create and orders/paid both create: one key, so the second applies nothing new.
      idempotency_key: `shopify:${name}:${booking}`,
      occurred_at: isoTime(name === 'appointment.canceled' ? order.cancelled_at : order.created_at),
      contact: contactOf(order),
      appointment,
    };
    events.push({ event: compact(event), booking: { id: booking } });
  }
  if (events.length === 0) return { outcome: 'ignored', vendorEvent: topic, reason: `no line item carries a booking (a "${config.properties.start}" property)` };
  return { outcome: 'events', vendorEvent: topic, events };
}

export const shopify: SourceVendor<ShopifyConfig, { secret: string }> = {
  kind: 'shopify',
  label: 'Shopify',
  headers: ['content-type', 'user-agent', SIGNATURE.name, WEBHOOK_ID, TOPIC, 'x-shopify-shop-domain', 'x-shopify-triggered-at'],
  configSchema: shopifyConfigSchema,
  newSecret: () => '',
  credentials: {
    schema: z.strictObject({ secret: z.string().trim().min(1).max(500) }),
    signingSecret: (c) => c.secret,
  },
  previousSecretGraceMs: 3_600_000,
  verify(request, secret) {
    const failed = checkBase64Hmac(request.headers, SIGNATURE, secret, [request.body]);
    if (failed) return failed;
    const id = text(request.headers[WEBHOOK_ID]) ?? null;
    return { ok: true, deliveryId: id, replayKey: id ? `id:${id}` : `sig:${request.headers[SIGNATURE.name]!.trim()}` };
  },
  decide: (body, config, context) => decide(body, config, text(context.headers[TOPIC]) ?? null),
};
