import { queryOptions } from '@tanstack/react-query';
import { api } from '../../api/client';
import { queryKeys } from '../../api/query-keys';
import type { Role } from '../../api/session';
import type { WorkspaceChanges } from '../../../../src/core/workspace-input';
import type { WorkspaceView } from '../../../../src/core/workspace-view';

export type Workspace = WorkspaceView;

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  two_factor_enabled: boolean;
  created_at: string;
  last_sign_in_at: string | null;
}

export interface Invite {
  id: string;
  role: Role;
  email: string | null;
  url: string | null;
  created_at: string;
  expires_at: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  role?: Role;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface Secret {
  name: string;
  created_at: string;
  updated_at: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  actor: { kind: 'user' | 'api_key' | 'system'; id: string | null; label: string | null };
  action: string;
  target: { kind: string; id: string | null } | null;
  details: unknown;
}

const enc = encodeURIComponent;
const data = async <T,>(p: Promise<{ data: T }>) => (await p).data;

export const ROLES: Role[] = ['owner', 'admin', 'staff'];

export const workspaceQuery = queryOptions({ queryKey: queryKeys.workspace(), queryFn: () => data(api<{ data: Workspace }>('/v1/workspace')) });
export const usersQuery = queryOptions({ queryKey: queryKeys.users(), queryFn: () => data(api<{ data: User[] }>('/v1/users')) });
export const invitesQuery = queryOptions({ queryKey: queryKeys.invites(), queryFn: () => data(api<{ data: Invite[] }>('/v1/invites')) });
export const apiKeysQuery = queryOptions({ queryKey: queryKeys.apiKeys(), queryFn: () => data(api<{ data: ApiKey[] }>('/v1/api-keys')) });
export const secretsQuery = queryOptions({ queryKey: queryKeys.secrets(), queryFn: () => data(api<{ data: Secret[] }>('/v1/secrets')) });
export const auditLogQuery = (filters: { action?: string; cursor?: string }) =>
  queryOptions({
    queryKey: queryKeys.auditLog(filters),
    queryFn: () => api<{ data: AuditEntry[]; next_cursor: string | null }>('/v1/audit-log', { query: { ...filters, limit: 50 } }),
  });

export interface DeliverySettings {
  email: { transport: 'smtp' | 'outbox'; smtp_host: string | null; default_from: string };
  outbound_allow: string[];
}
export interface TestEmailResult {
  ok: boolean;
  transport: string;
  error?: string;
}
export const deliveryQuery = queryOptions({ queryKey: queryKeys.delivery(), queryFn: () => data(api<{ data: DeliverySettings }>('/v1/workspace/delivery')) });
export const sendTestEmail = (to: string) => data(api<{ data: TestEmailResult }>('/v1/workspace/test-email', { method: 'POST', body: { to } }));
export const updateWorkspace = (body: WorkspaceChanges) => data(api<{ data: Workspace }>('/v1/workspace', { method: 'PATCH', body }));
export const changeRole = (id: string, role: Role) => data(api<{ data: User }>(`/v1/users/${enc(id)}`, { method: 'PATCH', body: { role } }));
export const removeUser = (id: string) => api(`/v1/users/${enc(id)}`, { method: 'DELETE' });
export const createInvite = (body: { role: Role; email?: string }) =>
  data(api<{ data: { id: string; role: Role; email: string | null; url: string; token: string; expires_at: string } }>('/v1/invites', { method: 'POST', body }));
export const deleteInvite = (id: string) => api(`/v1/invites/${enc(id)}`, { method: 'DELETE' });
export const createApiKey = (body: { name: string; role: Role }) => data(api<{ data: ApiKey & { key: string } }>('/v1/api-keys', { method: 'POST', body }));
export const revokeApiKey = (id: string) => api(`/v1/api-keys/${enc(id)}`, { method: 'DELETE' });
export const setSecret = (name: string, value: string) => api(`/v1/secrets/${enc(name)}`, { method: 'PUT', body: { value } });
export const deleteSecret = (name: string) => api(`/v1/secrets/${enc(name)}`, { method: 'DELETE' });

/** Catalog keys (namespace `settings`) for roles. */
export const ROLE_LABEL = { owner: 'role_owner', admin: 'role_admin', staff: 'role_staff' } as const;
