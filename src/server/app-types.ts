import type { Role } from '../core/roles.js';
import type { CurrentSession } from '../engine/accounts/sessions.js';
import type { Workspace } from '../store/schema.js';
import type { RequestSource } from './proxy-trust.js';

/** Who is calling: an API key or a signed-in user, with the role that decides what they may do. */
export interface Principal {
  kind: 'api_key' | 'user';
  id: string;
  /** As a person reads it in the audit log: the user's email, or the key's name and prefix. */
  label: string;
  role: Role;
  /** A signed-in user's session; absent for API keys. */
  session?: CurrentSession;
  /** A cookie-authenticated write carried the session's CSRF token (always true for reads and keys). */
  csrfOk?: boolean;
}

/** Hono context variables: the request's source (proxy-trust.ts), then the caller (auth.ts). */
export interface AppEnv {
  Variables: { workspace: Workspace; principal: Principal; source: RequestSource };
}
