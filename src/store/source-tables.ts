/** The tables of inbound sources (migration 011), part of `Database` in schema.ts. */
import type { Selectable } from 'kysely';

export interface SourcesTable {
  /** `so_…` */
  id: string;
  workspace_id: string;
  /** `calcom` | `calendly` | `shopify` | `acuity` | `square` | `generic` (src/sources/registry.ts). */
  kind: string;
  name: string;
  /** SHA-256 of the URL token, hex: requests are looked up by it, so no token is ever compared by the database. */
  token_hash: string;
  /** The URL token, encrypted like workspace secrets (engine/secrets.ts), so settings can show the URL again. */
  token_ciphertext: string;
  /** The signing secret, encrypted the same way; shown once on create and rotate. */
  secret_ciphertext: string;
  /** Kind-specific settings (the generic source's verification and mapping), JSON. */
  config_json: string;
  created_at: number;
  rotated_at: number | null;
  /** Secrets the vendor issued (Acuity's user id and API key, Shopify's or Square's signing key), encrypted JSON; null for vendors whose secret Nudge makes. */
  credentials_ciphertext: string | null;
  /** The signing secret before the last rotation, accepted until `previous_secret_expires_at` by vendors that keep signing with it a while (Shopify). */
  previous_secret_ciphertext: string | null;
  previous_secret_expires_at: number | null;
}

export interface SourceDeliveriesTable {
  /** `sd_…`: time-ordered, so listing by id lists newest first. */
  id: string;
  source_id: string;
  workspace_id: string;
  received_at: number;
  /** The headers that matter to verification and debugging (content type, signature, id, timestamp). */
  headers_json: string;
  /** The raw body as text, null when it was over the size stored. */
  body: string | null;
  body_bytes: number;
  /** 1 when the signature checked out (only such bodies can be replayed). */
  verified: number;
  /** `applied` | `ignored` | `duplicate` | `rejected` */
  outcome: string;
  /** Why it was ignored or rejected. */
  reason: string | null;
  /** The HTTP status answered. */
  status_code: number;
  /** The vendor's event type (`BOOKING_CREATED`, `invitee.created`, …), when the body said. */
  vendor_event: string | null;
  vendor_delivery_id: string | null;
  /** What identifies this exact delivery for replay detection: the vendor's delivery id, else its signature. */
  replay_key: string | null;
  /** Ids of the events it became (JSON array). */
  event_ids_json: string;
  /** The delivery this one re-applied (`POST …/replay`). */
  replay_of: string | null;
}

export interface SourceBookingsTable {
  workspace_id: string;
  kind: string;
  /** A vendor booking id (a Cal.com uid, a Calendly invitee URI). */
  booking_id: string;
  /** The `appointment.id` it belongs to: the first booking id of a chain of reschedules. */
  appointment_key: string;
  created_at: number;
}

export type SourceRow = Selectable<SourcesTable>;
export type SourceDeliveryRow = Selectable<SourceDeliveriesTable>;
