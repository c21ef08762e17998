/**
 * What `GET /v1/overview` answers (the web app's Home), as the API shows it: times as ISO strings.
 * The server builds it (engine/analytics-service.ts) and the web app reads it with these same
 * types, so the two cannot drift apart.
 */

/** A reminder or step due today or tomorrow (workspace timezone). */
export interface UpcomingView {
  id: string;
  /** `trigger`: a reminder whose session starts when due; `step`: a running session's next step. */
  kind: 'trigger' | 'step';
  flow_id: string;
  flow_name: string | null;
  /** Null for a pending trigger whose flow's first step is not known. */
  step_id: string | null;
  session_id: string | null;
  due_at: string;
  appointment: { id: string; external_id: string; start_at: string; service_name: string | null } | null;
  contact: { id: string; name: string | null; email: string | null; phone: string | null } | null;
}

/** A failure that still stands: a failed send (retry it) or a failed session. */
export interface AttentionView {
  kind: 'delivery_failed' | 'session_failed';
  id: string;
  session_id: string;
  flow_id: string;
  flow_name: string | null;
  at: string;
  message: string;
}

export interface OverviewView {
  scheduled: { today: number; tomorrow: number };
  /** The first few of `scheduled`, in due order. */
  upcoming: UpcomingView[];
  sends_7d: { sent: number; failed: number; skipped: number };
  needs_attention: AttentionView[];
  plan: { plan: string; flow_limit: number | null; live_flows: number };
  timezone: string;
}
