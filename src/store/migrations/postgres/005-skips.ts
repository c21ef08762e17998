/**
 * Skips: a reminder or send that did not happen because its time had passed (a booking made after
 * its reminder's time with `if_past: skip`, a send more than `max_lateness` late after a pause or
 * downtime). Recorded so the appointment's, contact's and flow's schedules and the flow's counts
 * show it, not only a dry run. Also an index for listing an appointment's events.
 */
import type { Migration } from '../../migrator.js';

export const skips: Migration = {
  name: '005_skips',
  sql: [
    `create table skips (
      id text primary key,
      workspace_id text not null,
      flow_id text not null,
      appointment_id text,
      contact_id text,
      session_id text,
      step_id text,
      due_at bigint not null,
      reason text not null,
      message text not null,
      created_at bigint not null
    )`,
    `create index skips_appointment_id on skips (appointment_id)`,
    `create index skips_contact_id on skips (contact_id)`,
    `create index skips_flow_id on skips (flow_id)`,
    // GET /v1/events?appointment_id= (one index entry more per stored event).
    `create index events_appointment_id on events (appointment_id)`,
  ],
};
