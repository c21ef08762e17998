/**
 * `timers (session_id)` served no query: a session's timer is keyed by the session's id, and every
 * lookup of it goes by `id`. Each timer row written or deleted (two per reminder) still paid for
 * the index, NULLs included for trigger timers. (`npm run bench:drain -- --db postgres`: no change
 * beyond noise, 1,612–1,689 reminders/s before, 1,631–1,722 after; dropped as dead weight.)
 */
import type { Migration } from '../../migrator.js';

export const dropTimersSessionIndex: Migration = {
  name: '003_drop_timers_session_index',
  sql: [`drop index if exists timers_session_id`],
};
