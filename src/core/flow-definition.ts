/**
 * A flow as its author writes it, in JSON or YAML. `flow-validation.ts` turns unknown input into
 * these types (or a list of errors with paths); `flow-compiler.ts` turns them into the step graph
 * the engine walks.
 *
 * ```yaml
 * name: Reminder 24 hours before
 * trigger:
 *   appointment:
 *     anchor: start        # start | end
 *     before: 24h          # or after: 1h
 *     if_past: skip        # skip (default for before) | send_now (default for after)
 * steps:
 *   - id: remind
 *     email:
 *       to: "{{ contact.email }}"
 *       subject: "See you tomorrow at {{ appointment.start_at | date: '%H:%M' }}"
 *       html: "<p>Hi {{ contact.first_name }}</p>"
 * ```
 */

/** A duration: `30s`, `15m`, `2h`, `1h30m`, `1d`, `2w` or ISO 8601 (`PT24H`, `P1D`). */
export type DurationText = string;

export type ConditionOp =
  | 'equals'
  | 'not_equals'
  | 'in'
  | 'not_in'
  | 'contains'
  | 'not_contains'
  | 'exists'
  | 'not_exists'
  | 'gt'
  | 'gte'
  | 'lt'
  | 'lte'
  | 'before'
  | 'after';

/** Every ConditionOp, for validators and UIs. */
export const CONDITION_OPS = [
  'equals',
  'not_equals',
  'in',
  'not_in',
  'contains',
  'not_contains',
  'exists',
  'not_exists',
  'gt',
  'gte',
  'lt',
  'lte',
  'before',
  'after',
] as const satisfies readonly ConditionOp[];

/** Every ReentryPolicy, for validators and UIs. */
export const REENTRY_POLICIES = [
  'once_per_key',
  'once_per_contact',
  'once_while_active',
  'always',
] as const satisfies readonly ReentryPolicy[];

/** `field` is a dotted path into the context: `event.*`, `contact.*`, `appointment.*`. */
export interface FieldCondition {
  field: string;
  op: ConditionOp;
  /** Absent for exists / not_exists; an array for in / not_in; for before / after an ISO time, `now`, or `now-24h` / `now+1h`. */
  value?: unknown;
}

export type Condition = FieldCondition | { all: Condition[] } | { any: Condition[] } | { not: Condition };

export type ReentryPolicy = 'once_per_key' | 'once_per_contact' | 'once_while_active' | 'always';

export type Anchor = 'start' | 'end';

export interface EventTrigger {
  /** One event name or several; `*` matches any. */
  event: string | string[];
  /** All must hold (use `any` inside for OR). */
  conditions?: Condition[];
}

export interface AppointmentTimeTrigger {
  appointment: {
    anchor: Anchor;
    /** Exactly one of before / after. */
    before?: DurationText;
    after?: DurationText;
    /** What to do when the time has already passed when the appointment is booked or moved. */
    if_past?: 'skip' | 'send_now';
    /** Evaluated when the trigger fires, against the appointment as it is then. */
    conditions?: Condition[];
  };
}

export type TriggerDefinition = EventTrigger | AppointmentTimeTrigger;

/** Exactly one of the fields. `until` may be an ISO time or `appointment.start - 2h` / `appointment.end + 30m`. */
export interface WaitStep {
  duration?: DurationText;
  until?: string | { anchor: Anchor; before?: DurationText; after?: DurationText };
}

export interface BranchStep {
  branches: Array<{ name?: string; when: Condition[]; steps: StepDefinition[] }>;
  otherwise?: StepDefinition[];
}

export interface WebhookStep {
  /** Default POST. */
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** An object (every string in it is a template, then the whole is sent as JSON) or a template string. */
  body?: unknown;
  /** Sent as `application/x-www-form-urlencoded` instead of a body. */
  form?: Record<string, string>;
  /** Default 10s. */
  timeout?: DurationText;
  /**
   * Signs the request with Standard Webhooks headers (`webhook-id`, `webhook-timestamp`,
   * `webhook-signature`) when set: a template, normally `{{ secrets.WEBHOOK_SIGNING_SECRET }}`,
   * rendering to `whsec_` + base64 of 24–64 random bytes. Default: not signed.
   */
  signing_secret?: string;
}

