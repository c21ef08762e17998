/** Catalog keys (namespace `flows`) for flow statuses. */
export const FLOW_STATUS_LABEL = { draft: 'status_draft', active: 'status_active', paused: 'status_paused', archived: 'status_archived' } as const;
