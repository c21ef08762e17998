/**
 * Data rights and retention (docs/operations.md, "Data rights and retention"):
 * - per-workspace retention in days for events, delivery logs and the email outbox (null: keep
 *   forever), enforced by the worker's cleanup (engine/retention-cleaner.ts);
 * - one row per erased contact, so a second erasure is recognised as a no-op and the erasure can
 *   be shown without keeping anything personal;
 * - an index on the session's event, for the cleanup's "is this event still needed by an open
 *   session" check; partial, so sessions started by appointment time (no event) cost nothing.
 */
import type { Migration } from '../../migrator.js';

export const dataRights: Migration = {
  name: '013_data_rights',
  sql: [
    `alter table workspaces add column retention_events_days integer`,
    `alter table workspaces add column retention_deliveries_days integer`,
    `alter table workspaces add column retention_outbox_days integer`,
    `create table contact_erasures (
      contact_id text primary key,
      workspace_id text not null,
      erased_at integer not null,
      counts_json text not null
    )`,
    `create index sessions_event_id on sessions (event_id) where event_id is not null`,
  ],
};
