/**
 * The signed-in user and their workspace (`GET /v1/auth/me`), which every screen needs: the role
 * decides what is offered, the workspace's time zone how times are shown. Loading it also hands
 * the CSRF token to the client.
 */
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api, setCsrfToken } from './client';
import { queryKeys } from './query-keys';
import type { WorkspaceView } from '../../../src/core/workspace-view';

export type Role = 'owner' | 'admin' | 'staff';

export interface Me {
  user: { id: string; email: string; name: string; role: Role; two_factor_enabled: boolean; created_at: string };
  workspace: WorkspaceView;
  csrf_token: string;
  two_factor_setup_required: boolean;
}

/** Stores the user in the query cache and the CSRF token in the client: after sign-in, invite acceptance or `/auth/me`. */
export function rememberCsrf(me: Me): Me {
  setCsrfToken(me.csrf_token);
  return me;
}

export const meQuery = queryOptions({
  queryKey: queryKeys.me(),
  queryFn: async () => rememberCsrf((await api<{ data: Me }>('/v1/auth/me')).data),
  staleTime: 60_000,
  retry: false,
});

/** The signed-in user; only used below the guard, which has loaded it. */
export function useMe(): Me {
  const { data } = useQuery(meQuery);
  if (!data) throw new Error('useMe outside the signed-in area');
  return data;
}

const RANK: Record<Role, number> = { staff: 0, admin: 1, owner: 2 };

/** True when `role` may do what `needed` may (owner ⊃ admin ⊃ staff). */
export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** True when the signed-in user's role is at least `role`. */
export function useCan(role: Role): boolean {
  return hasRole(useMe().user.role, role);
}
