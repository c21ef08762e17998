/**
 * Turns a validated FlowDefinition into the flat step graph the engine walks: every step gets an
 * id and a `next` pointer, branches point at the first step of each list, and defaults (retry
 * attempts, lateness, webhook method and timeout, re-entry) are filled in once, here.
 */

import { parseUntil } from './appointment-timing.js';
import { durationToMs, formatDuration, formatOffset, parseDuration } from './duration.js';
import {
  STEP_KINDS,
  type Anchor,
  type Condition,
  type EmailStep,
  type ExitStep,
  type FlowDefinition,
  type ReentryPolicy,
  type StepDefinition,
  type StepKind,
  type UpdateContactStep,
  type WaitStep,
  type WebhookStep,
} from './flow-definition.js';

export type CompiledTrigger =
  | { type: 'event'; events: string[]; conditions: Condition[] }
  | {
      type: 'appointment';
      anchor: Anchor;
      /** Signed canonical offset from the anchor, e.g. `-24h`, `+1h`; apply with `anchorTime`. */
      offset: string;
      ifPast: 'skip' | 'send_now';
      conditions: Condition[];
    };

export type CompiledWait =
  /** Canonical duration text (`1d2h`); calendar days keep wall-clock time in the session's zone. */
  | { type: 'duration'; duration: string }
  | { type: 'time'; at: number }
  | { type: 'appointment'; anchor: Anchor; offset: string };

/** What every compiled step has, whatever its kind. */
interface StepBase {
  id: string;
  name?: string;
  /** Where the step was authored, e.g. `steps[1].branch.branches[0].steps[0]`, for error messages and the UI. */
  path: string;
  /** The step to run after this one (for a branch: after the chosen list ends); null ends the session. */
  next: string | null;
  /** The step's own max_lateness, else for send steps (webhook, email) settings.max_lateness, else 1h; null for other steps without one. */
  maxLatenessMs: number | null;
  /** retry.max_attempts, default 6. */
  maxAttempts: number;
}

export interface CompiledBranch {
  name?: string;
  when: Condition[];
  /** First step id of the branch's list, or null for an empty list (then continue at `next`). */
  first: string | null;
}

/** `method` defaults to POST and `timeout` to 10s. */
export type CompiledWebhook = WebhookStep & { method: NonNullable<WebhookStep['method']>; timeout: string };

/** The fields each kind of step carries beside the common ones, keyed by kind. */
interface KindFields {
  wait: { wait: CompiledWait };
  branch: {
    branches: CompiledBranch[];
    /** First step of the otherwise list; null when absent or empty (then continue at `next`). */
    otherwise: string | null;
  };
  webhook: { webhook: CompiledWebhook };
  email: { email: EmailStep };
  /** A channel module's step: the channel id and its settings (templates, rendered at send time). */
  send: { send: { channel: string; settings: Record<string, unknown> } };
  update_contact: { updateContact: UpdateContactStep };
  /** `{}` when the author wrote `exit: null`. */
  exit: { exit: ExitStep };
}

type KindField = { [K in StepKind]: keyof KindFields[K] }[StepKind];

/**
 * A compiled step of kind K: the common fields and exactly its kind's own. The other kinds' fields
 * are declared absent (`?: never`), so code may read `step.wait` on any step (undefined unless it
 * is a wait) while a switch on `kind` narrows to the one member.
 */
export type CompiledStepOf<K extends StepKind> = StepBase & { kind: K } & KindFields[K] & { [F in Exclude<KindField, keyof KindFields[K]>]?: never };

/** A compiled step: a union keyed by `kind`, one member per step kind. */
export type CompiledStep = { [K in StepKind]: CompiledStepOf<K> }[StepKind];

/** A step that sends through a channel. */
export type SendStep = CompiledStepOf<'webhook'> | CompiledStepOf<'email'> | CompiledStepOf<'send'>;

export function isSendStep(step: CompiledStep): step is SendStep {
  return step.kind === 'webhook' || step.kind === 'email' || step.kind === 'send';
}

/** The channel a send step goes through, its settings, and their path in the flow. */
export interface SendTarget {
  channel: string;
  settings: Record<string, unknown>;
  path: string;
}

/**
 * Webhook and email steps are those channels' settings under a step kind of their own; a `send`
 * step names its channel. Either way the engine then calls one channel module.
 */
