/**
 * Two rows per table for round-trip tests: `full` fills every nullable column with awkward values
 * (times near 1.8e12 and up to 2^53 - 1, JSON with quotes, newlines and non-ASCII text); `sparse`
 * leaves every nullable column null.
 */
import type { Insertable } from 'kysely';
import type { Database } from '../../src/store/schema.js';

export type TableName = keyof Database;
export type SampleRows = { [T in TableName]: { full: Insertable<Database[T]>; sparse: Insertable<Database[T]> } };

/** A time in 2027 with milliseconds, well past 2^32. */
export const T0 = 1_800_000_000_123;
/** The largest time a JS number holds exactly; must survive a round trip. */
export const MAX_TIME = Number.MAX_SAFE_INTEGER;
const JSON_TEXT = JSON.stringify({ quote: 'say "hi"', lines: 'a\nb', unicode: 'Zoë ✓ 予約', n: 1.5, nested: { ok: true, list: [1, null] } });

export function sampleRows(ws: string): SampleRows {
  return {
    workspaces: {
      full: { id: `${ws}`, name: 'Zoë’s Salon', plan: 'pro', flow_limit: 6, timezone: 'Europe/Zurich', sender_email: 'hi@example.com', country: 'CH', require_two_factor: 1, created_at: T0,
        retention_events_days: 36500, retention_deliveries_days: 1, retention_outbox_days: 30 },
      sparse: { id: `${ws}_2`, name: 'Bare', plan: 'unlimited', flow_limit: null, timezone: 'UTC', sender_email: null, country: null, require_two_factor: 0, created_at: T0 + 1,
        retention_events_days: null, retention_deliveries_days: null, retention_outbox_days: null },
    },
    api_keys: {
      full: { id: `key_${ws}_1`, workspace_id: ws, name: 'ci', prefix: 'nk_ab', key_hash: `hash_${ws}_1`, created_at: T0, revoked_at: MAX_TIME, last_used_at: T0 + 5, role: 'staff' },
      sparse: { id: `key_${ws}_2`, workspace_id: ws, name: 'ci2', prefix: 'nk_cd', key_hash: `hash_${ws}_2`, created_at: T0, revoked_at: null, last_used_at: null, role: 'owner' },
    },
    contacts: {
      full: {
        id: `ct_${ws}_1`, workspace_id: ws, external_id: 'ext-1', email: 'zoe@example.com', phone: '+41790000000', name: 'Zoë Example',
        first_name: 'Zoë', last_name: 'Example', language: 'de', timezone: 'Europe/Zurich', attributes_json: JSON_TEXT, created_at: T0, updated_at: T0 + 1,
      },
      sparse: {
        id: `ct_${ws}_2`, workspace_id: ws, external_id: null, email: null, phone: null, name: null, first_name: null, last_name: null,
        language: null, timezone: null, attributes_json: '{}', created_at: T0, updated_at: T0,
      },
    },
    events: {
      full: {
        id: `ev_${ws}_1`, workspace_id: ws, name: 'appointment.created', idempotency_key: 'idem-1', contact_id: `ct_${ws}_1`,
        appointment_id: `ap_${ws}_1`, occurred_at: T0 - 1000, received_at: T0, payload_json: JSON_TEXT,
      },
      sparse: {
        id: `ev_${ws}_2`, workspace_id: ws, name: 'custom', idempotency_key: 'idem-2', contact_id: null, appointment_id: null,
        occurred_at: T0, received_at: MAX_TIME, payload_json: '{}',
      },
    },
    appointments: {
      full: {
        id: `ap_${ws}_1`, workspace_id: ws, external_id: 'booking-1', contact_id: `ct_${ws}_1`, status: 'booked', start_at: T0 + 86_400_000,
        end_at: T0 + 90_000_000, timezone: 'Europe/Zurich', revision: 3, last_event_at: T0, order_id: 'order-9', quantity: 2,
        service_name: 'Haircut', service_description: 'Wash, cut & "style"\nLong hair', service_duration: 45, service_price: '49.90',
        service_location: 'Bahnhofstrasse 1', service_image_url: 'https://example.com/a.png', team_member: 'Ana', team_member_description: 'Senior',
        team_member_email: 'ana@example.com', team_member_phone: '+41790000001', variant_title: 'Long', customer_management_link: 'https://example.com/m/1',
        line_item_properties_json: JSON_TEXT, extra_json: JSON_TEXT, created_at: T0, updated_at: T0 + 2,
      },
      sparse: {
        id: `ap_${ws}_2`, workspace_id: ws, external_id: 'booking-2', contact_id: null, status: 'canceled', start_at: MAX_TIME - 1,
        end_at: MAX_TIME, timezone: null, revision: 1, last_event_at: T0, order_id: null, quantity: null, service_name: null,
        service_description: null, service_duration: null, service_price: null, service_location: null, service_image_url: null,
        team_member: null, team_member_description: null, team_member_email: null, team_member_phone: null, variant_title: null,
        customer_management_link: null, line_item_properties_json: null, extra_json: '{}', created_at: T0, updated_at: T0,
      },
    },
    flows: {
      full: { id: `fl_${ws}_1`, workspace_id: ws, name: 'Reminder 24h', status: 'active', version: 2, created_at: T0, updated_at: T0 + 9 },
      sparse: { id: `fl_${ws}_2`, workspace_id: ws, name: 'Draft', status: 'draft', version: 1, created_at: T0, updated_at: T0 },
    },
    flow_versions: {
      full: { flow_id: `fl_${ws}_1`, version: 1, definition_json: JSON_TEXT, created_at: T0 },
      sparse: { flow_id: `fl_${ws}_1`, version: 2, definition_json: '{}', created_at: T0 + 1 },
    },
    sessions: {
      full: {
        id: `se_${ws}_1`, workspace_id: ws, flow_id: `fl_${ws}_1`, flow_version: 2, contact_id: `ct_${ws}_1`, appointment_id: `ap_${ws}_1`,
        event_id: `ev_${ws}_1`, key: `ap_${ws}_1`, status: 'completed', step_id: 'send-email', seq: 7, attempt: 2, appointment_revision: 3,
        gate_json: JSON_TEXT, wake_at: T0 + 60_000, created_at: T0, updated_at: T0 + 3, ended_at: MAX_TIME, end_reason: 'completed',
      },
      sparse: {
        id: `se_${ws}_2`, workspace_id: ws, flow_id: `fl_${ws}_1`, flow_version: 1, contact_id: null, appointment_id: null, event_id: null,
        key: 'k', status: 'active', step_id: null, seq: 0, attempt: 1, appointment_revision: null, gate_json: null, wake_at: null,
        created_at: T0, updated_at: T0, ended_at: null, end_reason: null,
      },
    },
    session_logs: {
      full: { id: `sl_${ws}_1`, workspace_id: ws, session_id: `se_${ws}_1`, at: T0, type: 'step_completed', step_id: 'send-email', message: 'sent ✓', data_json: JSON_TEXT },
      sparse: { id: `sl_${ws}_2`, workspace_id: ws, session_id: `se_${ws}_1`, at: MAX_TIME, type: 'started', step_id: null, message: '', data_json: null },
    },
    deliveries: {
      full: {
        id: `dl_${ws}_1`, workspace_id: ws, session_id: `se_${ws}_1`, flow_id: `fl_${ws}_1`, step_id: 'send-email', channel: 'email', attempt: 2,
        idempotency_key: `se_${ws}_1:send-email:0`, status: 'succeeded', request_json: JSON_TEXT, response_json: JSON_TEXT, error: 'timeout "first"',
        duration_ms: 1234, created_at: T0,
      },
      sparse: {
        id: `dl_${ws}_2`, workspace_id: ws, session_id: `se_${ws}_1`, flow_id: `fl_${ws}_1`, step_id: 'hook', channel: 'webhook', attempt: 1,
        idempotency_key: `se_${ws}_1:hook:0`, status: 'retrying', request_json: '{}', response_json: null, error: null, duration_ms: 0, created_at: MAX_TIME,
      },
    },
    outbox: {
      full: {
        id: `ob_${ws}_1`, workspace_id: ws, delivery_id: `dl_${ws}_1`, session_id: `se_${ws}_1`, message_id: '<m1@nudge>', from_address: 'a@example.com',
        to_address: 'Zoë <zoe@example.com>', subject: 'Morgen: "Haircut" ✓', html: '<p>Hallo Zoë</p>', text: 'Hallo Zoë\n', headers_json: JSON_TEXT, created_at: T0,
      },
      sparse: {
        id: `ob_${ws}_2`, workspace_id: ws, delivery_id: null, session_id: null, message_id: '<m2@nudge>', from_address: 'a@example.com',
        to_address: 'b@example.com', subject: '', html: null, text: null, headers_json: '{}', created_at: T0,
      },
    },
    timers: {
      full: {
        id: `tm_${ws}_1`, due_at: MAX_TIME, scheduled_at: T0, kind: 'session', workspace_id: ws, flow_id: `fl_${ws}_1`, session_id: `se_${ws}_1`,
        appointment_id: `ap_${ws}_1`, step_id: 'wait-1', seq: 4, anchor: 'start', anchor_offset: '-24h', held: 1, lease_owner: 'worker-1', claims: 3, created_at: T0,
      },
      sparse: {
        id: `tm_${ws}_2`, due_at: T0, scheduled_at: T0, kind: 'trigger', workspace_id: ws, flow_id: `fl_${ws}_1`, session_id: null, appointment_id: null,
        step_id: null, seq: null, anchor: null, anchor_offset: null, held: 0, lease_owner: null, claims: 0, created_at: T0,
      },
    },
    secrets: {
      full: { workspace_id: ws, name: 'KLAVIYO_PRIVATE_API_KEY', ciphertext: 'AAECAwQFBgcICQoL+/8=', created_at: T0, updated_at: MAX_TIME },
      sparse: { workspace_id: ws, name: 'S', ciphertext: '', created_at: T0, updated_at: T0 },
    },
    skips: {
      full: {
        id: `sk_${ws}_1`, workspace_id: ws, flow_id: `fl_${ws}_1`, appointment_id: `ap_${ws}_1`, contact_id: `ct_${ws}_1`, session_id: `ss_${ws}_1`,
        step_id: 'remind', due_at: MAX_TIME, reason: 'too_late', message: 'skipped: 7200 s late, "more" than max_lateness ✓', created_at: T0,
      },
      sparse: {
        id: `sk_${ws}_2`, workspace_id: ws, flow_id: `fl_${ws}_1`, appointment_id: null, contact_id: null, session_id: null,
        step_id: null, due_at: T0, reason: 'past_due', message: '', created_at: T0,
      },
    },
    users: {
      full: {
        id: `us_${ws}_1`, workspace_id: ws, email: `zoe+${ws}@example.com`, name: 'Zoë “Owner” 予約', role: 'owner', password_hash: 'scrypt$15$8$1$c2FsdA$aGFzaA',
        totp_secret: 'JBSWY3DPEHPK3PXP', totp_pending_secret: 'KRSXG5CTMVRXEZLU', totp_last_counter: 60_000_000, created_at: T0, last_sign_in_at: MAX_TIME,
      },
      sparse: {
        id: `us_${ws}_2`, workspace_id: ws, email: `bare+${ws}@example.com`, name: '', role: 'staff', password_hash: 'x',
        totp_secret: null, totp_pending_secret: null, totp_last_counter: null, created_at: T0, last_sign_in_at: null,
      },
    },
    user_sessions: {
      full: { id: `hash_${ws}_s1`, user_id: `us_${ws}_1`, workspace_id: ws, created_at: T0, last_seen_at: T0 + 1, expires_at: MAX_TIME },
      sparse: { id: `hash_${ws}_s2`, user_id: `us_${ws}_2`, workspace_id: ws, created_at: T0, last_seen_at: T0, expires_at: T0 },
    },
    invites: {
      full: {
        id: `iv_${ws}_1`, workspace_id: ws, token_hash: `hash_${ws}_i1`, kind: 'invite', role: 'admin', email: 'new@example.com',
        created_by: `us_${ws}_1`, created_at: T0, expires_at: MAX_TIME, accepted_at: T0 + 2,
      },
      sparse: {
        id: `iv_${ws}_2`, workspace_id: ws, token_hash: `hash_${ws}_i2`, kind: 'setup', role: 'owner', email: null,
        created_by: null, created_at: T0, expires_at: T0, accepted_at: null,
      },
    },
    audit_log: {
      full: {
        id: `au_${ws}_1`, workspace_id: ws, at: MAX_TIME, actor_kind: 'user', actor_id: `us_${ws}_1`, actor_label: 'zoe@example.com',
        action: 'flow.updated', target_kind: 'flow', target_id: `fl_${ws}_1`, details_json: JSON_TEXT,
      },
      sparse: {
        id: `au_${ws}_2`, workspace_id: ws, at: T0, actor_kind: 'system', actor_id: null, actor_label: 'system',
        action: 'workspace.updated', target_kind: null, target_id: null, details_json: null,
      },
    },
    sources: {
      full: {
        id: `so_${ws}_1`, workspace_id: ws, kind: 'generic', name: 'Zoë’s "booking" app', token_hash: `hash_${ws}_so1`,
        token_ciphertext: 'c1', secret_ciphertext: 'c2', config_json: JSON_TEXT, created_at: T0, rotated_at: MAX_TIME,
        credentials_ciphertext: 'c5', previous_secret_ciphertext: 'c6', previous_secret_expires_at: MAX_TIME,
      },
      sparse: {
        id: `so_${ws}_2`, workspace_id: ws, kind: 'calcom', name: '', token_hash: `hash_${ws}_so2`,
        token_ciphertext: 'c3', secret_ciphertext: 'c4', config_json: '{}', created_at: T0, rotated_at: null,
        credentials_ciphertext: null, previous_secret_ciphertext: null, previous_secret_expires_at: null,
      },
    },
    source_deliveries: {
      full: {
        id: `sd_${ws}_1`, source_id: `so_${ws}_1`, workspace_id: ws, received_at: MAX_TIME, headers_json: JSON_TEXT, body: JSON_TEXT,
        body_bytes: 123, verified: 1, outcome: 'applied', reason: 'ok ✓', status_code: 200, vendor_event: 'BOOKING_CREATED',
        vendor_delivery_id: 'msg_1', replay_key: 'id:msg_1', event_ids_json: '["ev_1"]', replay_of: `sd_${ws}_0`,
      },
      sparse: {
        id: `sd_${ws}_2`, source_id: `so_${ws}_1`, workspace_id: ws, received_at: T0, headers_json: '{}', body: null,
        body_bytes: 0, verified: 0, outcome: 'rejected', reason: null, status_code: 401, vendor_event: null,
        vendor_delivery_id: null, replay_key: null, event_ids_json: '[]', replay_of: null,
      },
    },
    source_bookings: {
      full: { workspace_id: ws, kind: 'calendly', booking_id: 'https://api.calendly.com/scheduled_events/X/invitees/Y', appointment_key: 'calendly:https://…/Z', created_at: MAX_TIME },
      sparse: { workspace_id: ws, kind: 'calcom', booking_id: 'uid-2', appointment_key: 'calcom:uid-1', created_at: T0 },
    },
    contact_erasures: {
      full: { contact_id: `ct_${ws}_1`, workspace_id: ws, erased_at: MAX_TIME, counts_json: JSON_TEXT },
      sparse: { contact_id: `ct_${ws}_2`, workspace_id: ws, erased_at: T0, counts_json: '{}' },
    },
    sign_in_failures: {
      full: { key: `${ws}_${'f'.repeat(64)}`, at: MAX_TIME },
      sparse: { key: `${ws}_${'0'.repeat(64)}`, at: T0 },
    },
  };
}

/** Primary-key column of each table, to read a row back. */
export const KEY: { [T in TableName]: readonly string[] } = {
  workspaces: ['id'], api_keys: ['id'], contacts: ['id'], events: ['id'], appointments: ['id'], flows: ['id'],
  flow_versions: ['flow_id', 'version'], sessions: ['id'], session_logs: ['id'], deliveries: ['id'], outbox: ['id'], timers: ['id'],
  secrets: ['workspace_id', 'name'], skips: ['id'], users: ['id'], user_sessions: ['id'], invites: ['id'], audit_log: ['id'],
  sources: ['id'], source_deliveries: ['id'], source_bookings: ['workspace_id', 'kind', 'booking_id'],
  contact_erasures: ['contact_id'],
  sign_in_failures: ['key', 'at'],
};
