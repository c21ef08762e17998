/**
 * The appointment properties of Sesami's Klaviyo table (seeds/001), the names templates see as
 * `event.*` and marketing channels send by default. One list for the store, templates and channels.
 */

/** Properties kept as appointment columns, besides its times and status. */
export const APPOINTMENT_PROPERTIES = [
  'order_id',
  'quantity',
  'service_name',
  'service_description',
  'service_duration',
  'service_price',
  'service_location',
  'service_image_url',
  'team_member',
  'team_member_description',
  'team_member_email',
  'team_member_phone',
  'variant_title',
  'customer_management_link',
] as const;

/** Every property of Sesami's table, in its order: the columns above plus the id, the display time and the form answers. */
export const SESAMI_PROPERTY_NAMES = ['appointment_id', 'datetime', ...APPOINTMENT_PROPERTIES, 'line_item_properties'] as const;
