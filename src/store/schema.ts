/**
 * The database schema as Kysely sees it: one interface per table, shared by both dialects.
 *
 * Conventions that keep SQLite and PostgreSQL on one code path:
 * - times are epoch milliseconds (`bigint` in PostgreSQL, parsed to `number` by the driver);
 * - JSON is stored as text (`*_json` columns), encoded and decoded in the repositories;
 * - booleans are integers 0/1;
 * - ids are text with a type prefix (`ws_`, `ct_`, `ap_`, …) followed by a ULID.
 */
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AppointmentState } from '../core/appointment-change.js';
import type { SessionState } from '../core/session-state.js';
import type { SourceBookingsTable, SourceDeliveriesTable, SourcesTable } from './source-tables.js';

export interface WorkspacesTable {
  id: string;
  name: string;
  /** `small` | `pro` | `advanced` | `custom` | `unlimited` (see core/workspace-plan.ts) */
  plan: string;
  /** Most flows that may be active or paused at once; null: no cap. */
  flow_limit: number | null;
  timezone: string;
  sender_email: string | null;
  /** Default country for phone numbers in national form (ISO 3166-1 alpha-2), or null. */
  country: string | null;
  /** 1: every user must have two-factor sign-in before doing anything else. */
  require_two_factor: Generated<number>;
  created_at: number;
  /** Days events are kept (by `received_at`); null: forever. Enforced by engine/retention-cleaner.ts. */
  retention_events_days: number | null;
  /** Days delivery attempts are kept (by `created_at`); null: forever. */
  retention_deliveries_days: number | null;
  /** Days outbox messages are kept (by `created_at`); null: forever. */
  retention_outbox_days: number | null;
}

export interface ApiKeysTable {
  id: string;
  workspace_id: string;
  name: string;
  /** First characters of the key, shown in listings so a person can tell keys apart. */
  prefix: string;
  /** SHA-256 of the whole key, hex. Keys are 32 random bytes, so a fast hash is enough. */
  key_hash: string;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
  /** `owner` | `admin` | `staff` (core/roles.ts). */
  role: Generated<string>;
}

export interface UsersTable {
  id: string;
  workspace_id: string;
  /** Lower-cased; unique across the installation (sign-in finds the workspace by it). */
  email: string;
  name: string;
  /** `owner` | `admin` | `staff` (core/roles.ts). */
  role: string;
  /** `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` (engine/accounts/passwords.ts). */
  password_hash: string;
  /** Base32 TOTP secret once two-factor sign-in is on; null when off. */
  totp_secret: string | null;
  /** A secret handed out by "set up two-factor", until a code confirms it. */
  totp_pending_secret: string | null;
  /** The time step of the last code accepted, so a code cannot be used twice. */
  totp_last_counter: number | null;
  created_at: number;
  last_sign_in_at: number | null;
}