/** An email's content in one language. */
export interface EmailContent {
  subject?: string;
  html?: string;
  text?: string;
}

/** The `.ics` invitation attached to an email; every field is a template. */
export interface EmailCalendarOptions {
  /** Default: the appointment's service name, else `Appointment`. */
  summary?: string;
  /** Default: the appointment's service location; none when empty. */
  location?: string;
  /** Default: none. */
  description?: string;
  /** Default `invite.ics`. */
  filename?: string;
}

export interface EmailStep {
  to: string;
  cc?: string;
  bcc?: string;
  /** Default: the workspace's sender, then NUDGE_SMTP_FROM. */
  from?: string;
  reply_to?: string;
  subject: string;
  /** At least one of html / text. */
  html?: string;
  text?: string;
  /**
   * Content by language tag (`fr`, `pt-BR`), chosen by `contact.language`: the exact tag, then its
   * primary subtag (`pt-BR` → `pt`), else the step's own fields. A variant without `subject` uses
   * the step's; a variant with `html` or `text` replaces the step's body as a whole (so a French
   * HTML part never travels with an English text part). Default: none.
   */
  variants?: Record<string, EmailContent>;
  /**
   * Attach an iCalendar invitation for the session's appointment (RFC 5545/6047): METHOD:REQUEST
   * while it is booked, METHOD:CANCEL once it is canceled; same UID, SEQUENCE = the appointment's
   * revision. `true` uses the defaults. Default: false.
   */
  calendar?: boolean | EmailCalendarOptions;
  /** Marketing email: adds `List-Unsubscribe` (+ one-click `List-Unsubscribe-Post`). Default false. */
  marketing?: boolean;
  /** Required with `marketing: true`: an https URL (template) that unsubscribes on a POST (RFC 8058). */
  unsubscribe_url?: string;
}

/** Values are templates; `attributes` are merged into the contact's attributes (null removes a key). */
export interface UpdateContactStep {
  name?: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  phone?: string;
  language?: string;
  timezone?: string;
  attributes?: Record<string, unknown>;
}

/**
 * A message through a channel module (Slack, SMS, Klaviyo, …): `channel` names it, the other
 * fields are that channel's settings (see docs/channels). String values are templates.
 */
export interface SendStep {
  channel: string;
  [setting: string]: unknown;
}

export interface ExitStep {
  reason?: string;
}

export interface RetrySettings {
  /** Attempts in all, including the first. Default 6. */
  max_attempts?: number;
}

interface StepCommon {
  /** Stable id; generated from the position when absent (`s1`, `s3.b1.s2`, `s3.otherwise.s1`). */
  id?: string;
  name?: string;
  /** A send step more than this past due (e.g. after downtime or a pause) is skipped and logged. */
  max_lateness?: DurationText;
  retry?: RetrySettings;
}

export type StepDefinition = StepCommon &
  (
    | { wait: WaitStep }
    | { branch: BranchStep }
    | { webhook: WebhookStep }
    | { email: EmailStep }
    | { update_contact: UpdateContactStep }
    | { send: SendStep }
    | { exit: ExitStep | null }
  );

export const STEP_KINDS = ['wait', 'branch', 'webhook', 'email', 'send', 'update_contact', 'exit'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

export interface FlowDefinition {
  name: string;
  description?: string;
  trigger: TriggerDefinition;
  steps: StepDefinition[];
  session?: {
    /** Template for the session key. Default: the appointment id, else the contact id. */
    key?: string;
    /** Default once_per_key. */
    reentry?: ReentryPolicy;
  };
  settings?: {
    /** Default max_lateness for send steps. Default 1h. */
    max_lateness?: DurationText;
  };
}
