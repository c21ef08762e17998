/** Requests of the auth API (see the auth contract): sign-in, invites, two-factor, password. */
import { api } from '../../api/client';
import { rememberCsrf, type Me, type Role } from '../../api/session';

export interface InviteInfo {
  kind: 'setup' | 'invite';
  role: Role;
  workspace_name: string;
  email: string | null;
  expires_at: string;
}

export async function signIn(body: { email: string; password: string; code?: string }): Promise<Me> {
  return rememberCsrf((await api<{ data: Me }>('/v1/auth/sign-in', { method: 'POST', body })).data);
}

export async function getInvite(token: string): Promise<InviteInfo> {
  return (await api<{ data: InviteInfo }>(`/v1/auth/invites/${encodeURIComponent(token)}`)).data;
}

export async function acceptInvite(token: string, body: { email: string; name: string; password: string }): Promise<Me> {
  return rememberCsrf((await api<{ data: Me }>(`/v1/auth/invites/${encodeURIComponent(token)}/accept`, { method: 'POST', body })).data);
}

export async function startTwoFactorSetup(): Promise<{ secret: string; otpauth_url: string }> {
  return (await api<{ data: { secret: string; otpauth_url: string } }>('/v1/auth/two-factor/setup', { method: 'POST' })).data;
}

export const enableTwoFactor = (code: string) => api<void>('/v1/auth/two-factor/enable', { method: 'POST', body: { code } });
export const disableTwoFactor = (code: string) => api<void>('/v1/auth/two-factor/disable', { method: 'POST', body: { code } });
export const changePassword = (body: { current_password: string; new_password: string }) => api<void>('/v1/auth/password', { method: 'POST', body });
