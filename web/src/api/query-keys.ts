/**
 * Every TanStack Query key the app uses, built here and nowhere else, so a read and the mutation
 * that invalidates it name the same key. Each resource has an `all` prefix: invalidating it
 * refreshes its lists and details together.
 */
type Filters = Record<string, string | number | undefined>;

export const queryKeys = {
  me: () => ['me'] as const,
  invite: (token: string) => ['invite', token] as const,
  overview: () => ['overview'] as const,
  analytics: (params: Filters) => ['analytics', params] as const,
  flows: {
    all: () => ['flows'] as const,
    list: (filters: Filters = {}) => ['flows', 'list', filters] as const,
    detail: (id: string) => ['flows', 'detail', id] as const,
  },
  presets: { all: () => ['presets'] as const },
  sessions: {
    all: () => ['sessions'] as const,
    list: (filters: Filters) => ['sessions', 'list', filters] as const,
    detail: (id: string) => ['sessions', 'detail', id] as const,
  },
  contacts: {
    all: () => ['contacts'] as const,
    list: (filters: Filters) => ['contacts', 'list', filters] as const,
    detail: (id: string) => ['contacts', 'detail', id] as const,
    schedule: (id: string) => ['contacts', 'schedule', id] as const,
  },
  appointments: {
    all: () => ['appointments'] as const,
    list: (filters: Filters) => ['appointments', 'list', filters] as const,
    detail: (id: string) => ['appointments', 'detail', id] as const,
    schedule: (id: string) => ['appointments', 'schedule', id] as const,
  },
  deliveries: {
    all: () => ['deliveries'] as const,
    list: (filters: Filters) => ['deliveries', 'list', filters] as const,
    detail: (id: string) => ['deliveries', 'detail', id] as const,
  },
  outbox: {
    all: () => ['outbox'] as const,
    list: (filters: Filters) => ['outbox', 'list', filters] as const,
    detail: (id: string) => ['outbox', 'detail', id] as const,
  },
  events: {
    all: () => ['events'] as const,
    list: (filters: Filters) => ['events', 'list', filters] as const,
  },
  /** A flow's per-step counts (the editor's canvas), by flow and period. */
  stepCounts: { all: () => ['step-counts'] as const },
  channels: () => ['channels'] as const,
  workspace: () => ['workspace'] as const,
  delivery: () => ['workspace', 'delivery'] as const,
  users: () => ['users'] as const,
  invites: () => ['invites'] as const,
  apiKeys: () => ['api-keys'] as const,
  secrets: () => ['secrets'] as const,
  sources: () => ['sources'] as const,
  sourceDeliveries: (sourceId: string) => ['sources', sourceId, 'deliveries'] as const,
  auditLog: (filters: Filters) => ['audit-log', filters] as const,
} as const;

/** What to refresh when the server's change stream names a kind of record. */
export const keysForChange: Record<string, ReadonlyArray<readonly unknown[]>> = {
  sessions: [queryKeys.sessions.all(), queryKeys.contacts.all(), queryKeys.appointments.all(), queryKeys.overview(), ['analytics'], queryKeys.stepCounts.all()],
  deliveries: [queryKeys.deliveries.all(), queryKeys.outbox.all(), queryKeys.sessions.all(), queryKeys.overview(), ['analytics'], queryKeys.stepCounts.all()],
  flows: [queryKeys.flows.all(), queryKeys.overview()],
  /** A booking moved or canceled: its page, the contact's appointments and upcoming reminders, Home's schedule. */
  appointments: [queryKeys.appointments.all(), queryKeys.contacts.all(), queryKeys.overview()],
  /** Appointment pages show their contact. */
  contacts: [queryKeys.contacts.all(), queryKeys.appointments.all(), queryKeys.overview()],
};