export interface UserSessionsTable {
  /** SHA-256 of the cookie's token, hex: the token itself is never stored. */
  id: string;
  user_id: string;
  workspace_id: string;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface InvitesTable {
  id: string;
  workspace_id: string;
  /** SHA-256 of the invite token, hex. */
  token_hash: string;
  /** `setup` (the owner's link printed on first start) | `invite`. */
  kind: string;
  role: string;
  email: string | null;
  /** Id of the user or key that created it; null for the setup link. */
  created_by: string | null;
  created_at: number;
  expires_at: number;
  accepted_at: number | null;
}

export interface AuditLogTable {
  id: string;
  workspace_id: string;
  at: number;
  /** `user` | `api_key` | `system` */
  actor_kind: string;
  actor_id: string | null;
  /** The actor as a person reads it: an email, a key's name and prefix, or "system". */
  actor_label: string;
  action: string;
  target_kind: string | null;
  target_id: string | null;
  details_json: string | null;
}

export interface ContactsTable {
  id: string;
  workspace_id: string;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  name: string | null;
  first_name: string | null;
  last_name: string | null;
  language: string | null;
  timezone: string | null;
  attributes_json: string;
  created_at: number;
  updated_at: number;
}

export interface EventsTable {
  id: string;
  workspace_id: string;
  name: string;
  idempotency_key: string;
  contact_id: string | null;
  /** Internal appointment id (`ap_…`), when the event carries an appointment. */
  appointment_id: string | null;
  occurred_at: number;
  received_at: number;
  /** The normalized event as accepted: properties, contact and appointment snapshots. */
  payload_json: string;
}

/** An appointment's columns: see core/appointment-change.ts, where its changes are decided. */
export type AppointmentsTable = AppointmentState;

export interface FlowsTable {
  id: string;
  workspace_id: string;
  name: string;
  /** `draft` | `active` | `paused` | `archived` */
  status: string;
  /** Latest version; new sessions start on it. */
  version: number;
  created_at: number;
  updated_at: number;
}

export interface FlowVersionsTable {
  flow_id: string;
  version: number;
  definition_json: string;
  created_at: number;
}

export interface SessionsTable {
  id: string;
  workspace_id: string;
  flow_id: string;
  flow_version: number;
  contact_id: string | null;
  appointment_id: string | null;
  /** Event that started the session (for templates and the timeline). */
  event_id: string | null;
  key: string;
  /** One of the session state machine's states (core/session-state.ts). */
  status: SessionState;
  /** Step the session is at; null once it has ended. */
  step_id: string | null;
  /** Rises by one on every step transition; timers and commits carry it to detect stale work. */
  seq: number;
  /** Attempt number of the current step's send (1 on the first try). */
  attempt: number;
  /** Appointment revision the session last checked its timing against. */
  appointment_revision: number | null;
  /** The appointment-relative time gate the session is waiting on or last passed, JSON. */
  gate_json: string | null;
  /** When the session will next act (wait end, retry), for display. */
  wake_at: number | null;
  created_at: number;
  updated_at: number;
  ended_at: number | null;
  end_reason: string | null;
}

export interface SessionLogsTable {
  id: string;
  workspace_id: string;
  session_id: string;
  at: number;
  /** e.g. `started`, `step_completed`, `waiting`, `skipped`, `paused`, `canceled`, `stopped` */
  type: string;
  step_id: string | null;
  message: string;
  data_json: string | null;
}

export interface DeliveriesTable {
  id: string;
  workspace_id: string;
  session_id: string;
  flow_id: string;
  step_id: string;
  channel: string;
  attempt: number;
  /** Stable across attempts: derived from session, step and iteration. */
  idempotency_key: string;
  /** `succeeded` | `retrying` | `failed` | `skipped` */
  status: string;
  request_json: string;
  response_json: string | null;
  error: string | null;
  duration_ms: number;
  created_at: number;
}

export interface OutboxTable {
  id: string;
  workspace_id: string;
  delivery_id: string | null;
  session_id: string | null;
  message_id: string;
  from_address: string;
  to_address: string;
  subject: string;
  html: string | null;
  text: string | null;
  headers_json: string;
  created_at: number;
}

export interface TimersTable {
  id: string;
  /** When a worker should pick it up; a claim moves it to the lease's expiry. */
  due_at: number;
  /** When it was meant to fire; lateness is measured from here. */
  scheduled_at: number;
  /** `session` (resume a session at its step) | `trigger` (start a session for an appointment) */
  kind: string;
  workspace_id: string;
  flow_id: string;
  session_id: string | null;
  appointment_id: string | null;
  step_id: string | null;
  seq: number | null;
  /** For appointment-relative timers: `start` | `end`; null otherwise. */
  anchor: string | null;
  /** Signed duration relative to the anchor, e.g. `-24h`, `+1d`. */
  anchor_offset: string | null;
  /** 1 while the flow is paused: the scheduler does not claim it. */
  held: number;
  lease_owner: string | null;
  /** Times it has been claimed; a climbing count means workers die on it. */
  claims: number;
  created_at: number;
}

export interface SecretsTable {
  workspace_id: string;
  /** Referenced from flows as `{{ secrets.NAME }}`. */
  name: string;
  /** AES-256-GCM, base64 of iv ‖ tag ‖ ciphertext; the key never touches the database. */
  ciphertext: string;
  created_at: number;
  updated_at: number;
}

export interface SkipsTable {
  id: string;
  workspace_id: string;
  flow_id: string;
  appointment_id: string | null;
  contact_id: string | null;
  /** The session whose step was skipped; null for a trigger that started no session. */
  session_id: string | null;
  step_id: string | null;
  /** When the reminder or send was due. */
  due_at: number;
  /** `past_due` (if_past: skip at booking or reschedule) | `too_late` (more than max_lateness late) */
  reason: string;
  message: string;
  created_at: number;
}

/** One row per erased contact (repositories/erasure.ts): makes a second erasure a no-op. */
export interface ContactErasuresTable {
  contact_id: string;
  workspace_id: string;
  erased_at: number;
  /** Rows changed per table by the erasure, JSON: nothing personal. */
  counts_json: string;
}

/** A failed sign-in (engine/accounts/sign-in-limiter.ts): one row per failure per key. */
export interface SignInFailuresTable {
  /** SHA-256 (hex) of `e:<email>` or `a:<client address>`: never the value itself. */
  key: string;
  at: number;
}

export interface Database {
  workspaces: WorkspacesTable;
  api_keys: ApiKeysTable;
  contacts: ContactsTable;
  events: EventsTable;
  appointments: AppointmentsTable;
  flows: FlowsTable;
  flow_versions: FlowVersionsTable;
  sessions: SessionsTable;
  session_logs: SessionLogsTable;
  deliveries: DeliveriesTable;
  outbox: OutboxTable;
  timers: TimersTable;
  secrets: SecretsTable;
  skips: SkipsTable;
  users: UsersTable;
  user_sessions: UserSessionsTable;
  invites: InvitesTable;
  audit_log: AuditLogTable;
  sources: SourcesTable;
  source_deliveries: SourceDeliveriesTable;
  source_bookings: SourceBookingsTable;
  contact_erasures: ContactErasuresTable;
  sign_in_failures: SignInFailuresTable;
}

export type Workspace = Selectable<WorkspacesTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type ContactRow = Selectable<ContactsTable>;
export type EventRow = Selectable<EventsTable>;
export type AppointmentRow = Selectable<AppointmentsTable>;
export type FlowRow = Selectable<FlowsTable>;
export type FlowVersionRow = Selectable<FlowVersionsTable>;
export type SessionRow = Selectable<SessionsTable>;
export type SessionLogRow = Selectable<SessionLogsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type TimerRow = Selectable<TimersTable>;
export type SecretRow = Selectable<SecretsTable>;
export type SkipRow = Selectable<SkipsTable>;
export type UserRow = Selectable<UsersTable>;
export type UserSessionRow = Selectable<UserSessionsTable>;
export type InviteRow = Selectable<InvitesTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type NewTimer = Insertable<TimersTable>;
export type TimerUpdate = Updateable<TimersTable>;
export type { Generated };
