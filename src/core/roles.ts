/**
 * Who may do what. Users and API keys both carry one of three roles; every API operation names
 * the one permission it needs (server/access-rules.ts), and this table is the only place that
 * says which role holds which permission.
 *
 * - owner: everything, including users, invites, plan, API keys and the audit log;
 * - admin: flows, secrets, settings (but not the plan), sources, events, sessions, deliveries,
 *   contacts' data rights (export, erase);
 * - staff: reads flows, sessions, contacts, appointments, deliveries, schedules and logs, and may
 *   stop a session; nothing else.
 */
export const ROLES = ['owner', 'admin', 'staff'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  /** See flows, sessions, contacts, appointments, events, deliveries, schedules, presets, settings. */
  'read',
  /** Stop a session. */
  'sessions:stop',
  /** Send events and contacts in. */
  'events:write',
  /** Create, edit, activate, pause, archive flows; test-send a step. */
  'flows:write',
  /** Retry a failed delivery. */
  'deliveries:retry',
  /** List secret names, set and delete secrets. */
  'secrets:manage',
  /** Workspace name, timezone, sender, country. */
  'settings:write',
  /** Plan, flow limit, the two-factor requirement. */
  'plan:write',
  /** Create, change, rotate and delete inbound sources; replay their deliveries. */
  'sources:manage',
  /** Export a contact's data (JSON) or all contacts (CSV). */
  'contacts:export',
  /** Erase a contact's personal data: irreversible. */
  'contacts:erase',
  /** Create, list and revoke API keys. */
  'keys:manage',
  /** Invite, change and remove users. */
  'users:manage',
  /** Read the audit log. */
  'audit:read',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  owner: new Set(PERMISSIONS),
  admin: new Set<Permission>(['read', 'sessions:stop', 'events:write', 'flows:write', 'deliveries:retry', 'secrets:manage', 'settings:write', 'sources:manage', 'contacts:export', 'contacts:erase']),
  staff: new Set<Permission>(['read', 'sessions:stop']),
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}

/** A role read from storage; an unknown value (a role removed in a later version) gets the least access. */
export function storedRole(value: string): Role {
  return isRole(value) ? value : 'staff';
}
