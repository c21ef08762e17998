/**
 * The Sessions page filtered to a flow (`GET /v1/sessions?flow_id=…`, newest first, by id cursor):
 * with only (flow_id, status) the database read every session of the flow and sorted them to return
 * 50 (130–150 ms per page at 100,000 sessions, BENCHMARKS.md §7). These read the page in order:
 * - (flow_id, id) for the flow alone;
 * - (flow_id, status, id) with a status too (and a step, checked on the rows read in order); it
 *   also serves everything (flow_id, status) did (counts per flow and status), which it replaces,
 *   so a session write keeps one index more than before, not two.
 */
import type { Migration } from '../../migrator.js';

export const sessionsFlowOrder: Migration = {
  name: '014_sessions_flow_order',
  sql: [
    `create index sessions_flow_id_order on sessions (flow_id, id)`,
    `create index sessions_flow_status_id_order on sessions (flow_id, status, id)`,
    `drop index sessions_flow_status`,
  ],
};
