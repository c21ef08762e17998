import type { Workspace } from '../store/schema.js';

/** Hono context variables set by the auth middleware. */
export interface AppEnv {
  Variables: { workspace: Workspace };
}
