/**
 * A workspace as the API shows it (`GET /v1/workspace`, `/v1/auth/me`): times as ISO strings,
 * flags as booleans. The server builds it (engine/workspace-settings.ts); the CLI and the web app
 * read it with this same type.
 */
export interface WorkspaceView {
  id: string;
  name: string;
  /** `small` | `pro` | `advanced` | `custom` | `unlimited` (see core/workspace-plan.ts) */
  plan: string;
  /** Most flows that may be active or paused at once; null: no cap. */
  flow_limit: number | null;
  timezone: string;
  sender_email: string | null;
  /** Default country for phone numbers in national form (ISO 3166-1 alpha-2), or null. */
  country: string | null;
  require_two_factor: boolean;
  retention_events_days: number | null;
  retention_deliveries_days: number | null;
  retention_outbox_days: number | null;
  created_at: string;
}