export function sendTarget(step: SendStep): SendTarget {
  switch (step.kind) {
    case 'webhook':
      return { channel: 'webhook', settings: { ...step.webhook }, path: `${step.path}.webhook` };
    case 'email':
      return { channel: 'email', settings: { ...step.email }, path: `${step.path}.email` };
    case 'send':
      return { channel: step.send.channel, settings: step.send.settings, path: `${step.path}.send` };
    default:
      return unhandledKind(step);
  }
}

/** Reports a kind a switch did not handle: call it in the `default` of every switch over step kinds. */
export function unhandledKind(step: never): never {
  throw new Error(`unhandled step kind ${(step as { kind?: unknown }).kind as string}`);
}

export interface CompiledFlow {
  trigger: CompiledTrigger;
  /** The first top-level step. */
  first: string | null;
  /** Every step, nested ones included, by id. A null-prototype object: look up only ids from this graph. */
  steps: Record<string, CompiledStep>;
  /** Default once_per_key. */
  reentry: ReentryPolicy;
  /** The session key template; null means the default (appointment id, else contact id). */
  sessionKey: string | null;
  /**
   * Whether any text of the flow mentions `secrets`: only then does a run load and decrypt the
   * workspace's secrets (for templates, and to redact them from delivery logs). Templates reach
   * secrets only through the `secrets` variable, so a flow that never names it cannot use them.
   */
  usesSecrets: boolean;
}

/** Default attempts for a step without `retry.max_attempts`. */
export const DEFAULT_MAX_ATTEMPTS = 6;
/** Default lateness allowed to send steps without their own or a flow-wide max_lateness. */
export const DEFAULT_MAX_LATENESS_MS = 3_600_000;
export const DEFAULT_WEBHOOK_TIMEOUT = '10s';

const SEND_KINDS: ReadonlySet<StepKind> = new Set<StepKind>(['webhook', 'email', 'send']);

/** The kind key a step carries, or undefined if none (only possible for unvalidated input). */
export function stepKind(step: StepDefinition): StepKind | undefined {
  return STEP_KINDS.find((kind) => kind in step);
}

/** A step as placed in the flow: its effective id, its path, and whether the author named it. */
export interface PlacedStep {
  step: StepDefinition;
  id: string;
  path: string;
  explicit: boolean;
  /** The id of the step that follows it (see CompiledStep.next). */
  next: string | null;
}

/**
 * Visits every step, nested ones included, depth first in authored order, with its effective id.
 * Generated ids follow the position (1-based): `s1`, `s2` at top level; inside branch step X,
 * `X.b1.s1` for the first branch's list and `X.otherwise.s1`.
 */
export function placeSteps(steps: StepDefinition[], visit: (placed: PlacedStep) => void): string | null {
  return placeList(steps, '', 'steps', null, visit);
}

function placeList(
  steps: StepDefinition[],
  idPrefix: string,
  pathPrefix: string,
  next: string | null,
  visit: (placed: PlacedStep) => void,
): string | null {
  const ids = steps.map((step, i) => step.id ?? `${idPrefix}s${i + 1}`);
  steps.forEach((step, i) => {
    const id = ids[i] as string;
    const path = `${pathPrefix}[${i}]`;
    const stepNext = ids[i + 1] ?? next;
    visit({ step, id, path, explicit: step.id !== undefined, next: stepNext });
    if ('branch' in step) {
      step.branch.branches.forEach((branch, j) => {
        placeList(branch.steps, `${id}.b${j + 1}.`, `${path}.branch.branches[${j}].steps`, stepNext, visit);
      });
      placeList(step.branch.otherwise ?? [], `${id}.otherwise.`, `${path}.branch.otherwise`, stepNext, visit);
    }
  });
  return ids[0] ?? null;
}

/** Compiles a flow that `validateFlow` accepted. Behaviour on unvalidated input is undefined. */
export function compileFlow(flow: FlowDefinition): CompiledFlow {
  const steps: Record<string, CompiledStep> = Object.create(null) as Record<string, CompiledStep>;
  const flowLateness = flow.settings?.max_lateness;
  const first = placeSteps(flow.steps, (placed) => {
    steps[placed.id] = compileStep(placed, flowLateness);
  });
  return {
    trigger: compileTrigger(flow),
    first,
    steps,
    reentry: flow.session?.reentry ?? 'once_per_key',
    sessionKey: flow.session?.key ?? null,
    usesSecrets: JSON.stringify(flow).includes('secrets'),
  };
}

