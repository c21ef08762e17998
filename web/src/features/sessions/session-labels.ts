/** Catalog keys (namespace `sessions`) for session statuses. */
export const SESSION_STATUS_LABEL: Record<string, 'status_active' | 'status_waiting' | 'status_completed' | 'status_failed' | 'status_stopped' | 'status_canceled'> = {
  active: 'status_active',
  waiting: 'status_waiting',
  completed: 'status_completed',
  failed: 'status_failed',
  stopped: 'status_stopped',
  canceled: 'status_canceled',
};
