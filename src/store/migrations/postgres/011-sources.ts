/**
 * Inbound sources: a workspace's endpoints for booking systems' webhooks (`/hooks/<token>`), every
 * delivery they receive with its verification result and outcome, and the links from a vendor's
 * booking ids to the appointment they belong to (a reschedule that makes a new booking id keeps the
 * same Nudge appointment).
 */
import type { Migration } from '../../migrator.js';

export const sources: Migration = {
  name: '011_sources',
  sql: [
    `create table sources (
      id text primary key,
      workspace_id text not null,
      kind text not null,
      name text not null,
      token_hash text not null,
      token_ciphertext text not null,
      secret_ciphertext text not null,
      config_json text not null,
      created_at bigint not null,
      rotated_at bigint
    )`,
    `create unique index sources_token_hash on sources (token_hash)`,
    `create index sources_workspace_id on sources (workspace_id, id)`,
    `create table source_deliveries (
      id text primary key,
      source_id text not null,
      workspace_id text not null,
      received_at bigint not null,
      headers_json text not null,
      body text,
      body_bytes bigint not null,
      verified integer not null,
      outcome text not null,
      reason text,
      status_code integer not null,
      vendor_event text,
      vendor_delivery_id text,
      replay_key text,
      event_ids_json text not null,
      replay_of text
    )`,
    `create index source_deliveries_source on source_deliveries (source_id, id)`,
    `create index source_deliveries_replay_key on source_deliveries (source_id, replay_key)`,
    `create table source_bookings (
      workspace_id text not null,
      kind text not null,
      booking_id text not null,
      appointment_key text not null,
      created_at bigint not null,
      primary key (workspace_id, kind, booking_id)
    )`,
  ],
};