function compileTrigger(flow: FlowDefinition): CompiledTrigger {
  const trigger = flow.trigger;
  if ('event' in trigger) {
    const events = Array.isArray(trigger.event) ? [...trigger.event] : [trigger.event];
    return { type: 'event', events, conditions: trigger.conditions ?? [] };
  }
  const { anchor, before, after, if_past, conditions } = trigger.appointment;
  return {
    type: 'appointment',
    anchor,
    offset: signedOffset(before, after),
    ifPast: if_past ?? (before !== undefined ? 'skip' : 'send_now'),
    conditions: conditions ?? [],
  };
}

function signedOffset(before: string | undefined, after: string | undefined): string {
  return before !== undefined ? formatOffset(-1, before) : formatOffset(1, after ?? '0s');
}

function durationMs(text: string): number {
  const parsed = parseDuration(text);
  return parsed ? durationToMs(parsed) : 0;
}

function compileStep(placed: PlacedStep, flowLateness: string | undefined): CompiledStep {
  const { step, id, path, next } = placed;
  const kind = stepKind(step) as StepKind;
  let maxLatenessMs: number | null = null;
  if (step.max_lateness !== undefined) maxLatenessMs = durationMs(step.max_lateness);
  else if (SEND_KINDS.has(kind)) {
    maxLatenessMs = flowLateness !== undefined ? durationMs(flowLateness) : DEFAULT_MAX_LATENESS_MS;
  }
  const base: StepBase = { id, path, next, maxLatenessMs, maxAttempts: step.retry?.max_attempts ?? DEFAULT_MAX_ATTEMPTS };
  if (step.name !== undefined) base.name = step.name;
  return { ...base, ...kindFields(step, id) } as CompiledStep;
}

/** The kind and the kind's own fields of a validated step. */
function kindFields(step: StepDefinition, id: string): { kind: StepKind } & KindFields[StepKind] {
  if ('wait' in step) return { kind: 'wait', wait: compileWait(step.wait) };
  if ('branch' in step) {
    const branches = step.branch.branches.map((branch, j) => {
      const out: CompiledBranch = {
        when: branch.when,
        first: branch.steps.length > 0 ? (branch.steps[0]?.id ?? `${id}.b${j + 1}.s1`) : null,
      };
      if (branch.name !== undefined) out.name = branch.name;
      return out;
    });
    const otherwise = step.branch.otherwise ?? [];
    return { kind: 'branch', branches, otherwise: otherwise.length > 0 ? (otherwise[0]?.id ?? `${id}.otherwise.s1`) : null };
  }
  if ('webhook' in step) {
    const webhook = { ...step.webhook, method: step.webhook.method ?? 'POST', timeout: step.webhook.timeout ?? DEFAULT_WEBHOOK_TIMEOUT };
    return { kind: 'webhook', webhook };
  }
  if ('email' in step) return { kind: 'email', email: step.email };
  if ('send' in step) {
    const { channel, ...settings } = step.send;
    return { kind: 'send', send: { channel, settings } };
  }
  if ('update_contact' in step) return { kind: 'update_contact', updateContact: step.update_contact };
  if ('exit' in step) return { kind: 'exit', exit: step.exit ?? {} };
  throw new Error('compileFlow: a step without a kind (validate the flow first)');
}

function compileWait(wait: WaitStep): CompiledWait {
  if (wait.duration !== undefined) {
    const parsed = parseDuration(wait.duration);
    return { type: 'duration', duration: parsed ? formatDuration(parsed) : wait.duration };
  }
  const until = wait.until;
  if (typeof until === 'string') {
    const parsed = parseUntil(until);
    if ('type' in parsed) return parsed;
    throw new Error(`compileFlow: invalid until "${until}" (validate the flow first)`);
  }
  if (until === undefined) throw new Error('compileFlow: wait without duration or until (validate the flow first)');
  return { type: 'appointment', anchor: until.anchor, offset: signedOffset(until.before, until.after) };
}
