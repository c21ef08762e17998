/**
 * Indexes for the web app's reads (GET /v1/overview, /v1/analytics, /v1/flows/{id}/step-counts,
 * /v1/stream), each a range over one workspace instead of a scan of the table:
 * - sessions started in a period (`created_at`, written once at insert);
 * - sessions ended in a period (`ended_at`, partial: open sessions are not in it, and it is
 *   written once, when the session ends);
 * - the change marker of /v1/stream, the workspace's latest `updated_at` (read newest-first, one
 *   index entry per workspace per poll). This one changes on every session commit: the price of a
 *   live view that does not scan;
 * - skips recorded in a period (rare rows).
 * Deliveries already have (workspace_id, created_at).
 */
import type { Migration } from '../../migrator.js';

export const dashboardIndexes: Migration = {
  name: '008_dashboard_indexes',
  sql: [
    `create index sessions_workspace_created_at on sessions (workspace_id, created_at)`,
    `create index sessions_workspace_ended_at on sessions (workspace_id, ended_at) where ended_at is not null`,
    `create index sessions_workspace_updated_at on sessions (workspace_id, updated_at)`,
    `create index skips_workspace_created_at on skips (workspace_id, created_at)`,
  ],
};
