/**
 * PostgreSQL: every table of `schema.ts`.
 *
 * Times are `bigint` epoch milliseconds (the store's pool parses int8 to a JS number); other
 * counters are `integer`. No foreign keys, as on SQLite: the repositories keep references
 * consistent, and one schema shape on both dialects keeps the conformance suite honest.
 */
import type { Migration } from '../../migrator.js';

export const initial: Migration = {
  name: '001_initial',
  sql: [
    `create table workspaces (
      id text primary key,
      name text not null,
      plan text not null default 'small',
      flow_limit integer not null default 1,
      timezone text not null default 'UTC',
      sender_email text,
      created_at bigint not null
    )`,

    `create table api_keys (
      id text primary key,
      workspace_id text not null,
      name text not null,
      prefix text not null,
      key_hash text not null unique,
      created_at bigint not null,
      revoked_at bigint,
      last_used_at bigint
    )`,
    `create index api_keys_workspace_id on api_keys (workspace_id)`,

    `create table contacts (
      id text primary key,
      workspace_id text not null,
      external_id text,
      email text,
      phone text,
      name text,
      first_name text,
      last_name text,
      language text,
      timezone text,
      attributes_json text not null default '{}',
      created_at bigint not null,
      updated_at bigint not null
    )`,
    `create unique index contacts_workspace_external_id on contacts (workspace_id, external_id) where external_id is not null`,
    `create unique index contacts_workspace_email on contacts (workspace_id, email) where email is not null`,
    `create unique index contacts_workspace_phone on contacts (workspace_id, phone) where phone is not null`,

    `create table events (
      id text primary key,
      workspace_id text not null,
      name text not null,
      idempotency_key text not null,
      contact_id text,
      appointment_id text,
      occurred_at bigint not null,
      received_at bigint not null,
      payload_json text not null
    )`,
    `create unique index events_workspace_idempotency_key on events (workspace_id, idempotency_key)`,
    `create index events_workspace_received_at on events (workspace_id, received_at)`,
    `create index events_contact_id on events (contact_id)`,

    `create table appointments (
      id text primary key,
      workspace_id text not null,
      external_id text not null,
      contact_id text,
      status text not null,
      start_at bigint not null,
      end_at bigint not null,
      timezone text,
      revision integer not null default 1,
      last_event_at bigint not null,
      order_id text,
      quantity integer,
      service_name text,
      service_description text,
      service_duration integer,
      service_price text,
      service_location text,
      service_image_url text,
      team_member text,
      team_member_description text,
      team_member_email text,
      team_member_phone text,
      variant_title text,
      customer_management_link text,
      line_item_properties_json text,
      extra_json text not null default '{}',
      created_at bigint not null,
      updated_at bigint not null
    )`,
    `create unique index appointments_workspace_external_id on appointments (workspace_id, external_id)`,
    `create index appointments_contact_id on appointments (contact_id)`,

    `create table flows (
      id text primary key,
      workspace_id text not null,
      name text not null,
      status text not null default 'draft',
      version integer not null default 1,
      created_at bigint not null,
      updated_at bigint not null
    )`,
    `create index flows_workspace_status on flows (workspace_id, status)`,

    `create table flow_versions (
      flow_id text not null,
      version integer not null,
      definition_json text not null,
      created_at bigint not null,
      primary key (flow_id, version)
    )`,

    `create table sessions (
      id text primary key,
      workspace_id text not null,
      flow_id text not null,
      flow_version integer not null,
      contact_id text,
      appointment_id text,
      event_id text,
      key text not null,
      status text not null,
      step_id text,
      seq integer not null default 0,
      attempt integer not null default 1,
      appointment_revision integer,
      gate_json text,
      wake_at bigint,
      created_at bigint not null,
      updated_at bigint not null,
      ended_at bigint,
      end_reason text
    )`,
    `create index sessions_flow_status on sessions (flow_id, status)`,
    `create index sessions_flow_key on sessions (flow_id, key)`,
    `create index sessions_contact_id on sessions (contact_id)`,
    `create index sessions_appointment_id on sessions (appointment_id)`,
    `create index sessions_workspace_status on sessions (workspace_id, status)`,

    `create table session_logs (
      id text primary key,
      workspace_id text not null,
      session_id text not null,
      at bigint not null,
      type text not null,
      step_id text,
      message text not null default '',
      data_json text
    )`,
    `create index session_logs_session_at on session_logs (session_id, at)`,

    `create table deliveries (
      id text primary key,
      workspace_id text not null,
      session_id text not null,
      flow_id text not null,
      step_id text not null,
      channel text not null,
      attempt integer not null,
      idempotency_key text not null,
      status text not null,
      request_json text not null,
      response_json text,
      error text,
      duration_ms integer not null default 0,
      created_at bigint not null
    )`,
    `create index deliveries_session_id on deliveries (session_id)`,
    `create index deliveries_workspace_created_at on deliveries (workspace_id, created_at)`,
    `create index deliveries_workspace_status on deliveries (workspace_id, status)`,

    `create table outbox (
      id text primary key,
      workspace_id text not null,
      delivery_id text,
      session_id text,
      message_id text not null,
      from_address text not null,
      to_address text not null,
      subject text not null,
      html text,
      text text,
      headers_json text not null default '{}',
      created_at bigint not null
    )`,
    `create index outbox_workspace_created_at on outbox (workspace_id, created_at)`,

    // PostgreSQL has no clustered tables; the claim walks a partial index in due order instead,
    // and held (paused) timers stay out of it so a paused flow's backlog costs claims nothing.
    `create table timers (
      id text primary key,
      due_at bigint not null,
      scheduled_at bigint not null,
      kind text not null,
      workspace_id text not null,
      flow_id text not null,
      session_id text,
      appointment_id text,
      step_id text,
      seq integer,
      anchor text,
      anchor_offset text,
      held integer not null default 0,
      lease_owner text,
      claims integer not null default 0,
      created_at bigint not null
    )`,
    `create index timers_due_at_unheld on timers (due_at) where held = 0`,
    `create index timers_appointment_id on timers (appointment_id)`,
    `create index timers_flow_id on timers (flow_id)`,
    `create index timers_session_id on timers (session_id)`,
  ],
};
